#pragma once
// The analytics service's core: the serving projection (in memory, counted as events arrive and
// saved to Redis with its checkpoints by save() on a short timer — the consumer's offsets are
// stored only for what a save covered, so a crash replays the rest, which changes nothing the
// second time), the live consumer's apply, and rebuild: a new
// projection version folded from the topics by its own consumer group from the beginning, saved
// whole, and switched to atomically once it has caught up — dashboards read the old version
// until that moment. With `republish`, the services are first asked to republish their outboxes
// (the embedded broker forgets everything when it restarts). A rebuild that finds events missing
// from the topics (an offset gap: the broker dropped them) never switches; the status says why.
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <memory>
#include <shared_mutex>
#include <span>
#include <thread>

#include "../domain/projection.h"
#include "huifang/analytics/v1/service.pb.h"
#include "huifang/bus/kafka.h"
#include "huifang/runtime/consume.h"
#include "projection_store.h"

namespace huifang::analytics {

struct AnalyticsOptions {
  int utc_offset_hours = 8;
  bus::KafkaOptions kafka;
  std::vector<std::string> topics;
  std::function<core::Status()> republish;  // asks every service to republish its outbox
};

class AnalyticsApp {
 public:
  AnalyticsApp(ProjectionStore& store, AnalyticsOptions options);
  ~AnalyticsApp();

  // Loads the serving version (creating version 1 on first start).
  core::Status start();
  // The live consumer's handler: folds the batch in memory.
  bus::BatchOutcome apply(std::span<const runtime::Incoming> batch);
  // Writes what changed since the last save with the checkpoints, in one transaction; the
  // checkpoints ("topic/partition" → offset) the save made durable, for the consumer to store.
  core::Result<std::map<std::string, int64_t>> save();

  // Runs `fn(const Projection&)` against the serving version under a read lock.
  template <typename Fn>
  auto read(Fn&& fn) const {
    std::shared_lock lock(mu_);
    return fn(*serving_);
  }

  core::Result<v1::RebuildResponse> rebuild(bool republish);
  v1::ProjectionStatus status() const;
  // Waits for a running rebuild to finish (tests, shutdown).
  void join_rebuild();

 private:
  void run_rebuild(uint64_t version, bool republish);
  void set_rebuild_error(const std::string& why);

  ProjectionStore& store_;
  AnalyticsOptions options_;
  mutable std::shared_mutex mu_;
  std::unique_ptr<Projection> serving_;
  uint64_t version_ = 0;
  std::atomic<uint64_t> building_{0};
  std::atomic<uint64_t> building_applied_{0};
  std::atomic<bool> stop_{false};
  std::thread rebuild_thread_;
  std::string last_rebuild_error_;  // under mu_
  std::mutex save_mu_;
  std::map<std::string, int64_t> saved_checkpoints_;  // under save_mu_ (and mu_ when a rebuild switches)
};

}  // namespace huifang::analytics
