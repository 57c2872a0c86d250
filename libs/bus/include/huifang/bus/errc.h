#pragma once
// Failures of the Kafka bus, mapped onto the canonical conditions the edge understands.
#include <system_error>

#include "huifang/core/error.h"

namespace huifang::bus {

enum class errc {
  ok = 0,
  broker_unavailable,  // no broker reachable or the request timed out: retry later
  bad_config,          // a librdkafka property was rejected at startup
  produce_failed,      // a message was permanently rejected (too large, unknown topic, ...)
  offset_gap,          // the broker no longer has the offsets we need (retention/mock limits)
  decode_failed,       // a payload is not what its topic promises
  message_rejected,    // this message can never be published (too large, malformed); others can
};
const std::error_category& category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), category()}; }

}  // namespace huifang::bus

template <>
struct std::is_error_code_enum<huifang::bus::errc> : std::true_type {};
