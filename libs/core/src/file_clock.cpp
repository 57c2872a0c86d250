#include "huifang/core/file_clock.h"

#include <cstdio>
#include <fstream>
#include <memory>

namespace huifang::core {
namespace {

Result<Timestamp> read_instant(const std::string& path) {
  std::ifstream in(path);
  long long us = 0;
  if (!in) return invalid_argument("clock-file", path + " cannot be read");
  if (!(in >> us) || us <= 0) return invalid_argument("clock-file", path + " does not hold microseconds since the epoch");
  return from_micros(us);
}

}  // namespace

FileClock::FileClock(std::string path, std::chrono::milliseconds refresh, Timestamp first)
    : path_(std::move(path)), refresh_(refresh), value_(first), read_at_(std::chrono::steady_clock::now()) {}

Result<std::unique_ptr<FileClock>> FileClock::open(std::string path, std::chrono::milliseconds refresh) {
  auto first = read_instant(path);
  if (!first) return first.error();
  return std::unique_ptr<FileClock>(new FileClock(std::move(path), refresh, *first));
}

Timestamp FileClock::now() const {
  std::lock_guard lock(mu_);
  const auto t = std::chrono::steady_clock::now();
  if (t - read_at_ >= refresh_) {
    read_at_ = t;
    // A half-written file cannot be seen (write renames); a vanished one keeps the last instant.
    if (auto v = read_instant(path_); v && *v > value_) value_ = *v;
  }
  return value_;
}

Status FileClock::write(const std::string& path, Timestamp t) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << to_micros(t) << '\n';
    if (!out) return invalid_argument("clock-file", tmp + " cannot be written");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return invalid_argument("clock-file", "cannot rename " + tmp);
  return ok_status();
}

}  // namespace huifang::core
