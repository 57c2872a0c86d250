#pragma once
// Simulated time shared by every process of one cluster: the current instant is whatever the
// file says (microseconds since the epoch, one integer). The demo and end-to-end tests move time
// for all services at once by rewriting the file, so SLA breaches, due visits and 3-day follow-ups
// happen in seconds instead of days. Re-read at most every `refresh`, so now() stays cheap.
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "huifang/core/clock.h"
#include "huifang/core/result.h"

namespace huifang::core {

class FileClock final : public Clock {
 public:
  // Fails when the file is missing or does not hold an instant.
  static Result<std::unique_ptr<FileClock>> open(std::string path,
                                                 std::chrono::milliseconds refresh = std::chrono::milliseconds(20));
  Timestamp now() const override;

  // Writes `t` for every FileClock reading `path` (atomically: temp file + rename).
  static Status write(const std::string& path, Timestamp t);

 private:
  FileClock(std::string path, std::chrono::milliseconds refresh, Timestamp first);

  std::string path_;
  std::chrono::milliseconds refresh_;
  mutable std::mutex mu_;
  mutable Timestamp value_;
  mutable std::chrono::steady_clock::time_point read_at_;
};

}  // namespace huifang::core
