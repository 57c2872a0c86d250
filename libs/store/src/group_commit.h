#pragma once
// Group commit for single appends: callers that append at the same time (gRPC handlers, consumer
// lanes) share one pipelined round trip, and so one fsync, instead of each waiting for its own.
// The first caller to find nothing in flight becomes the leader and sends everything queued; the
// others wait for their result. A group forms only while a round trip is in flight, so a lone
// caller waits no longer than before; under load the group grows by itself.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "huifang/core/result.h"
#include "huifang/store/event_store.h"

namespace huifang::store {

class GroupCommit {
 public:
  using Send = std::function<std::vector<core::Result<AppendResult>>(std::span<const AppendRequest* const>)>;

  GroupCommit(Send send, size_t max_group) : send_(std::move(send)), max_group_(max_group) {}

  core::Result<AppendResult> append(const AppendRequest& request);
  GroupCommitStats stats() const;

 private:
  struct Waiter {
    const AppendRequest* request;
    std::optional<core::Result<AppendResult>> result;
  };

  Send send_;
  const size_t max_group_;
  mutable std::mutex mu_;
  std::condition_variable done_;
  std::deque<Waiter*> queue_;
  bool leading_ = false;
  GroupCommitStats stats_;
};

}  // namespace huifang::store
