#include "token_buckets.h"

#include <algorithm>
#include <cmath>

namespace huifang::edge {
namespace {
constexpr size_t kSweepAbove = 10'000;
}  // namespace

TokenBuckets::TokenBuckets(double per_second, double burst) : per_second_(per_second), burst_(std::max(1.0, burst)) {}

TokenBuckets::Bucket& TokenBuckets::refilled(const std::string& key, Clock::time_point now) {
  if (buckets_.size() > kSweepAbove)  // full again: the same as never seen
    std::erase_if(buckets_, [&](const auto& kv) {
      return kv.second.tokens + std::chrono::duration<double>(now - kv.second.at).count() * per_second_ >= burst_;
    });
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  const double elapsed = std::chrono::duration<double>(now - b.at).count();
  b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
  b.at = now;
  return b;
}

std::chrono::milliseconds TokenBuckets::until_whole(const Bucket& b) const {
  return std::chrono::milliseconds(static_cast<int64_t>(std::ceil((1 - b.tokens) / per_second_ * 1000)));
}

std::optional<std::chrono::milliseconds> TokenBuckets::wait(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  const Bucket& b = refilled(key, now);
  if (b.tokens >= 1) return std::nullopt;
  return until_whole(b);
}

std::optional<std::chrono::milliseconds> TokenBuckets::take(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  Bucket& b = refilled(key, now);
  if (b.tokens < 1) return until_whole(b);
  b.tokens -= 1;
  return std::nullopt;
}

void TokenBuckets::charge(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  Bucket& b = refilled(key, now);
  b.tokens = std::max(0.0, b.tokens - 1);
}

}  // namespace huifang::edge
