#include "huifang/store/errc.h"

namespace huifang::store {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "store"; }
  std::string message(int c) const override {
    switch (static_cast<errc>(c)) {
      case errc::ok: return "ok";
      case errc::version_conflict: return "version conflict: the stream changed since it was read";
      case errc::duplicate_message: return "duplicate message: already applied";
      case errc::unavailable: return "Redis unavailable";
      case errc::bad_reply: return "unexpected reply from Redis";
      case errc::auth_failed: return "Redis AUTH failed";
    }
    return "unknown store error";
  }
  std::error_condition default_error_condition(int c) const noexcept override {
    using core::condition;
    switch (static_cast<errc>(c)) {
      case errc::ok: return condition::ok;
      case errc::version_conflict: return condition::aborted;
      case errc::duplicate_message: return condition::already_exists;
      case errc::unavailable: return condition::unavailable;
      case errc::bad_reply: return condition::internal;
      case errc::auth_failed: return condition::unavailable;
    }
    return condition::internal;
  }
};

}  // namespace

const std::error_category& category() noexcept {
  static const Category c;
  return c;
}

}  // namespace huifang::store
