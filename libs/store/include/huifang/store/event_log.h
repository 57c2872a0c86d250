#pragma once
// The port every service's repositories write through: load a stream, append to several streams
// of one partition at once with expected versions, the inbox mark and read-model updates, all or
// nothing. The Redis adapter is EventStore (event_store.h); tests of the kernel and of domain code
// with its repository can run on an in-memory one (huifang/testing/memory_event_log.h).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "huifang/core/result.h"
#include "huifang/core/stream_id.h"

namespace huifang::store {

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

class EventLog {
 public:
  virtual ~EventLog() = default;

  // The latest snapshot (if any and `use_snapshot`) and the events after it.
  virtual core::Result<LoadedStream> load(std::string_view partition_key, const StreamId& stream, bool use_snapshot) = 0;
  core::Result<LoadedStream> load(std::string_view partition_key, const StreamId& stream) {
    return load(partition_key, stream, true);
  }
  // errc::version_conflict (retryable) or errc::duplicate_message (already applied: not an error
  // for a consumer) come back as errors.
  virtual core::Result<AppendResult> append(const AppendRequest& request) = 0;
  // Many appends at once; each request succeeds or fails on its own.
  virtual std::vector<core::Result<AppendResult>> append_batch(const std::vector<AppendRequest>& requests) = 0;
  // Snapshots are a cache: written after an append that crossed a snapshot boundary.
  virtual core::Status save_snapshot(std::string_view partition_key, const StreamId& stream, uint64_t version,
                                     const std::string& state) = 0;
  virtual bool snapshot_due(uint64_t old_version, uint64_t new_version) const = 0;
};

}  // namespace huifang::store
