#pragma once
// An in-memory EventLog with the Redis adapter's promises: all-or-nothing appends across the
// request's streams, expected versions, the inbox high-water mark per source, outbox entries only
// for published events, snapshots. Read-model updates are recorded as given (their meaning is
// Redis's), so a test can see they went with the events. For kernel and domain-with-repository
// tests that need no redis-server.
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "huifang/store/event_log.h"

namespace huifang::testing {

class MemoryEventLog final : public store::EventLog {
 public:
  struct Published {
    store::StreamId stream;
    uint64_t version;
    std::string partition_key;
  };

  explicit MemoryEventLog(uint32_t snapshot_every = 0) : snapshot_every_(snapshot_every) {}

  using store::EventLog::load;
  core::Result<store::LoadedStream> load(std::string_view partition_key, const store::StreamId& stream,
                                         bool use_snapshot) override;
  core::Result<store::AppendResult> append(const store::AppendRequest& request) override;
  std::vector<core::Result<store::AppendResult>> append_batch(const std::vector<store::AppendRequest>& requests) override;
  core::Status save_snapshot(std::string_view partition_key, const store::StreamId& stream, uint64_t version,
                             const std::string& state) override;
  bool snapshot_due(uint64_t old_version, uint64_t new_version) const override;

  // What the relay would publish, in order; and every read-model update applied.
  std::vector<Published> outbox() const;
  std::vector<store::IndexOp> read_model() const;

 private:
  static std::string name(const store::StreamId& s) { return s.type + "/" + s.id; }

  const uint32_t snapshot_every_;
  mutable std::mutex mu_;
  std::map<std::string, std::vector<std::string>> streams_;
  std::map<std::string, std::pair<uint64_t, std::string>> snapshots_;
  std::map<std::string, uint64_t> inbox_;
  std::vector<Published> outbox_;
  std::vector<store::IndexOp> read_model_;
};

}  // namespace huifang::testing
