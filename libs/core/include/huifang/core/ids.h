#pragma once
// Time-ordered identifiers (UUIDv7, RFC 9562): sortable by creation time, so Redis streams, logs
// and Kafka keys built from them stay roughly in insertion order; random bits make them unique
// across processes without coordination.
#include <array>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

#include "huifang/core/clock.h"

namespace huifang::core {

class IdGenerator {
 public:
  // The clock supplies the millisecond prefix; `seed` makes the random part reproducible in tests
  // (0 = seed from std::random_device).
  explicit IdGenerator(const Clock& clock, uint64_t seed = 0);

  // A new UUIDv7 in canonical text form (36 chars). Monotonic within this generator even when the
  // clock stands still or steps back: the 12-bit sequence field then counts up.
  std::string next();

 private:
  const Clock& clock_;
  std::mutex mu_;
  std::mt19937_64 rng_;
  uint64_t last_ms_ = 0;
  uint16_t seq_ = 0;
};

// True when `s` is a canonical UUID of version 7.
bool is_uuid_v7(std::string_view s);
// The creation time in a UUIDv7 (milliseconds since the epoch).
uint64_t uuid_v7_millis(std::string_view s);

}  // namespace huifang::core
