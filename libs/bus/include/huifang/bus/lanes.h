#pragma once
// Concurrency inside one consumed batch, for handlers that wait on Redis round trips: items are
// spread over lanes by key, each lane runs on its own thread, and a key's items stay in order on
// one lane. The consumer loop still sees one ordered outcome.
#include <cstddef>
#include <functional>
#include <string_view>

#include "huifang/bus/consumer_loop.h"

namespace huifang::bus {

// Applies items 0..n-1 with `apply`, those with equal `key_of` in order on one of `lanes` threads.
// `done` is the prefix before the earliest failure; items after it that other lanes applied come
// again with the redelivery, so `apply` must be idempotent (the inbox makes it so).
BatchOutcome apply_in_lanes(size_t n, const std::function<std::string_view(size_t)>& key_of,
                            const std::function<core::Status(size_t)>& apply, size_t lanes);

}  // namespace huifang::bus
