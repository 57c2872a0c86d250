#include "huifang/core/config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

extern char** environ;

namespace huifang::core {

std::string env_name(const std::string& option) {
  std::string s = "HUIFANG_";
  for (char c : option) s.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return s;
}

std::map<std::string, std::string> huifang_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    if (std::strncmp(*e, "HUIFANG_", 8) != 0) continue;
    const char* eq = std::strchr(*e, '=');
    if (eq) env.emplace(std::string(static_cast<const char*>(*e), eq), std::string(eq + 1));
  }
  return env;
}

Result<Config> Config::parse(std::span<const OptionSpec> options, int argc, const char* const* argv,
                             const std::map<std::string, std::string>& env) {
  Config cfg;
  cfg.specs_.assign(options.begin(), options.end());
  for (const auto& o : options) {
    auto it = env.find(env_name(o.name));
    if (it != env.end()) {
      cfg.values_[o.name] = {it->second, "env " + it->first};
    } else {
      cfg.values_[o.name] = {o.default_value, "default"};
    }
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      cfg.help_ = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) return invalid_argument(arg, "unexpected argument '" + arg + "' (options look like --name=value)");
    std::string name = arg.substr(2), value;
    const auto eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return invalid_argument("--" + name, "flag --" + name + " needs a value");
    }
    if (!cfg.values_.contains(name)) return invalid_argument("--" + name, "unknown flag --" + name + " (see --help)");
    cfg.values_[name] = {value, "flag --" + name};
  }
  return cfg;
}

const std::string& Config::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) std::abort();  // asking for an undeclared option is a bug
  return it->second.text;
}

std::string Config::origin(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? "undeclared" : it->second.origin;
}

Result<int64_t> Config::get_int(const std::string& name, int64_t min, int64_t max) const {
  const std::string& s = get(name);
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size())
    return invalid_argument(name, origin(name) + ": '" + s + "' is not an integer");
  if (v < min || v > max)
    return invalid_argument(name, origin(name) + ": " + s + " is outside " + std::to_string(min) + ".." + std::to_string(max));
  return v;
}

Result<bool> Config::get_bool(const std::string& name) const {
  std::string s = get(name);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  if (s == "1" || s == "true" || s == "yes" || s == "on") return true;
  if (s == "0" || s == "false" || s == "no" || s == "off" || s.empty()) return false;
  return invalid_argument(name, origin(name) + ": '" + get(name) + "' is not a boolean (true/false)");
}

Result<Duration> parse_duration(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || v < 0) return invalid_argument("", "'" + std::string(s) + "' is not a duration (e.g. 250ms, 5s, 2m)");
  const std::string unit(p, s.data() + s.size());
  using namespace std::chrono;
  if (unit.empty() || unit == "ms") return duration_cast<Duration>(milliseconds(v));
  if (unit == "us") return Duration(v);
  if (unit == "s") return duration_cast<Duration>(seconds(v));
  if (unit == "m") return duration_cast<Duration>(minutes(v));
  if (unit == "h") return duration_cast<Duration>(hours(v));
  if (unit == "d") return duration_cast<Duration>(hours(24 * v));
  return invalid_argument("", "unknown unit '" + unit + "' in '" + std::string(s) + "' (use us, ms, s, m, h, d)");
}

Result<Duration> Config::get_duration(const std::string& name) const {
  auto d = parse_duration(get(name));
  if (!d) return invalid_argument(name, origin(name) + ": " + d.error().message);
  return d;
}

std::vector<std::string> Config::get_list(const std::string& name) const {
  std::vector<std::string> out;
  const std::string& s = get(name);
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string Config::usage(const std::string& program) const {
  std::string u = "usage: " + program + " [--option=value ...]\n\noptions (flag, environment variable, default):\n";
  for (const auto& o : specs_) {
    u += "  --" + o.name + "  (" + env_name(o.name) + ", default '" + o.default_value + "')\n      " + o.help + "\n";
  }
  return u;
}

}  // namespace huifang::core
