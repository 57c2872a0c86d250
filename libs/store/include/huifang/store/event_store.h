#pragma once
// The event store: each aggregate is a stream of serialized event envelopes (its version is the
// number of events), loaded from an optional snapshot plus later events, and appended with an
// expected version in one atomic Lua step that also writes the service's outbox (entries point at
// the stored events, so payloads are not kept twice), the inbox high-water mark for messages that
// came from Kafka, and the service's own index updates. Keys carry the logical partition of the
// partition key (the customer id) as a hash tag: `<prefix>:{p17}:...`.
//
// Most streams hold a few events (a service event, a visit), and a Redis key of their own would
// cost about 300 bytes beyond the events. So a short stream is a field of one hash per partition
// and stream type, and only a stream that grows past `packed_events` (or that an earlier version
// wrote) is a Redis list. Which form a stream has is the store's business alone.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "huifang/core/clock.h"
#include "huifang/core/result.h"
#include "huifang/core/stream_id.h"
#include "huifang/store/event_log.h"
#include "huifang/store/redis.h"

namespace huifang::store {

// Stable across processes and versions (FNV-1a): the same customer always maps to one partition.
uint32_t logical_partition(std::string_view partition_key, uint32_t partitions);

// How single appends were grouped (EventStore::append): requests ÷ groups is the mean group.
struct GroupCommitStats {
  uint64_t groups = 0;
  uint64_t requests = 0;
};

struct StoreOptions {
  std::string prefix;           // the service's key prefix, e.g. "visit" (its ACL user owns prefix:*)
  uint32_t partitions = 64;     // logical partitions; fixed for the life of the data
  uint32_t snapshot_every = 50; // save a snapshot when a stream crosses a multiple of this
  // How long the inbox must remember a source stream after its last message: at least as long as
  // anything can deliver it again (the outboxes' retention, which bounds a republish). Marks live
  // in one hash per period, read for this period and the one before and dropped by Redis after
  // two, so the inbox no longer grows with every stream ever consumed. Zero: one hash, kept forever.
  std::chrono::seconds inbox_period{0};
  // Wall time for the inbox periods (Redis expires keys in wall time too); null = the system's.
  const core::Clock* wall_clock = nullptr;
  // Most single appends sent in one round trip when callers append at the same time.
  size_t max_group = 256;
  // Most events a stream keeps in packed form (each append rewrites it, so keep this small); 0
  // keeps every stream as a list.
  uint32_t packed_events = 16;
};

class GroupCommit;

class EventStore final : public EventLog {
 public:
  EventStore(RedisPool& pool, StoreOptions options);
  ~EventStore() override;

  using EventLog::load;
  core::Result<LoadedStream> load(std::string_view partition_key, const StreamId& stream, bool use_snapshot) override;
  // Concurrent callers share round trips (group commit).
  core::Result<AppendResult> append(const AppendRequest& request) override;
  GroupCommitStats group_commit_stats() const;
  // One round trip (for consumers and the gRPC edge under load): the fsync is shared by the batch.
  std::vector<core::Result<AppendResult>> append_batch(const std::vector<AppendRequest>& requests) override;
  core::Status save_snapshot(std::string_view partition_key, const StreamId& stream, uint64_t version,
                             const std::string& state) override;
  bool snapshot_due(uint64_t old_version, uint64_t new_version) const override;

  // Key layout, for the service's own index reads and for the relay.
  std::string key(uint32_t partition, std::string_view suffix) const;
  std::string stream_key(uint32_t partition, const StreamId& stream) const;
  // The hash holding the partition's short streams of `type`, one field per stream id.
  std::string packed_key(uint32_t partition, const std::string& type) const;
  // The commands that remove a stream and its snapshot, whichever form it has (retention).
  std::vector<Argv> forget(uint32_t partition, const StreamId& stream) const;
  // A page of the partition's short streams of `type` (HSCAN from `cursor`, "0" to start): each
  // stream's id and first event, for passes over every stream such as retention. The next cursor
  // is "0" when the pass is done. Streams kept as lists are not listed.
  struct StreamHead {
    std::string id;
    std::string first_event;
  };
  struct StreamPage {
    std::string next_cursor;
    std::vector<StreamHead> streams;
  };
  core::Result<StreamPage> scan_short_streams(uint32_t partition, const std::string& type, const std::string& cursor,
                                              size_t count) const;
  // The stream a key of stream_key() names; nullopt for any other key.
  std::optional<StreamId> stream_of_key(std::string_view key) const;
  uint32_t partition_of(std::string_view partition_key) const;
  uint32_t partitions() const { return options_.partitions; }
  // 0 .. partitions()-1, for passes over every partition.
  std::vector<uint32_t> all_partitions() const;
  const std::string& prefix() const { return options_.prefix; }
  RedisPool& pool() { return pool_; }

  // Called after every successful append with the partition written (wakes its relay at once,
  // tells the timers to look). Added at start-up, before appends begin.
  void add_append_listener(std::function<void(uint32_t partition)> listener) { listeners_.push_back(std::move(listener)); }

 private:
  std::vector<core::Result<AppendResult>> send(std::span<const AppendRequest* const> requests);
  std::string snapshot_key(uint32_t partition, const StreamId& stream) const;
  std::pair<Argv, Argv> script_call(const AppendRequest& r, uint32_t partition, int64_t inbox_generation) const;
  int64_t inbox_generation() const;
  core::Result<AppendResult> parse(const Reply& reply, const AppendRequest& r) const;

  RedisPool& pool_;
  StoreOptions options_;
  Script append_script_;
  std::vector<std::function<void(uint32_t)>> listeners_;
  std::unique_ptr<GroupCommit> group_;
};

}  // namespace huifang::store
