#pragma once
// Time is injected: domain code asks a Clock, never std::chrono::system_clock directly, so tests
// and the demo can run weeks of simulated time in milliseconds. SystemClock is made in main().
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace huifang::core {

using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;
using Duration = std::chrono::microseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp now() const override {
    return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  }
};

// A clock that moves only when told to; thread-safe so a test thread can drive a service's timers.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : us_(start.time_since_epoch().count()) {}
  Timestamp now() const override { return Timestamp{Duration{us_.load(std::memory_order_acquire)}}; }
  void advance(Duration d) { us_.fetch_add(d.count(), std::memory_order_acq_rel); }
  void set(Timestamp t) { us_.store(t.time_since_epoch().count(), std::memory_order_release); }

 private:
  std::atomic<int64_t> us_;
};

// Microseconds since the epoch; the wire and Redis representation of an instant.
inline int64_t to_micros(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp from_micros(int64_t us) { return Timestamp{Duration{us}}; }
// Milliseconds since the epoch: sorted-set scores of timers and deadlines.
inline int64_t to_millis(Timestamp t) { return to_micros(t) / 1000; }
// RFC 3339 in UTC with millisecond precision, e.g. 2026-11-24T08:30:00.000Z.
std::string format_rfc3339(Timestamp t);

}  // namespace huifang::core
