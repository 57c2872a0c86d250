#pragma once
// Tests advance time explicitly; nothing sleeps. The clock is core's ManualClock under the name
// tests read naturally.
#include "huifang/core/clock.h"

namespace huifang::testing {

using FakeClock = core::ManualClock;

// 2026-01-05T00:00:00Z, a Monday: a fixed origin so calendar-sensitive tests are reproducible.
inline core::Timestamp test_epoch() { return core::from_micros(1'767'571'200'000'000); }

}  // namespace huifang::testing
