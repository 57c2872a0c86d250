#pragma once
// Configuration from flags and HUIFANG_* environment variables, in that order of precedence, over
// declared defaults. Programs declare their options up front so that an unknown flag, a malformed
// number or an out-of-range value stops the process at boot with a message naming the option and
// where its value came from, instead of surfacing as a strange failure later.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "huifang/core/clock.h"
#include "huifang/core/result.h"

namespace huifang::core {

struct OptionSpec {
  std::string name;           // "redis-port" → flag --redis-port=..., env HUIFANG_REDIS_PORT
  std::string default_value;  // used when neither flag nor environment sets it
  std::string help;
};

// "250ms", "5s", "2m", "1h", "3d" (also "us"); a bare number is milliseconds. INVALID_ARGUMENT
// saying what is wrong otherwise (the caller names the field).
Result<Duration> parse_duration(std::string_view text);

class Config {
 public:
  // Parses argv (`--name=value` or `--name value`; `--help` sets help_requested()) and `env`.
  static Result<Config> parse(std::span<const OptionSpec> options, int argc, const char* const* argv,
                              const std::map<std::string, std::string>& env);

  const std::string& get(const std::string& name) const;
  Result<int64_t> get_int(const std::string& name, int64_t min, int64_t max) const;
  Result<bool> get_bool(const std::string& name) const;
  // "250ms", "5s", "2m", "1h", "3d"; a bare number is milliseconds.
  Result<Duration> get_duration(const std::string& name) const;
  // Comma-separated list; empty items are dropped.
  std::vector<std::string> get_list(const std::string& name) const;

  bool help_requested() const { return help_; }
  std::string usage(const std::string& program) const;
  // Where a value came from, for error messages: "flag --x", "env HUIFANG_X" or "default".
  std::string origin(const std::string& name) const;

 private:
  struct Value {
    std::string text;
    std::string origin;
  };
  std::vector<OptionSpec> specs_;
  std::map<std::string, Value> values_;
  bool help_ = false;
};

// The HUIFANG_* part of this process's environment.
std::map<std::string, std::string> huifang_environment();
// "redis-port" → "HUIFANG_REDIS_PORT".
std::string env_name(const std::string& option);

}  // namespace huifang::core
