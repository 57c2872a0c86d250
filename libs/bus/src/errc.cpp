#include "huifang/bus/errc.h"

namespace huifang::bus {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "bus"; }
  std::string message(int c) const override {
    switch (static_cast<errc>(c)) {
      case errc::ok: return "ok";
      case errc::broker_unavailable: return "Kafka broker unavailable";
      case errc::bad_config: return "bad Kafka configuration";
      case errc::produce_failed: return "produce failed";
      case errc::offset_gap: return "offset gap: the broker no longer holds the next offsets";
      case errc::decode_failed: return "message could not be decoded";
      case errc::message_rejected: return "message can never be published";
    }
    return "unknown bus error";
  }
  std::error_condition default_error_condition(int c) const noexcept override {
    using core::condition;
    switch (static_cast<errc>(c)) {
      case errc::ok: return condition::ok;
      case errc::broker_unavailable: return condition::unavailable;
      case errc::bad_config: return condition::invalid_argument;
      case errc::produce_failed: return condition::internal;
      case errc::offset_gap: return condition::internal;
      case errc::decode_failed: return condition::invalid_argument;
      case errc::message_rejected: return condition::invalid_argument;
    }
    return condition::internal;
  }
};

}  // namespace

const std::error_category& category() noexcept {
  static const Category c;
  return c;
}

}  // namespace huifang::bus
