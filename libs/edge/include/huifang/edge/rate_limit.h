#pragma once
// Per-caller rate limits at the edge: each caller (tenant and subject) has a token bucket of
// `per_second` requests with bursts up to `burst`; over it, a call is RESOURCE_EXHAUSTED with the
// time until a token is back (Error::retry_after, sent as the `retry-after-ms` trailer). One
// runaway script or integration therefore cannot starve the tenant's agents or other tenants.
// It wraps an Authenticator, so every gRPC call and every dashboard request is charged.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "huifang/edge/caller.h"

namespace huifang::edge {

struct RateLimit {
  double per_second = 0;  // 0 = unlimited
  double burst = 0;       // the bucket's size; at least 1
};

using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;

std::shared_ptr<Authenticator> rate_limited(std::shared_ptr<Authenticator> inner, RateLimit limit,
                                            SteadyNow now = [] { return std::chrono::steady_clock::now(); });

// Guessing credentials: each peer address may fail to sign in `per_minute` times a minute (at
// once, then as the minute refills). Past that, its calls are RESOURCE_EXHAUSTED with the time to
// wait, before any token or API key is even checked — so guessing is slow and costs us nothing,
// and a peer's valid credentials wait too. Behind a proxy every caller shares its address: raise
// the limit there, or set 0 (off) and let the proxy limit.
struct FailedSignInLimit {
  double per_minute = 0;  // 0 = unlimited
};
std::shared_ptr<Authenticator> guess_limited(std::shared_ptr<Authenticator> inner, FailedSignInLimit limit,
                                             SteadyNow now = [] { return std::chrono::steady_clock::now(); });

// The address part of a gRPC peer ("ipv4:10.0.0.7:51234" → "10.0.0.7", "ipv6:[::1]:5" → "::1");
// anything else as it is (an HTTP client's address is already only that).
std::string peer_host(std::string_view peer);

}  // namespace huifang::edge
