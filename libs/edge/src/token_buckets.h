#pragma once
// Token buckets by key, for the edge's limits (requests per caller, failed sign-ins per peer): a
// bucket holds up to `burst` tokens and refills at `per_second`; buckets idle long enough to be
// full again are forgotten, so an attacker inventing keys cannot grow the map without bound.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace huifang::edge {

class TokenBuckets {
 public:
  using Clock = std::chrono::steady_clock;
  TokenBuckets(double per_second, double burst);

  // How long until `key` has a whole token; nullopt when it has one now. Takes nothing.
  std::optional<std::chrono::milliseconds> wait(const std::string& key, Clock::time_point now);
  // Takes a token when there is one (nullopt); otherwise how long until there is.
  std::optional<std::chrono::milliseconds> take(const std::string& key, Clock::time_point now);
  // Takes a token even when that leaves the bucket empty (a failure that already happened).
  void charge(const std::string& key, Clock::time_point now);

 private:
  struct Bucket {
    double tokens;
    Clock::time_point at;
  };
  Bucket& refilled(const std::string& key, Clock::time_point now);  // with mu_ held
  std::chrono::milliseconds until_whole(const Bucket& b) const;

  const double per_second_;
  const double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace huifang::edge
