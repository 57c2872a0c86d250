#pragma once
// Integration tests await a condition with a deadline instead of sleeping a guessed amount.
#include <chrono>
#include <functional>
#include <thread>

namespace huifang::testing {

// Polls `cond` every `step` until it is true (returns true) or `timeout` passes (returns false).
inline bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds step = std::chrono::milliseconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(step);
  }
  return cond();
}

}  // namespace huifang::testing
