#pragma once
// The event store: each aggregate is a Redis list of serialized event envelopes (its version is
// the list length), loaded from an optional snapshot plus later events, and appended with an
// expected version in one atomic Lua step that also writes the service's outbox (entries point at
// the stored events, so payloads are not kept twice), the inbox high-water mark for messages that
// came from Kafka, and the service's own index updates. Keys carry the logical partition of the
// partition key (the customer id) as a hash tag: `<prefix>:{p17}:...`.
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
#include "huifang/store/redis.h"

namespace huifang::store {

// Stable across processes and versions (FNV-1a): the same customer always maps to one partition.
uint32_t logical_partition(std::string_view partition_key, uint32_t partitions);

using core::StreamId;

// Named expectations instead of magic numbers.
struct ExpectedVersion {
  int64_t value;
  static constexpr ExpectedVersion any() { return {-1}; }
  static constexpr ExpectedVersion no_stream() { return {0}; }
  static constexpr ExpectedVersion exactly(uint64_t v) { return {static_cast<int64_t>(v)}; }
};

struct StreamAppend {
  StreamId stream;
  ExpectedVersion expected;
  std::vector<std::string> events;  // serialized envelopes, in order
  // False for events the service keeps but must not publish (e.g. the copy of a plan another
  // service already published, which starts the aggregate that now owns it): no outbox entry.
  bool publish = true;
};

// The Kafka message a command came from, identified by its source stream and version (not by
// offset: offsets restart when the embedded broker does, and relays may republish). The inbox
// keeps one high-water mark per source stream, for as long as a message could come again.
struct InboxMark {
  std::string source;  // e.g. "visit/0190..." — one high-water mark per source stream
  uint64_t version;
};

// A write to one of the service's own index keys, applied in the same atomic step. `key` is a
// suffix under this partition's tag; the command must be one the script allows.
struct IndexOp {
  std::string command;  // HSET HDEL ZADD ZREM SADD SREM SET DEL HINCRBY INCRBY
  std::string key;
  std::vector<std::string> args;
};

struct AppendRequest {
  std::string partition_key;  // customer id (or the aggregate's own id where there is none)
  std::vector<StreamAppend> streams;
  std::optional<InboxMark> inbox;
  std::vector<IndexOp> index_ops;
};

struct AppendResult {
  std::vector<uint64_t> versions;  // the new version of each stream, in request order
};

struct LoadedStream {
  uint64_t version = 0;                 // number of events in the stream
  std::optional<std::string> snapshot;  // state as of snapshot_version, if one was saved
  uint64_t snapshot_version = 0;
  std::vector<std::string> events;      // events after the snapshot
};

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
};

class GroupCommit;

class EventStore {
 public:
  EventStore(RedisPool& pool, StoreOptions options);
  ~EventStore();

  // The latest snapshot (if any and `use_snapshot`) and the events after it.
  core::Result<LoadedStream> load(std::string_view partition_key, const StreamId& stream, bool use_snapshot = true);
  // errc::version_conflict (retryable) or errc::duplicate_message (already applied: not an error
  // for a consumer) come back as errors. Concurrent callers share round trips (group commit).
  core::Result<AppendResult> append(const AppendRequest& request);
  GroupCommitStats group_commit_stats() const;
  // Many appends in one round trip (for consumers and the gRPC edge under load): fsync cost is
  // shared by the batch. Each request succeeds or fails on its own.
  std::vector<core::Result<AppendResult>> append_batch(const std::vector<AppendRequest>& requests);
  // Snapshots are a cache: written after an append that crossed a snapshot boundary.
  core::Status save_snapshot(std::string_view partition_key, const StreamId& stream, uint64_t version,
                             const std::string& state);
  bool snapshot_due(uint64_t old_version, uint64_t new_version) const;

  // Key layout, for the service's own index reads and for the relay.
  std::string key(uint32_t partition, std::string_view suffix) const;
  std::string stream_key(uint32_t partition, const StreamId& stream) const;
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
