#include "huifang/edge/rate_limit.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <string>
#include <unordered_map>

namespace huifang::edge {
namespace {

// Buckets of callers idle this long are full again and can be forgotten.
constexpr auto kIdle = std::chrono::minutes(1);
constexpr size_t kSweepAbove = 10'000;

class RateLimited final : public Authenticator {
 public:
  RateLimited(std::shared_ptr<Authenticator> inner, RateLimit limit, SteadyNow now)
      : inner_(std::move(inner)), limit_(limit), now_(std::move(now)) {
    limit_.burst = std::max(1.0, limit_.burst);
  }

  core::Result<Caller> authenticate(const grpc::ServerContext& ctx) const override {
    return charged(inner_->authenticate(ctx));
  }
  core::Result<Caller> verify(std::string_view token) const override { return charged(inner_->verify(token)); }
  core::Status record_read(std::string_view rpc, const Caller& reader, const std::string& purpose,
                           const google::protobuf::Message* request) const override {
    return inner_->record_read(rpc, reader, purpose, request);
  }

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };

  core::Result<Caller> charged(core::Result<Caller> caller) const {
    if (!caller || limit_.per_second <= 0) return caller;
    const auto now = now_();
    std::lock_guard lock(mu_);
    if (buckets_.size() > kSweepAbove) std::erase_if(buckets_, [&](const auto& b) { return now - b.second.at > kIdle; });
    auto [it, fresh] = buckets_.try_emplace(caller->tenant_id + "/" + caller->subject, Bucket{limit_.burst, now});
    Bucket& b = it->second;
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(limit_.burst, b.tokens + elapsed * limit_.per_second);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return caller;
    }
    const auto wait = std::chrono::milliseconds(static_cast<int64_t>(std::ceil((1 - b.tokens) / limit_.per_second * 1000)));
    core::Error e = core::make_error(core::make_error_code(core::errc::resource_exhausted),
                                     "rate limit of " + std::to_string(static_cast<int64_t>(limit_.per_second)) +
                                         " requests/s per caller reached; retry in " + std::to_string(wait.count()) + " ms");
    e.retry_after = wait;
    return e;
  }

  std::shared_ptr<Authenticator> inner_;
  RateLimit limit_;
  SteadyNow now_;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace

std::shared_ptr<Authenticator> rate_limited(std::shared_ptr<Authenticator> inner, RateLimit limit, SteadyNow now) {
  return std::make_shared<RateLimited>(std::move(inner), limit, std::move(now));
}

}  // namespace huifang::edge
