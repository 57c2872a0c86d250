#pragma once
// Structured logging as logfmt lines on stderr (`ts=… level=info svc=intake msg="…" key=value`):
// greppable by a person, parseable by a log shipper, no dependency. Fields are key/value pairs so
// callers never format personal data into free text by accident; mask it before logging.
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace huifang::core::log {

enum class Level { debug = 0, info, warn, error };

struct Field {
  std::string_view key;
  std::string value;
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  template <typename N, typename = std::enable_if_t<std::is_arithmetic_v<N>>>
  Field(std::string_view k, N n) : key(k), value(std::to_string(n)) {}
};

// Process-wide settings, set once in main().
void set_service(std::string name);
void set_level(Level level);
bool parse_level(std::string_view text, Level& out);

void write(Level level, std::string_view msg, std::initializer_list<Field> fields);
inline void debug(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::debug, m, f); }
inline void info(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::info, m, f); }
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::warn, m, f); }
inline void error(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::error, m, f); }

// Formats one line without writing it (used by tests and by write()).
std::string format_line(Level level, std::string_view service, std::string_view msg,
                        std::initializer_list<Field> fields, std::string_view timestamp);

}  // namespace huifang::core::log
