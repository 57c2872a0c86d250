#pragma once
// The outbox relay: publishes a service's outbox to its Kafka topic in order per logical
// partition, and advances each partition's cursor only over what the broker acknowledged. A crash
// anywhere therefore republishes (at-least-once); consumers' inboxes make that harmless. Published
// entries stay in the outbox for `retention` (trimmed by the relay itself), so they can be
// republished on demand — the recovery path after the embedded broker, which keeps nothing,
// restarts. Appends wake it with their partition, and a pass reads only the partitions that
// changed, entries and the events they point at in one round trip (cursors are kept in memory and
// written when they move); every partition is looked at again every `scan_every`, for what other
// processes wrote and what a failed pass left behind.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "huifang/bus/kafka.h"
#include "huifang/core/clock.h"
#include "huifang/core/metrics.h"
#include "huifang/store/event_store.h"
#include "huifang/store/leases.h"

namespace huifang::outbox {

struct RelayOptions {
  std::string topic;                      // the service's topic, e.g. huifang.visit.v1
  size_t batch = 2000;                    // outbox entries read per partition per pass
  std::chrono::milliseconds scan_every{1000};  // every partition looked at, woken or not
  std::chrono::hours retention{24 * 7};   // how long published entries stay republishable
  std::chrono::milliseconds trim_every{60'000};  // how often entries past the retention are deleted
  // What to publish for an entry that points at a stored event (its stream's key and 0-based
  // index): the store keeps events without what the key and position say, and this puts it
  // back. Empty: publish the stored bytes.
  std::function<core::Result<std::string>(std::string_view stream_key, uint64_t index, std::string_view stored)> to_publish{};
};

class Relay {
 public:
  Relay(store::EventStore& store, bus::Producer& producer, core::MetricsRegistry& metrics, const core::Clock& clock,
        RelayOptions options);

  // One pass over every partition; the number of events the broker acknowledged.
  core::Result<size_t> publish_once();
  // Events set aside since this relay started because Kafka can never take them (too large,
  // malformed): kept in the partition's `outbox-set-aside` stream with the reason, never skipped
  // silently, never blocking the events after them.
  uint64_t set_aside_since_start() const { return set_aside_since_start_.load(); }
  // Until `stop` is set. Woken early by wake().
  void run(const std::atomic<bool>& stop);
  // Several instances of a service: relay only the partitions whose lease this one holds, and
  // advance cursors only while holding it (set before run()).
  void use_leases(store::PartitionLeases& leases) { leases_ = &leases; }
  // Called after an append to `partition`, so its events go out at once.
  void wake(uint32_t partition);
  // Every partition at once (after a rewind).
  void wake();

  // Rewinds every partition so entries recorded at or after `from` are published again.
  core::Status republish_from(core::Timestamp from);
  // The RepublishEvents RPC of every service: rewind (to the start when `from` is unset) and say
  // how many events will go out again.
  core::Result<size_t> republish(std::optional<core::Timestamp> from);
  // Deletes published entries older than the retention; the number removed.
  core::Result<size_t> trim();
  // Entries recorded but not yet acknowledged, over all partitions.
  core::Result<size_t> pending();

  // Test hook: publish and wait for acknowledgements but do not advance cursors, as if the
  // process died between the two.
  core::Result<size_t> publish_without_advancing_for_test() { return pass(store_.all_partitions(), false); }

 private:
  // Publishes what follows the cursor of each of `partitions`; those with more than one batch
  // waiting are marked woken again.
  core::Result<size_t> pass(const std::vector<uint32_t>& partitions, bool advance);
  // The partitions woken since the last call (all of them when a scan is due).
  std::vector<uint32_t> take_woken(bool scan);
  // Reads every partition's cursor once; after that the relay keeps them.
  core::Status load_cursors(store::RedisConnection& conn);
  // Writes the cursors that moved (fenced by the lease when there are leases) and keeps them.
  core::Status save_cursors(store::RedisConnection& conn, std::vector<std::pair<uint32_t, std::string>>& moved);

  store::EventStore& store_;
  bus::Producer& producer_;
  const core::Clock& clock_;
  RelayOptions options_;
  core::Counter& published_;
  core::Counter& failures_;
  core::Counter& set_aside_;
  std::atomic<uint64_t> set_aside_since_start_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<bool> woken_;  // per partition, under mu_
  bool any_woken_ = false;   // under mu_
  bool all_woken_ = true;    // under mu_: the first pass looks everywhere
  std::mutex cursors_mu_;    // passes, rewinds and trims take turns on the cursors
  std::optional<std::vector<std::string>> cursors_;  // last acknowledged entry id per partition ("" = none)
  store::PartitionLeases* leases_ = nullptr;
  std::vector<uint32_t> last_held_;  // under cursors_mu_: a change of lease means cursors are read again
};

}  // namespace huifang::outbox
