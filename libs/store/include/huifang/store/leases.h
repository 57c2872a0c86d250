#pragma once
// Which logical partitions this process may relay and fire timers for, when several instances of
// a service share one Redis. Each partition has a lease key under its hash tag holding the owner's
// id, with a time to live; renew() claims free partitions and extends held ones in one round
// trip. A process that dies stops renewing and its partitions go to the next claimant after the
// TTL. Writes that must come from the holder only (a relay's cursor) go through fenced_sets(),
// which checks the lease in the same script, so a holder that lost its lease mid-pass changes
// nothing.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "huifang/core/result.h"
#include "huifang/store/event_store.h"

namespace huifang::store {

class PartitionLeases {
 public:
  // `owner` names this process (unique per instance). The first instance to renew takes every
  // free partition; the others take over what a dead one held once its leases run out.
  PartitionLeases(EventStore& store, std::string owner, std::chrono::milliseconds ttl);

  // Claims free partitions and extends the ones held; one round trip.
  core::Status renew();
  // Held as of the last renew, which was less than a TTL ago.
  bool holds(uint32_t partition) const;
  std::vector<uint32_t> held() const;
  const std::string& owner() const { return owner_; }
  std::chrono::milliseconds ttl() const { return ttl_; }
  struct FencedSet {
    uint32_t partition;
    std::string key, value;
  };
  // Each SET key value done only while this process holds its partition's lease, in one round
  // trip; per write, whether it was done.
  core::Result<std::vector<bool>> fenced_sets(const std::vector<FencedSet>& writes);

 private:
  EventStore& store_;
  std::string owner_;
  std::chrono::milliseconds ttl_;
  mutable std::mutex mu_;
  std::vector<bool> held_;
  std::chrono::steady_clock::time_point valid_until_{};
};

}  // namespace huifang::store
