#pragma once
// Per-caller rate limits at the edge: each caller (tenant and subject) has a token bucket of
// `per_second` requests with bursts up to `burst`; over it, a call is RESOURCE_EXHAUSTED with the
// time until a token is back (Error::retry_after, sent as the `retry-after-ms` trailer). One
// runaway script or integration therefore cannot starve the tenant's agents or other tenants.
// It wraps an Authenticator, so every gRPC call and every dashboard request is charged.
#include <chrono>
#include <functional>
#include <memory>

#include "huifang/edge/caller.h"

namespace huifang::edge {

struct RateLimit {
  double per_second = 0;  // 0 = unlimited
  double burst = 0;       // the bucket's size; at least 1
};

using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;

std::shared_ptr<Authenticator> rate_limited(std::shared_ptr<Authenticator> inner, RateLimit limit,
                                            SteadyNow now = [] { return std::chrono::steady_clock::now(); });

}  // namespace huifang::edge
