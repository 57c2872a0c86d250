// Exactly-once in effect, proven against a real redis-server and the embedded broker: an upstream
// store + relay publishes; a downstream consumer applies each message through the store's atomic
// append with an inbox mark. Crashes, redeliveries, broker outages and poison messages must leave
// every effect applied exactly once, in order per customer.
#include <gtest/gtest.h>

#include <thread>

#include "huifang/bus/consumer_loop.h"
#include "huifang/bus/kafka.h"
#include "huifang/core/clock.h"
#include "huifang/outbox/relay.h"
#include "huifang/store/event_store.h"
#include "huifang/testing/embedded_kafka.h"
#include "huifang/testing/redis_server.h"
#include "huifang/testing/wait.h"

namespace huifang {
namespace {

using namespace std::chrono_literals;
constexpr const char* kTopic = "huifang.visit.v1";

class Backbone : public ::testing::Test {
 protected:
  void SetUp() override {
    store::RedisOptions ro;
    ro.port = redis_.port();
    pool_ = std::make_unique<store::RedisPool>(ro, 4);
    upstream_ = std::make_unique<store::EventStore>(*pool_, store::StoreOptions{"up", 8, 0});
    downstream_ = std::make_unique<store::EventStore>(*pool_, store::StoreOptions{"down", 8, 0});
    producer_ = make_producer();
    relay_ = std::make_unique<outbox::Relay>(*upstream_, *producer_, metrics_, clock_, outbox::RelayOptions{kTopic});
  }

  std::unique_ptr<bus::Producer> make_producer() {
    bus::KafkaOptions ko{kafka_.bootstrap(), "test", {{"socket.connection.setup.timeout.ms", "1000"}}};
    auto p = bus::Producer::create(ko);
    EXPECT_TRUE(p) << p.error().to_string();
    return std::move(*p);
  }
  std::unique_ptr<bus::Consumer> make_consumer(const std::string& group, std::vector<std::string> topics = {kTopic}) {
    // A short session so a member that died is noticed quickly (the mock broker does not always
    // act on LeaveGroup at once).
    bus::KafkaOptions ko{kafka_.bootstrap(), "test", {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "500"}}};
    auto c = bus::Consumer::create({ko, group, std::move(topics), &metrics_});
    EXPECT_TRUE(c) << c.error().to_string();
    return std::move(*c);
  }

  // Upstream: `per_customer` events for each of `customers`, each in the customer's own stream;
  // the payload names its source stream and version, as an envelope does.
  void record(int customers, int per_customer) {
    for (int c = 0; c < customers; ++c) {
      const std::string cust = "cust-" + std::to_string(c);
      for (int v = 1; v <= per_customer; ++v) {
        const std::string payload = "visit/" + cust + "|" + std::to_string(v);
        auto r = upstream_->append({cust, {{{"visit", cust}, store::ExpectedVersion::exactly(v - 1), {payload}}}, {}, {}});
        ASSERT_TRUE(r) << r.error().to_string();
      }
    }
  }

  // Downstream effect: append the message to the customer's "applied" stream, once per source
  // version (inbox), atomically with the effect.
  bus::BatchOutcome apply(std::span<const bus::Message> msgs) {
    for (size_t i = 0; i < msgs.size(); ++i) {
      const auto& m = msgs[i];
      const auto bar = m.value.find('|');
      if (bar == std::string::npos)
        return {i, core::invalid_argument("payload", "not source|version: '" + m.value + "'")};
      store::AppendRequest req{m.key, {{{"applied", m.key}, store::ExpectedVersion::any(), {m.value}}},
                               store::InboxMark{m.value.substr(0, bar), std::stoull(m.value.substr(bar + 1))}, {}};
      auto r = downstream_->append(req);
      if (!r && r.error().code == store::errc::duplicate_message) {
        ++duplicates_;
        continue;
      }
      if (!r) return {i, r.error()};
      ++applied_;
    }
    return {msgs.size(), std::nullopt};
  }

  std::vector<std::string> applied_for(const std::string& cust) {
    return downstream_->load(cust, {"applied", cust})->events;
  }
  void expect_each_once_in_order(int customers, int per_customer) {
    for (int c = 0; c < customers; ++c) {
      const std::string cust = "cust-" + std::to_string(c);
      const auto events = applied_for(cust);
      ASSERT_EQ(events.size(), static_cast<size_t>(per_customer)) << cust;
      for (int v = 1; v <= per_customer; ++v) EXPECT_EQ(events[v - 1], "visit/" + cust + "|" + std::to_string(v));
    }
  }

  testing::RedisServer redis_;
  testing::EmbeddedKafka kafka_{1, 4};
  core::ManualClock clock_{core::SystemClock{}.now()};
  core::MetricsRegistry metrics_;
  std::unique_ptr<store::RedisPool> pool_;
  std::unique_ptr<store::EventStore> upstream_, downstream_;
  std::unique_ptr<bus::Producer> producer_;
  std::unique_ptr<outbox::Relay> relay_;
  std::atomic<int> applied_{0}, duplicates_{0};
};

TEST_F(Backbone, ConsumerKilledBeforeCommittingChangesNothingOnRedelivery) {
  record(10, 10);
  ASSERT_EQ(*relay_->publish_once(), 100u);
  {
    // Applies everything but dies before storing a single offset.
    auto doomed = make_consumer("down");
    ASSERT_TRUE(testing::wait_until(
        [&] {
          auto msgs = doomed->poll_batch(500, 100ms);
          apply(msgs);
          return applied_.load() == 100;
        },
        30s));
  }
  auto survivor = make_consumer("down");
  auto deadletters = make_producer();
  bus::ConsumerLoop loop(*survivor, *deadletters, metrics_, {"down"}, [&](auto m) { return apply(m); });
  ASSERT_TRUE(testing::wait_until([&] { return loop.run_once(100ms), duplicates_.load() == 100; }, 30s));
  EXPECT_EQ(applied_.load(), 100);
  expect_each_once_in_order(10, 10);
}

TEST_F(Backbone, RelayKilledBeforeAdvancingRepublishesButEffectsHappenOnce) {
  record(5, 8);
  ASSERT_EQ(*relay_->publish_without_advancing_for_test(), 40u);
  EXPECT_EQ(*relay_->pending(), 40u);
  // A new relay (after the "crash") publishes the same entries again.
  auto producer2 = make_producer();
  outbox::Relay relay2(*upstream_, *producer2, metrics_, clock_, {kTopic});
  ASSERT_EQ(*relay2.publish_once(), 40u);
  EXPECT_EQ(*relay2.pending(), 0u);

  auto consumer = make_consumer("down");
  bus::ConsumerLoop loop(*consumer, *producer2, metrics_, {"down"}, [&](auto m) { return apply(m); });
  ASSERT_TRUE(testing::wait_until([&] { return loop.run_once(100ms), applied_ + duplicates_ == 80; }, 30s));
  EXPECT_EQ(applied_.load(), 40);
  EXPECT_EQ(duplicates_.load(), 40);
  expect_each_once_in_order(5, 8);
}

TEST_F(Backbone, BrokerDownAndBackLosesNothingAndKeepsOrder) {
  std::atomic<bool> stop{false};
  upstream_->add_append_listener([&](uint32_t) { relay_->wake(); });
  std::thread relay_thread([&] { relay_->run(stop); });
  kafka_.cluster().set_broker_down(1);
  record(6, 10);
  std::this_thread::sleep_for(1500ms);  // the outage lasts while events keep being recorded
  kafka_.cluster().set_broker_up(1);
  ASSERT_TRUE(testing::wait_until([&] { return *relay_->pending() == 0; }, 60s));

  auto consumer = make_consumer("down");
  bus::ConsumerLoop loop(*consumer, *producer_, metrics_, {"down"}, [&](auto m) { return apply(m); });
  ASSERT_TRUE(testing::wait_until([&] { return loop.run_once(100ms), applied_.load() == 60; }, 30s));
  stop = true;
  relay_thread.join();
  expect_each_once_in_order(6, 10);
}

TEST_F(Backbone, ProduceErrorsFromTheBrokerAreRetriedWithoutLoss) {
  record(4, 5);
  // The next Produce requests fail with a retriable broker error (NOT_LEADER_FOR_PARTITION = 6).
  kafka_.cluster().push_request_errors(/*Produce*/ 0, 3, 6);
  ASSERT_TRUE(testing::wait_until([&] { return relay_->publish_once().ok() && *relay_->pending() == 0; }, 30s));
  auto consumer = make_consumer("down");
  bus::ConsumerLoop loop(*consumer, *producer_, metrics_, {"down"}, [&](auto m) { return apply(m); });
  ASSERT_TRUE(testing::wait_until([&] { return loop.run_once(100ms), applied_.load() == 20; }, 30s));
  expect_each_once_in_order(4, 5);
}

TEST_F(Backbone, PoisonMessagesAreDeadLetteredWithTheReasonAndTheRestFlows) {
  record(3, 4);
  ASSERT_EQ(*relay_->publish_once(), 12u);
  // Malformed messages for one of the customers, in the middle of the stream.
  std::atomic<int> delivered{0};
  for (const char* bad : {"garbage", "also garbage"})
    ASSERT_TRUE(producer_->produce(kTopic, "cust-1", bad, [&](const core::Status& s) { delivered += s.ok(); }));
  ASSERT_TRUE(producer_->flush(10s));
  ASSERT_EQ(delivered.load(), 2);
  for (int v = 5; v <= 6; ++v) {
    auto r = upstream_->append({"cust-1", {{{"visit", "cust-1"}, store::ExpectedVersion::exactly(v - 1),
                                            {"visit/cust-1|" + std::to_string(v)}}}, {}, {}});
    ASSERT_TRUE(r);
  }
  ASSERT_EQ(*relay_->publish_once(), 2u);

  auto consumer = make_consumer("down");
  bus::ConsumerLoopOptions opts{"down"};
  opts.max_attempts = 2;
  opts.initial_backoff = 1ms;
  bus::ConsumerLoop loop(*consumer, *producer_, metrics_, opts, [&](auto m) { return apply(m); });
  ASSERT_TRUE(testing::wait_until([&] { return loop.run_once(100ms), applied_.load() == 14; }, 30s));
  EXPECT_EQ(applied_for("cust-1").size(), 6u);
  EXPECT_NE(metrics_.expose().find("huifang_consumer_deadletters_total{group=\"down\"} 2"), std::string::npos);

  auto dlq = make_consumer("dlq-reader", {bus::kDeadLetterTopic});
  std::vector<bus::Message> dead;
  ASSERT_TRUE(testing::wait_until(
      [&] {
        for (auto& m : dlq->poll_batch(10, 100ms)) dead.push_back(m);
        return dead.size() == 2;
      },
      30s));
  EXPECT_EQ(dead[0].value, "garbage");
  ASSERT_NE(dead[0].header("x-huifang-error"), nullptr);
  EXPECT_NE(dead[0].header("x-huifang-error")->find("not source|version"), std::string::npos);
  EXPECT_EQ(*dead[0].header("x-huifang-source-topic"), kTopic);
  EXPECT_EQ(*dead[0].header("x-huifang-attempts"), "2");
}

TEST_F(Backbone, RepublishAfterTheBrokerForgetsEverything) {
  record(3, 3);
  ASSERT_EQ(*relay_->publish_once(), 9u);
  EXPECT_EQ(*relay_->publish_once(), 0u);  // nothing new
  // The embedded broker restarted empty: rewind and publish again from the outbox.
  ASSERT_TRUE(relay_->republish_from(core::from_micros(0)));
  EXPECT_EQ(*relay_->publish_once(), 9u);
}

TEST_F(Backbone, ANewGroupNoticesTheBrokerDroppedTheStartOfTheLog) {
  auto read_all = [&](const std::string& group, size_t expected) {
    auto c = make_consumer(group);
    size_t got = 0;
    EXPECT_TRUE(testing::wait_until([&] { return (got += c->poll_batch(1000, 100ms).size()) >= expected; }, 30s)) << got;
    EXPECT_EQ(c->start_gaps(), c->offset_anomalies());  // nothing is produced while it reads: no gap after the start
    return c->offset_anomalies();
  };
  ASSERT_TRUE(testing::produce_incompressible(*producer_, kTopic, 10, 100));
  EXPECT_EQ(read_all("whole", 10), 0u);
  // The embedded broker keeps about 5 MiB per partition: 8 MiB more to one partition pushes the
  // first messages out, and a group that never read them must say so.
  ASSERT_TRUE(testing::produce_incompressible(*producer_, kTopic, 800, 10 * 1024));
  EXPECT_GE(read_all("late", 1), 1u);
}

// A rebuild's reader takes every partition itself instead of joining a group: it starts reading
// at once, from the start of each log, tells when it has caught up, and still notices a log whose
// start the broker dropped.
TEST_F(Backbone, AReaderOfEveryPartitionNeedsNoGroupAndKnowsWhenItHasCaughtUp) {
  ASSERT_TRUE(testing::produce_incompressible(*producer_, kTopic, 40, 100));
  auto make_reader = [&](const std::string& group) {
    auto c = bus::Consumer::create({{kafka_.bootstrap(), "test", {}}, group, {kTopic}, &metrics_, /*assign_all=*/true});
    EXPECT_TRUE(c) << c.error().to_string();
    return std::move(*c);
  };
  auto reader = make_reader("rebuild-a");
  const auto lag = reader->lag();  // known before anything is read: no assignment to wait for
  ASSERT_TRUE(lag);
  EXPECT_EQ(*lag, 40u);
  size_t got = 0;
  EXPECT_TRUE(testing::wait_until([&] { return (got += reader->poll_batch(1000, 100ms).size()) >= 40; }, 30s)) << got;
  EXPECT_EQ(got, 40u);
  // The free estimate knows a partition only once a fetch of it has come back (an empty one may
  // still be on its way when the last message arrives): keep polling until every one has answered.
  EXPECT_TRUE(testing::wait_until(
      [&] {
        got += reader->poll_batch(1000, 50ms).size();
        return reader->lag(2s, bus::Consumer::Watermarks::last_fetched).has_value();
      },
      10s));
  EXPECT_EQ(reader->lag(2s, bus::Consumer::Watermarks::last_fetched), std::optional<uint64_t>(0));
  EXPECT_EQ(got, 40u);
  EXPECT_EQ(reader->lag(), std::optional<uint64_t>(0));
  EXPECT_EQ(reader->offset_anomalies(), 0u);
  ASSERT_TRUE(testing::produce_incompressible(*producer_, kTopic, 800, 10 * 1024));  // pushes the first ones out
  EXPECT_GE(make_reader("rebuild-c")->start_gaps(), 1u);
}

TEST_F(Backbone, AConsumerThatStopsFetchingWhileQuietMissesNothing) {
  // Quiet spells longer than `idle_after` pause its partitions between probes; what arrives while
  // paused must still come, once and in order.
  bus::KafkaOptions ko{kafka_.bootstrap(), "test", {}};
  auto c = bus::Consumer::create({ko, "drowsy", {kTopic}, &metrics_, false, bus::Consumer::Options::IdleFetch{50ms, 300ms}});
  ASSERT_TRUE(c) << c.error().to_string();
  auto& consumer = **c;
  std::vector<std::string> got;
  auto poll = [&](std::chrono::milliseconds d) {
    const auto until = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < until)
      for (auto& m : consumer.poll_batch(100, 20ms)) got.push_back(m.value);
  };
  ASSERT_TRUE(testing::wait_until([&] { poll(20ms); return consumer.lag().has_value(); }, 30s));  // joined
  for (int burst = 0; burst < 4; ++burst) {
    poll(400ms);  // quiet: paused by now, or probing
    for (int i = 0; i < 3; ++i)
      ASSERT_TRUE(producer_->produce(kTopic, "one-key", "m" + std::to_string(burst * 3 + i), [](const core::Status&) {}));
    ASSERT_TRUE(producer_->flush(10s));
  }
  EXPECT_TRUE(testing::wait_until([&] { poll(50ms); return got.size() >= 12; }, 10s)) << got.size();
  poll(400ms);  // and nothing twice
  ASSERT_EQ(got.size(), 12u);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(got[i], "m" + std::to_string(i));
  EXPECT_EQ(consumer.offset_anomalies(), 0u);
  // It did stop fetching in the quiet spells (once per probe at least).
  EXPECT_GE(metrics_.counter("huifang_consumer_idle_pauses_total", "", {{"group", "drowsy"}}).value(), 4u);
}

TEST_F(Backbone, OutboxEntriesThatCarryTheirEventGoOutAsTheyAre) {
  record(1, 2);
  // An entry with its payload inside (as a build of the relay briefly wrote them).
  const uint32_t p = upstream_->partition_of("cust-0");
  ASSERT_TRUE(pool_->lease()->command({"XADD", upstream_->key(p, "outbox"), "*", "k", "cust-0", "p", "visit/cust-0|2"}));
  ASSERT_EQ(*relay_->publish_once(), 3u);
  auto consumer = make_consumer("down");
  bus::ConsumerLoop loop(*consumer, *producer_, metrics_, {"down"}, [&](auto m) { return apply(m); });
  ASSERT_TRUE(testing::wait_until([&] { return loop.run_once(100ms), applied_ + duplicates_ == 3; }, 30s));
  EXPECT_EQ(duplicates_.load(), 1);  // version 2 again
  expect_each_once_in_order(1, 2);
}

// An event Kafka can never take (here 2 MB against the producer's 1 MB limit) is set aside with
// the reason, counted and shown in health, and the events after it in its partition still flow.
TEST_F(Backbone, AnEventKafkaCanNeverTakeIsSetAsideAndTheRestFlows) {
  record(2, 2);
  const std::string huge = "visit/cust-0|3 " + std::string(2 * 1024 * 1024, 'x');
  ASSERT_TRUE(upstream_->append({"cust-0", {{{"visit", "cust-0"}, store::ExpectedVersion::exactly(2), {huge}}}, {}, {}}));
  ASSERT_TRUE(upstream_->append(
      {"cust-0", {{{"visit", "cust-0"}, store::ExpectedVersion::exactly(3), {"visit/cust-0|4"}}}, {}, {}}));
  auto published = relay_->publish_once();
  ASSERT_TRUE(published) << published.error().to_string();
  EXPECT_EQ(*published, 5u);
  EXPECT_EQ(relay_->set_aside_since_start(), 1u);
  const std::string aside = upstream_->key(upstream_->partition_of("cust-0"), "outbox-set-aside");
  EXPECT_EQ(redis_.cli("XLEN '" + aside + "'"), "1\n");
  const std::string record = redis_.cli("XRANGE '" + aside + "' - +");
  EXPECT_NE(record.find("too large"), std::string::npos) << record;
  EXPECT_NE(record.find(upstream_->stream_key(upstream_->partition_of("cust-0"), {"visit", "cust-0"})), std::string::npos);
  EXPECT_NE(metrics_.expose().find("huifang_relay_set_aside_total{topic=\"huifang.visit.v1\"} 1"), std::string::npos);
  EXPECT_EQ(*relay_->publish_once(), 0u) << "the cursor moved past it";

  auto consumer = make_consumer("down");
  bus::ConsumerLoop loop(*consumer, *producer_, metrics_, {"down"}, [&](auto m) { return apply(m); });
  ASSERT_TRUE(testing::wait_until([&] { return loop.run_once(100ms), applied_ == 5; }, 30s));
  EXPECT_EQ(applied_for("cust-0"), (std::vector<std::string>{"visit/cust-0|1", "visit/cust-0|2", "visit/cust-0|4"}));
}

TEST_F(Backbone, ARunningRelayPublishesWhatAppendsWakeAndTrimsPastTheRetention) {
  outbox::RelayOptions options{kTopic};
  options.scan_every = std::chrono::hours(1);  // only wakes make it look
  options.trim_every = 50ms;
  options.retention = std::chrono::hours(1);
  outbox::Relay relay(*upstream_, *producer_, metrics_, clock_, options);
  std::atomic<bool> stop{false};
  std::thread relay_thread([&] { relay.run(stop); });
  ASSERT_TRUE(testing::wait_until([&] { return *relay.pending() == 0; }, 10s));  // the first look
  upstream_->add_append_listener([&](uint32_t partition) { relay.wake(partition); });
  record(4, 3);
  ASSERT_TRUE(testing::wait_until([&] { return *relay.pending() == 0; }, 10s));
  // Past the retention, published entries go without anyone asking.
  clock_.advance(std::chrono::hours(2));
  const auto outbox_len = [&] {
    size_t n = 0;
    for (uint32_t p = 0; p < upstream_->partitions(); ++p)
      n += static_cast<size_t>(pool_->lease()->command({"XLEN", upstream_->key(p, "outbox")})->integer);
    return n;
  };
  EXPECT_TRUE(testing::wait_until([&] { return outbox_len() <= 4; }, 10s)) << outbox_len();  // the last of each partition stays
  stop = true;
  relay.wake();
  relay_thread.join();
  auto consumer = make_consumer("down");
  bus::ConsumerLoop loop(*consumer, *producer_, metrics_, {"down"}, [&](auto m) { return apply(m); });
  ASSERT_TRUE(testing::wait_until([&] { return loop.run_once(100ms), applied_.load() == 12; }, 30s));
  expect_each_once_in_order(4, 3);
}

TEST_F(Backbone, TrimKeepsUnpublishedEntries) {
  record(2, 3);
  clock_.advance(std::chrono::hours(24 * 30));
  EXPECT_EQ(*relay_->trim(), 0u);  // nothing published yet: nothing may go
  ASSERT_EQ(*relay_->publish_once(), 6u);
  EXPECT_GE(*relay_->trim(), 1u);
}

}  // namespace
}  // namespace huifang
