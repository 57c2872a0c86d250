#include "huifang/core/error.h"

namespace huifang::core {
namespace {

const char* condition_name(int c) {
  switch (static_cast<condition>(c)) {
    case condition::ok: return "ok";
    case condition::invalid_argument: return "invalid argument";
    case condition::not_found: return "not found";
    case condition::already_exists: return "already exists";
    case condition::failed_precondition: return "failed precondition";
    case condition::permission_denied: return "permission denied";
    case condition::unauthenticated: return "unauthenticated";
    case condition::aborted: return "aborted";
    case condition::unavailable: return "unavailable";
    case condition::deadline_exceeded: return "deadline exceeded";
    case condition::internal: return "internal";
    case condition::resource_exhausted: return "resource exhausted";
  }
  return "unknown";
}

class ConditionCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "huifang"; }
  std::string message(int c) const override { return condition_name(c); }
};

// core::errc values are the conditions one to one.
class CoreCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "core"; }
  std::string message(int c) const override { return condition_name(c); }
  std::error_condition default_error_condition(int c) const noexcept override {
    return make_error_condition(static_cast<condition>(c));
  }
};

}  // namespace

const std::error_category& condition_category() noexcept {
  static const ConditionCategory c;
  return c;
}
const std::error_category& category() noexcept {
  static const CoreCategory c;
  return c;
}

condition Error::kind() const noexcept {
  if (!code) return condition::ok;
  const std::error_condition cond = code.default_error_condition();
  if (cond.category() == condition_category()) return static_cast<condition>(cond.value());
  return condition::internal;
}

std::string Error::to_string() const {
  std::string s = code.category().name();
  s += ": ";
  if (!field.empty()) s += field + ": ";
  s += message.empty() ? code.message() : message;
  return s;
}

}  // namespace huifang::core
