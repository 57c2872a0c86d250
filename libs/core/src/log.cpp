#include "huifang/core/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

#include "huifang/core/clock.h"

namespace huifang::core::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::info)};
std::mutex g_mu;
std::string& service_name() {
  static std::string name = "huifang";
  return name;
}

const char* level_name(Level l) {
  switch (l) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

void append_value(std::string& out, std::string_view v) {
  const bool quote = v.empty() || v.find_first_of(" =\"\n\t") != std::string_view::npos;
  if (!quote) {
    out.append(v);
    return;
  }
  out.push_back('"');
  for (char c : v) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out.append("\\n");
      continue;
    }
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

void set_service(std::string name) {
  std::lock_guard lock(g_mu);
  service_name() = std::move(name);
}
void set_level(Level level) { g_level.store(static_cast<int>(level)); }

bool parse_level(std::string_view text, Level& out) {
  for (Level l : {Level::debug, Level::info, Level::warn, Level::error}) {
    if (text == level_name(l)) {
      out = l;
      return true;
    }
  }
  return false;
}

std::string format_line(Level level, std::string_view service, std::string_view msg,
                        std::initializer_list<Field> fields, std::string_view timestamp) {
  std::string line;
  line.reserve(128);
  line += "ts=";
  line += timestamp;
  line += " level=";
  line += level_name(level);
  line += " svc=";
  append_value(line, service);
  line += " msg=";
  append_value(line, msg);
  for (const auto& f : fields) {
    line.push_back(' ');
    line.append(f.key);
    line.push_back('=');
    append_value(line, f.value);
  }
  line.push_back('\n');
  return line;
}

void write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (static_cast<int>(level) < g_level.load(std::memory_order_relaxed)) return;
  // Log timestamps are wall-clock by nature: they say when the process wrote the line.
  const std::string ts = format_rfc3339(SystemClock{}.now());
  std::lock_guard lock(g_mu);
  const std::string line = format_line(level, service_name(), msg, fields, ts);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace huifang::core::log
