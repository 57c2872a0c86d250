#pragma once
// The consume → apply → store-offset loop every service runs. A message's offset is stored only
// after the handler says its effects are durable; a failing message is retried with backoff and,
// if it keeps failing for a reason retrying cannot fix (bad payload, rule violation, bug), it goes
// to the dead-letter topic with the error and its origin, and consumption goes on. Infrastructure
// failures (Redis or Kafka unavailable) are retried without limit instead: dead-lettering a
// healthy message because Redis restarted would lose it.
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "huifang/bus/kafka.h"
#include "huifang/core/metrics.h"

namespace huifang::bus {

inline constexpr const char* kDeadLetterTopic = "huifang.deadletter.v1";

// The handler applies messages in order and stops at the first failure: `done` messages were
// applied (or deliberately skipped), and `error` says why message `done` was not.
struct BatchOutcome {
  size_t done = 0;
  std::optional<core::Error> error;
};
using BatchHandler = std::function<BatchOutcome(std::span<const Message>)>;

struct ConsumerLoopOptions {
  std::string group;  // for dead-letter headers and metric labels
  size_t batch = 500;
  int max_attempts = 5;
  std::chrono::milliseconds initial_backoff{20};
  std::chrono::milliseconds max_backoff{2000};
  // false: the handler's owner stores offsets itself once its own save has made the effects
  // durable (analytics saves its projection on a timer, not per batch); dead letters still are.
  bool store_offsets = true;
};

class ConsumerLoop {
 public:
  ConsumerLoop(Consumer& consumer, Producer& deadletters, core::MetricsRegistry& metrics, ConsumerLoopOptions options,
               BatchHandler handler);

  // One poll and the processing of what it returned; the number of messages finished.
  size_t run_once(std::chrono::milliseconds poll_timeout);
  // Until `stop` is set (and the consumer woken: Consumer::wake); then commits and closes the
  // consumer.
  void run(const std::atomic<bool>& stop);

 private:
  // Applies `msgs`; returns when every message is applied or dead-lettered, or `stop` is set.
  size_t process(std::span<const Message> msgs, const std::atomic<bool>* stop);
  core::Status dead_letter(const Message& m, const core::Error& error, int attempts);
  void store_offset(const Message& m);

  Consumer& consumer_;
  Producer& deadletters_;
  ConsumerLoopOptions options_;
  BatchHandler handler_;
  core::Counter& applied_;
  core::Counter& dead_lettered_;
  core::Counter& retries_;
};

// Errors a retry can fix (Redis/Kafka unavailable, version conflicts, deadlines).
bool is_transient(const core::Error& e);

}  // namespace huifang::bus
