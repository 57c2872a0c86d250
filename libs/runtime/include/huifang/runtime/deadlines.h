#pragma once
// Which logical partitions have a timer due, without asking Redis when nothing changed. Timers
// live in a sorted set per partition (score = due time in ms). The earliest score of each set is
// kept here and read again only for partitions that were appended to (they may hold an earlier
// timer now) or that were just reported due (they fired), plus every partition every `rescan`
// for what other processes wrote. An idle cluster then costs no Redis round trip per timer tick.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "huifang/core/result.h"
#include "huifang/store/event_store.h"

namespace huifang::runtime {

class Deadlines {
 public:
  Deadlines(store::EventStore& store, std::string suffix, std::chrono::milliseconds rescan = std::chrono::seconds(5));

  // An append to `partition` may have armed an earlier timer (the store's append listener).
  void touched(uint32_t partition);
  // The partitions with a timer due at `now_ms`; they are looked at again on the next call.
  core::Result<std::vector<uint32_t>> due(int64_t now_ms);

 private:
  store::EventStore& store_;
  std::string suffix_;
  std::chrono::milliseconds rescan_;
  std::mutex mu_;
  std::vector<bool> stale_;       // under mu_: read the earliest timer again
  std::vector<int64_t> earliest_;  // INT64_MAX = no timer
  std::chrono::steady_clock::time_point next_rescan_{};
};

}  // namespace huifang::runtime
