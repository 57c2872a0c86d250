#include "huifang/edge/rate_limit.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <string>
#include <unordered_map>

#include <grpcpp/server_context.h>

#include "token_buckets.h"

namespace huifang::edge {
namespace {

class RateLimited final : public Authenticator {
 public:
  RateLimited(std::shared_ptr<Authenticator> inner, RateLimit limit, SteadyNow now)
      : inner_(std::move(inner)), limit_(limit), now_(std::move(now)), buckets_(limit.per_second, limit.burst) {}

  core::Result<Caller> authenticate(const grpc::ServerContext& ctx) const override {
    return charged(inner_->authenticate(ctx));
  }
  core::Result<Caller> verify(std::string_view token, std::string_view peer) const override {
    return charged(inner_->verify(token, peer));
  }
  core::Status record_read(std::string_view rpc, const Caller& reader, const std::string& purpose,
                           const google::protobuf::Message* request) const override {
    return inner_->record_read(rpc, reader, purpose, request);
  }

 private:
  core::Result<Caller> charged(core::Result<Caller> caller) const {
    if (!caller || limit_.per_second <= 0) return caller;
    const auto wait = buckets_.take(caller->tenant_id + "/" + caller->subject, now_());
    if (!wait) return caller;
    core::Error e = core::make_error(core::make_error_code(core::errc::resource_exhausted),
                                     "rate limit of " + std::to_string(static_cast<int64_t>(limit_.per_second)) +
                                         " requests/s per caller reached; retry in " + std::to_string(wait->count()) + " ms");
    e.retry_after = *wait;
    return e;
  }

  std::shared_ptr<Authenticator> inner_;
  RateLimit limit_;
  SteadyNow now_;
  mutable TokenBuckets buckets_;
};

// Failures are counted per peer address; while a peer has used up its failures, its calls are
// refused before any credential is looked at.
class GuessLimited final : public Authenticator {
 public:
  GuessLimited(std::shared_ptr<Authenticator> inner, FailedSignInLimit limit, SteadyNow now)
      : inner_(std::move(inner)), limit_(limit), now_(std::move(now)), buckets_(limit.per_minute / 60.0, limit.per_minute) {}

  core::Result<Caller> authenticate(const grpc::ServerContext& ctx) const override {
    const auto& md = ctx.client_metadata();
    if (!md.contains("authorization") && !md.contains("x-api-key")) return inner_->authenticate(ctx);  // not a guess
    const std::string peer = peer_host(ctx.peer());
    if (auto refused = locked_out(peer)) return *refused;
    return counted(peer, inner_->authenticate(ctx));
  }
  core::Result<Caller> verify(std::string_view token, std::string_view peer_address) const override {
    const std::string peer = peer_host(peer_address);
    if (auto refused = locked_out(peer)) return *refused;
    return counted(peer, inner_->verify(token, peer_address));
  }
  core::Status record_read(std::string_view rpc, const Caller& reader, const std::string& purpose,
                           const google::protobuf::Message* request) const override {
    return inner_->record_read(rpc, reader, purpose, request);
  }

 private:
  std::optional<core::Error> locked_out(const std::string& peer) const {
    if (limit_.per_minute <= 0 || peer.empty()) return std::nullopt;
    const auto wait = buckets_.wait(peer, now_());
    if (!wait) return std::nullopt;
    const auto seconds = std::max<int64_t>(1, (wait->count() + 999) / 1000);
    core::Error e = core::make_error(core::make_error_code(core::errc::resource_exhausted),
                                     "too many failed sign-ins from " + peer + "; credentials from it are not checked for " +
                                         std::to_string(seconds) + " s");
    e.retry_after = *wait;
    return e;
  }
  core::Result<Caller> counted(const std::string& peer, core::Result<Caller> caller) const {
    if (!caller && caller.error().kind() == core::condition::unauthenticated && limit_.per_minute > 0 && !peer.empty())
      buckets_.charge(peer, now_());
    return caller;
  }

  std::shared_ptr<Authenticator> inner_;
  FailedSignInLimit limit_;
  SteadyNow now_;
  mutable TokenBuckets buckets_;
};

}  // namespace

std::string peer_host(std::string_view peer) {
  const bool v4 = peer.starts_with("ipv4:"), v6 = peer.starts_with("ipv6:");
  if (!v4 && !v6) return std::string(peer);  // an HTTP client's address already, or a unix socket
  peer.remove_prefix(5);
  peer = peer.substr(0, peer.rfind(':'));  // the port
  if (v6) {
    for (auto [open, close] : {std::pair{"[", "]"}, std::pair{"%5B", "%5D"}})
      if (peer.starts_with(open) && peer.ends_with(close))
        peer = peer.substr(std::string_view(open).size(), peer.size() - std::string_view(open).size() - std::string_view(close).size());
  }
  return std::string(peer);
}

std::shared_ptr<Authenticator> rate_limited(std::shared_ptr<Authenticator> inner, RateLimit limit, SteadyNow now) {
  return std::make_shared<RateLimited>(std::move(inner), limit, std::move(now));
}

std::shared_ptr<Authenticator> guess_limited(std::shared_ptr<Authenticator> inner, FailedSignInLimit limit, SteadyNow now) {
  return std::make_shared<GuessLimited>(std::move(inner), limit, std::move(now));
}

}  // namespace huifang::edge
