#pragma once
// Kafka through librdkafka, kept behind our own types (rdkafka.h appears only in src/).
// The producer is idempotent with acks=all and lz4 compression, so retries never duplicate or
// reorder within a partition. The consumer never auto-stores offsets: callers store a message's
// offset only after its effects are durable (see ConsumerLoop), and stored offsets are committed
// synchronously on revoke and close, so a rebalance neither loses nor double-applies work beyond
// what the inbox absorbs.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "huifang/bus/errc.h"
#include "huifang/core/metrics.h"
#include "huifang/core/result.h"

namespace huifang::bus {

struct KafkaOptions {
  std::string bootstrap;  // host:port,...
  std::string client_id = "huifang";
  // Passed to librdkafka verbatim: security.protocol, sasl.mechanism, sasl.username,
  // sasl.password, ssl.ca.location, ... (from configuration, never from code).
  std::map<std::string, std::string> properties;
};

// Parses "k=v,k=v" (the HUIFANG_KAFKA_PROPERTIES form) into properties.
core::Result<std::map<std::string, std::string>> parse_properties(const std::string& text);

struct Header {
  std::string key;
  std::string value;
};

struct Message {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
  std::vector<Header> headers;
  const std::string* header(std::string_view key) const;
};

// A message as librdkafka holds it, valid only inside the poll_each callback: a rebuild folds
// millions of them without copying one.
struct MessageView {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string_view key;
  std::string_view value;
};

class Producer {
 public:
  using DeliveryCallback = std::function<void(const core::Status&)>;
  static core::Result<std::unique_ptr<Producer>> create(const KafkaOptions& options);
  ~Producer();

  // Queues a message; `on_delivery` runs on a later poll()/flush() with the broker's verdict.
  core::Status produce(const std::string& topic, const std::string& key, const std::string& value,
                       DeliveryCallback on_delivery, const std::vector<Header>& headers = {});
  // Serves delivery callbacks.
  void poll(std::chrono::milliseconds timeout);
  // Waits until everything queued is delivered or failed.
  core::Status flush(std::chrono::milliseconds timeout);
  // Messages queued and not yet acknowledged.
  int in_flight() const;

 private:
  struct Impl;
  explicit Producer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class Consumer {
 public:
  struct Options {
    KafkaOptions kafka;
    std::string group_id;
    std::vector<std::string> topics;
    core::MetricsRegistry* metrics = nullptr;  // optional: offset gaps are counted here
    // Read every partition of `topics` directly instead of joining the group: for a reader that
    // shares nothing (a rebuild), which then starts at once instead of after the group's join.
    bool assign_all = false;
    // The embedded broker answers a fetch that finds nothing only after fetch.wait.max.ms, so a
    // consumer with nothing to read costs it and this process a round trip every 20 ms, forever.
    // Set for long-lived consumers: after `idle_after` without a message, once every partition
    // has said it is at its end, the consumer stops fetching, and every `probe_every` fetches each
    // partition once more. An idle cluster then does a fraction of the fetches; the first message
    // after a quiet spell waits up to `probe_every` longer; nothing changes while messages flow.
    // Pauses are counted in huifang_consumer_idle_pauses_total.
    struct IdleFetch {
      std::chrono::milliseconds idle_after{5000};
      std::chrono::milliseconds probe_every{250};
    };
    std::optional<IdleFetch> idle_fetch = std::nullopt;
  };
  static core::Result<std::unique_ptr<Consumer>> create(const Options& options);
  ~Consumer();

  // Up to `max` messages, waiting at most `timeout` for the first. Broker errors are logged and
  // counted, never returned as messages.
  std::vector<Message> poll_batch(size_t max, std::chrono::milliseconds timeout);
  // The same without copies (headers are not read): `fn` sees each message in place; the number seen.
  size_t poll_each(size_t max, std::chrono::milliseconds timeout, const std::function<void(const MessageView&)>& fn);
  // Marks `m` done: its offset + 1 is committed by the next (auto or sync) commit.
  core::Status store(const Message& m);
  // The same by position, for owners that store offsets after their own save (analytics); safe to
  // call from another thread than the one polling.
  core::Status store(const std::string& topic, int32_t partition, int64_t offset);
  core::Status commit_sync();
  // Commits what is stored and leaves the group.
  void close();
  // Makes a poll waiting in another thread return now (so a stopping service need not wait out
  // a long poll).
  void wake();
  // Messages on the assigned partitions not yet returned by poll_batch (high watermark minus
  // position); nullopt before the group has assigned any partition. Projections use it to tell
  // "caught up". `Watermarks::asked` asks the broker for each partition (exact, a round trip per
  // partition); `last_fetched` uses what the last fetch of each partition said (free, and exact
  // up to what arrived since) — a cheap "probably caught up" before asking.
  enum class Watermarks { asked, last_fetched };
  std::optional<uint64_t> lag(std::chrono::milliseconds timeout = std::chrono::milliseconds(2000),
                              Watermarks watermarks = Watermarks::asked);
  // Offsets that jumped forward past what this group had committed or, on a partition it never
  // committed, a log that no longer starts at 0 (data the broker dropped); offsets that went back
  // (the broker lost its log); starts that could not be asked. Each is logged loudly and counted.
  // A rebuild trusts only a count of 0.
  uint64_t offset_anomalies() const;
  // Of those, the partitions whose log had lost its start when this group first got them: history
  // the broker dropped before this consumer joined, which a republish started after it joined
  // resends (later gaps it cannot).
  uint64_t start_gaps() const;

 private:
  struct Impl;
  explicit Consumer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace huifang::bus
