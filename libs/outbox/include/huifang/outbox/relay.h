#pragma once
// The outbox relay: publishes a service's outbox to its Kafka topic in order per logical
// partition, and advances each partition's cursor only over what the broker acknowledged. A crash
// anywhere therefore republishes (at-least-once); consumers' inboxes make that harmless. Published
// entries stay in the outbox for `retention`, so they can be republished on demand — the recovery
// path after the embedded broker, which keeps nothing, restarts.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>

#include "huifang/bus/kafka.h"
#include "huifang/core/clock.h"
#include "huifang/core/metrics.h"
#include "huifang/store/event_store.h"

namespace huifang::outbox {

struct RelayOptions {
  std::string topic;                      // the service's topic, e.g. huifang.visit.v1
  size_t batch = 2000;                    // outbox entries read per partition per pass
  std::chrono::milliseconds idle_wait{50};  // poll interval when nothing woke the relay
  std::chrono::hours retention{24 * 7};   // how long published entries stay republishable
};

class Relay {
 public:
  Relay(store::EventStore& store, bus::Producer& producer, core::MetricsRegistry& metrics, const core::Clock& clock,
        RelayOptions options);

  // One pass over every partition; the number of events the broker acknowledged.
  core::Result<size_t> publish_once();
  // Until `stop` is set. Woken early by wake().
  void run(const std::atomic<bool>& stop);
  // Called after appends so new events go out without waiting for the poll interval.
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
  core::Result<size_t> publish_without_advancing_for_test() { return pass(false); }

 private:
  core::Result<size_t> pass(bool advance);

  store::EventStore& store_;
  bus::Producer& producer_;
  const core::Clock& clock_;
  RelayOptions options_;
  core::Counter& published_;
  core::Counter& failures_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
};

}  // namespace huifang::outbox
