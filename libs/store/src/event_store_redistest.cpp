#include "huifang/store/event_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "huifang/testing/redis_server.h"
#include "packed_stream.h"

namespace huifang::store {
namespace {

class EventStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new testing::RedisServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    server_->flush();
    RedisOptions o;
    o.port = server_->port();
    pool_ = std::make_unique<RedisPool>(o, 4);
    store_ = std::make_unique<EventStore>(*pool_, StoreOptions{"visit", 16, 5});
  }
  AppendRequest req(const std::string& customer, const std::string& visit, ExpectedVersion ev,
                    std::vector<std::string> events) {
    return AppendRequest{customer, {{{"visit", visit}, ev, std::move(events)}}, std::nullopt, {}};
  }
  std::string outbox_len(const std::string& customer) {
    return server_->cli("XLEN '" + store_->key(store_->partition_of(customer), "outbox") + "'");
  }

  static testing::RedisServer* server_;
  std::unique_ptr<RedisPool> pool_;
  std::unique_ptr<EventStore> store_;
};
testing::RedisServer* EventStoreTest::server_ = nullptr;

TEST_F(EventStoreTest, AppendThenLoadReturnsEventsInOrder) {
  auto r = store_->append(req("c1", "v1", ExpectedVersion::no_stream(), {"a", "b"}));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->versions, std::vector<uint64_t>{2});
  auto r2 = store_->append(req("c1", "v1", ExpectedVersion::exactly(2), {"c"}));
  ASSERT_TRUE(r2);
  auto loaded = store_->load("c1", {"visit", "v1"});
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->version, 3u);
  EXPECT_EQ(loaded->events, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(outbox_len("c1"), "3\n");
}

TEST_F(EventStoreTest, KeysCarryThePartitionHashTag) {
  const uint32_t p = store_->partition_of("customer-42");
  EXPECT_EQ(store_->stream_key(p, {"visit", "x"}), "visit:{p" + std::to_string(p) + "}:s:visit:x");
  EXPECT_EQ(logical_partition("customer-42", 16), p);  // stable, pure function
}

TEST_F(EventStoreTest, AStreamKeyNamesItsStreamBack) {
  const auto stream = store_->stream_of_key(store_->stream_key(3, {"plan", "se:1"}));
  ASSERT_TRUE(stream);
  EXPECT_EQ(stream->type, "plan");
  EXPECT_EQ(stream->id, "se:1");
  EXPECT_FALSE(store_->stream_of_key(store_->key(3, "outbox")));
  EXPECT_FALSE(store_->stream_of_key("other:{p3}:s:plan:x"));
}

TEST_F(EventStoreTest, ShortStreamsArePackedAndMoveToAListWhenTheyOutgrowThePackedForm) {
  StoreOptions o{"visit", 16, 50};
  o.packed_events = 3;
  EventStore store(*pool_, o);
  const uint32_t p = store.partition_of("c1");
  const std::string list = "'" + store.stream_key(p, {"visit", "v1"}) + "'";
  const std::string packed = "'" + store.packed_key(p, "visit") + "'";
  ASSERT_TRUE(store.append(req("c1", "v1", ExpectedVersion::no_stream(), {"a", "b"})));
  ASSERT_TRUE(store.append(req("c1", "v2", ExpectedVersion::no_stream(), {"x"})));
  EXPECT_EQ(server_->cli("EXISTS " + list), "0\n");  // no key of its own
  EXPECT_EQ(server_->cli("HLEN " + packed), "2\n");
  EXPECT_EQ(store.load("c1", {"visit", "v1"})->events, (std::vector<std::string>{"a", "b"}));

  auto stale = store.append(req("c1", "v1", ExpectedVersion::exactly(1), {"c"}));  // packed streams check versions too
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, errc::version_conflict);
  auto grown = store.append(req("c1", "v1", ExpectedVersion::exactly(2), {"c", "d"}));  // 4 > 3: becomes a list
  ASSERT_TRUE(grown) << grown.error().to_string();
  EXPECT_EQ(grown->versions, std::vector<uint64_t>{4});
  EXPECT_EQ(server_->cli("LLEN " + list), "4\n");
  EXPECT_EQ(server_->cli("HEXISTS " + packed + " v1"), "0\n");
  ASSERT_TRUE(store.append(req("c1", "v1", ExpectedVersion::exactly(4), {"e"})));
  auto loaded = store.load("c1", {"visit", "v1"});
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->version, 5u);
  EXPECT_EQ(loaded->events, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(store.load("c1", {"visit", "v2"})->events, std::vector<std::string>{"x"});  // its neighbour unchanged

  for (const auto& command : store.forget(p, {"visit", "v2"})) ASSERT_TRUE(pool_->lease()->command(command));
  EXPECT_EQ(store.load("c1", {"visit", "v2"})->version, 0u);
}

TEST_F(EventStoreTest, StreamsAnEarlierVersionWroteAsListsStayLists) {
  const uint32_t p = store_->partition_of("c1");
  server_->cli("RPUSH '" + store_->stream_key(p, {"visit", "old"}) + "' a b");
  auto r = store_->append(req("c1", "old", ExpectedVersion::exactly(2), {"c"}));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->versions, std::vector<uint64_t>{3});
  EXPECT_EQ(store_->load("c1", {"visit", "old"})->events, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(server_->cli("HEXISTS '" + store_->packed_key(p, "visit") + "' old"), "0\n");
}

TEST_F(EventStoreTest, ADamagedPackedStreamIsAnErrorNotAShorterStream) {
  EXPECT_EQ(unpack_stream(std::string("\0\0\0\1\0\0\0\2ab", 10)), (std::vector<std::string>{"ab"}));
  EXPECT_FALSE(unpack_stream(std::string("\0\0\0\2\0\0\0\2ab", 10)));  // says two, holds one
  EXPECT_FALSE(unpack_stream(std::string("\0\0\0\1\0\0\0\011ab", 10)));  // cut short
  EXPECT_FALSE(unpack_stream(std::string("\0\0\0\1\0\0\0\2abc", 11)));  // trailing bytes
  server_->cli("HSET '" + store_->packed_key(store_->partition_of("c1"), "visit") + "' v1 junk");
  auto loaded = store_->load("c1", {"visit", "v1"});
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, errc::bad_reply);
}

TEST_F(EventStoreTest, StaleExpectedVersionIsAConflictAndWritesNothing) {
  ASSERT_TRUE(store_->append(req("c1", "v1", ExpectedVersion::no_stream(), {"a"})));
  auto r = store_->append(req("c1", "v1", ExpectedVersion::no_stream(), {"b"}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::version_conflict);
  EXPECT_EQ(r.error().kind(), core::condition::aborted);
  EXPECT_EQ(store_->load("c1", {"visit", "v1"})->version, 1u);
  EXPECT_EQ(outbox_len("c1"), "1\n");
}

TEST_F(EventStoreTest, MultiStreamAppendIsAllOrNothing) {
  ASSERT_TRUE(store_->append(req("c1", "v2", ExpectedVersion::no_stream(), {"x"})));
  AppendRequest both{"c1",
                     {{{"visit", "v1"}, ExpectedVersion::no_stream(), {"a"}},
                      {{"visit", "v2"}, ExpectedVersion::no_stream(), {"b"}}},  // v2 is at 1: conflict
                     std::nullopt,
                     {{"ZADD", "due", {"100", "v1"}}}};
  EXPECT_FALSE(store_->append(both));
  EXPECT_EQ(store_->load("c1", {"visit", "v1"})->version, 0u);
  EXPECT_EQ(server_->cli("ZCARD '" + store_->key(store_->partition_of("c1"), "due") + "'"), "0\n");
}

TEST_F(EventStoreTest, IndexOpsApplyWithTheEvents) {
  AppendRequest r = req("c1", "v1", ExpectedVersion::no_stream(), {"a"});
  r.index_ops = {{"ZADD", "due", {"100", "v1"}}, {"HSET", "by-agent", {"v1", "agent-7"}}};
  ASSERT_TRUE(store_->append(r));
  const uint32_t p = store_->partition_of("c1");
  EXPECT_EQ(server_->cli("ZSCORE '" + store_->key(p, "due") + "' v1"), "100\n");
  EXPECT_EQ(server_->cli("HGET '" + store_->key(p, "by-agent") + "' v1"), "agent-7\n");
}

TEST_F(EventStoreTest, DisallowedIndexOpIsRejected) {
  AppendRequest r = req("c1", "v1", ExpectedVersion::no_stream(), {"a"});
  r.index_ops = {{"FLUSHALL", "x", {}}};
  auto res = store_->append(r);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, errc::bad_reply);
}

TEST_F(EventStoreTest, InboxRefusesTheSameSourceVersionTwice) {
  AppendRequest r = req("c1", "v1", ExpectedVersion::any(), {"a"});
  r.inbox = InboxMark{"scheduling/visit/v1", 3};
  ASSERT_TRUE(store_->append(r));
  auto again = store_->append(r);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, errc::duplicate_message);
  r.inbox->version = 2;  // an older event of the same source is a redelivery too
  EXPECT_EQ(store_->append(r).error().code, errc::duplicate_message);
  r.inbox->version = 4;
  EXPECT_TRUE(store_->append(r));
  EXPECT_EQ(store_->load("c1", {"visit", "v1"})->version, 2u);
}

// The inbox is bounded: a mark is kept in its period's hash, read for that period and the next,
// and the hash expires after two periods. Marks from before periods existed are still read.
TEST_F(EventStoreTest, InboxRemembersASourceForAPeriodAfterItsLastMessageThenForgetsIt) {
  core::ManualClock wall{core::from_micros(1'767'571'200'000'000)};  // 2026-01-05 00:00 UTC
  StoreOptions o{"visit", 16, 5};
  o.inbox_period = std::chrono::hours(1);
  o.wall_clock = &wall;
  EventStore store(*pool_, o);
  auto from = [](uint64_t version) {
    return AppendRequest{"c1", {{{"visit", "v1"}, ExpectedVersion::any(), {"e"}}}, InboxMark{"src/1", version}, {}};
  };
  auto duplicate = [&](uint64_t version) {
    auto r = store.append(from(version));
    return !r && r.error().code == errc::duplicate_message;
  };
  ASSERT_TRUE(store.append(from(1)));
  EXPECT_TRUE(duplicate(1));
  const std::string inbox_key = store.key(store.partition_of("c1"), "inbox:" + std::to_string(1'767'571'200 / 3600));
  const int ttl = std::stoi(server_->cli("TTL '" + inbox_key + "'"));
  EXPECT_GT(ttl, 3600);
  EXPECT_LE(ttl, 7200);

  wall.advance(std::chrono::minutes(70));  // the next period: the previous one is still read
  EXPECT_TRUE(duplicate(1));
  ASSERT_TRUE(store.append(from(2)));
  wall.advance(std::chrono::minutes(50));  // two periods after v1 was written, one after v2
  EXPECT_TRUE(duplicate(2));
  wall.advance(std::chrono::hours(2));  // longer than anything can be redelivered: forgotten
  EXPECT_FALSE(duplicate(2));

  server_->cli("HSET '" + store.key(store.partition_of("c1"), "inbox") + "' src/1 9");  // an earlier version's mark
  EXPECT_TRUE(duplicate(9));
  EXPECT_FALSE(duplicate(10));
}

TEST_F(EventStoreTest, SnapshotPlusLaterEventsIsWhatLoadReturns) {
  ASSERT_TRUE(store_->append(req("c1", "v1", ExpectedVersion::no_stream(), {"1", "2", "3", "4", "5"})));
  EXPECT_TRUE(store_->snapshot_due(0, 5));
  EXPECT_FALSE(store_->snapshot_due(5, 9));
  ASSERT_TRUE(store_->save_snapshot("c1", {"visit", "v1"}, 5, "state@5"));
  ASSERT_TRUE(store_->append(req("c1", "v1", ExpectedVersion::exactly(5), {"6", "7"})));
  auto loaded = store_->load("c1", {"visit", "v1"});
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->version, 7u);
  EXPECT_EQ(loaded->snapshot_version, 5u);
  EXPECT_EQ(*loaded->snapshot, "state@5");
  EXPECT_EQ(loaded->events, (std::vector<std::string>{"6", "7"}));
}

TEST_F(EventStoreTest, ScriptIsReloadedAfterScriptFlush) {
  ASSERT_TRUE(store_->append(req("c1", "v1", ExpectedVersion::no_stream(), {"a"})));
  server_->cli("SCRIPT FLUSH");
  auto r = store_->append(req("c1", "v1", ExpectedVersion::exactly(1), {"b"}));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->versions[0], 2u);
}

// fault: concurrent writers on one aggregate — exactly one wins per version, losers reload and
// retry, and every writer's effect lands exactly once.
TEST_F(EventStoreTest, ConcurrentWritersEachLandExactlyOnce) {
  constexpr int kWriters = 4, kPerWriter = 25;
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kPerWriter; ++i) {
        const std::string ev = std::to_string(w) + ":" + std::to_string(i);
        for (;;) {
          auto loaded = store_->load("c1", {"visit", "shared"});
          ASSERT_TRUE(loaded);
          auto r = store_->append(req("c1", "shared", ExpectedVersion::exactly(loaded->version), {ev}));
          if (r) break;
          ASSERT_EQ(r.error().code, errc::version_conflict) << r.error().to_string();
          ++conflicts;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  auto loaded = store_->load("c1", {"visit", "shared"});
  ASSERT_EQ(loaded->version, static_cast<uint64_t>(kWriters * kPerWriter));
  std::set<std::string> unique(loaded->events.begin(), loaded->events.end());
  EXPECT_EQ(unique.size(), loaded->events.size());
  EXPECT_EQ(outbox_len("c1"), std::to_string(kWriters * kPerWriter) + "\n");
  RecordProperty("conflicts", conflicts.load());
}

// fault: Redis killed (-9) and restarted with AOF: every acknowledged append is still there and
// the store reconnects by itself.
TEST_F(EventStoreTest, AcknowledgedAppendsSurviveRedisKillAndRestart) {
  for (int i = 0; i < 50; ++i) {
    auto r = store_->append(req("c" + std::to_string(i), "v" + std::to_string(i), ExpectedVersion::no_stream(), {"e"}));
    ASSERT_TRUE(r) << r.error().to_string();
  }
  server_->kill_and_restart();
  for (int i = 0; i < 50; ++i) {
    auto loaded = store_->load("c" + std::to_string(i), {"visit", "v" + std::to_string(i)});
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    EXPECT_EQ(loaded->version, 1u);
  }
  EXPECT_TRUE(store_->append(req("c0", "v0", ExpectedVersion::exactly(1), {"after-restart"})));
}

// fault: Redis killed (-9) while a consumer group-commits batches of appends (one pipelined
// append_batch per consumed batch, each request carrying its inbox mark). The connection re-sends
// a pipeline cut by the kill, and the consumer re-sends any batch that still did not come back
// whole, as a redelivery would; requests that had landed come back as duplicates. Each request
// is one script, so it lands all or nothing: in the end every message was applied exactly once —
// its events in its stream, its read-model update and its outbox entry once each, none missing.
TEST_F(EventStoreTest, GroupCommitsCutByAKillAreAppliedExactlyOnceAfterRedelivery) {
  // Batches large enough that Redis takes many event-loop turns (and fsyncs) over each, so the
  // kill lands inside one: its first requests are durable, their replies lost.
  constexpr int kSources = 50, kPerSource = 60, kBatch = 1000;
  struct Message {
    int source;
    uint64_t version;
  };
  std::vector<Message> messages;  // interleaved across sources, each source's in order
  for (int v = 1; v <= kPerSource; ++v)
    for (int s = 0; s < kSources; ++s) messages.push_back({s, static_cast<uint64_t>(v)});
  auto request = [](const Message& m) {
    const std::string c = "c" + std::to_string(m.source);
    return AppendRequest{c,
                         {{{"visit", "v" + std::to_string(m.source)}, ExpectedVersion::any(),
                           {"e" + std::to_string(m.version), "f" + std::to_string(m.version)}}},
                         InboxMark{"intake/customer/" + c, m.version},
                         {{"HINCRBY", "applied", {c, "1"}}}};
  };

  std::atomic<size_t> committed{0};
  std::atomic<int> failed_batches{0}, duplicates{0};
  std::thread consumer([&] {
    while (committed < messages.size()) {
      const size_t from = committed, to = std::min(messages.size(), from + kBatch);
      std::vector<AppendRequest> batch;
      for (size_t i = from; i < to; ++i) batch.push_back(request(messages[i]));
      bool whole = true;
      for (const auto& r : store_->append_batch(batch))
        if (r) continue;
        else if (r.error().code == errc::duplicate_message) ++duplicates;  // landed before the cut
        else whole = false;
      if (whole) {
        committed = to;
      } else {
        ++failed_batches;  // the consumer stores no offset: the whole batch comes again
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  });
  while (std::stoul(server_->cli("DBSIZE")) < 20) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const size_t at_kill = committed;
  server_->kill_and_restart();
  consumer.join();

  ASSERT_LT(at_kill, messages.size()) << "the kill must land while batches are being committed";
  size_t outbox_entries = 0;
  for (int s = 0; s < kSources; ++s) {
    const std::string c = "c" + std::to_string(s);
    auto loaded = store_->load(c, {"visit", "v" + std::to_string(s)}, /*use_snapshot=*/false);
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    ASSERT_EQ(loaded->events.size(), 2u * kPerSource) << c;
    for (int v = 1; v <= kPerSource; ++v) {
      EXPECT_EQ(loaded->events[2 * (v - 1)], "e" + std::to_string(v)) << c;
      EXPECT_EQ(loaded->events[2 * (v - 1) + 1], "f" + std::to_string(v)) << c;
    }
    const uint32_t p = store_->partition_of(c);
    EXPECT_EQ(server_->cli("HGET '" + store_->key(p, "applied") + "' " + c), std::to_string(kPerSource) + "\n") << c;
  }
  for (uint32_t p : store_->all_partitions())
    outbox_entries += std::stoul(server_->cli("XLEN '" + store_->key(p, "outbox") + "'"));
  EXPECT_EQ(outbox_entries, messages.size() * 2);
  RecordProperty("failed_batches", failed_batches.load());
  RecordProperty("duplicates", duplicates.load());
}

// Group commit: single appends made at the same time share round trips, and each caller still
// gets its own answer (its stream's version, or its own conflict).
TEST_F(EventStoreTest, ConcurrentSingleAppendsShareRoundTripsAndEachGetsItsOwnAnswer) {
  constexpr int kCallers = 16, kEach = 40;
  std::atomic<int> wrong{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < kCallers; ++t)
    callers.emplace_back([&, t] {
      const std::string c = "c" + std::to_string(t), v = "v" + std::to_string(t);
      for (int i = 0; i < kEach; ++i) {
        auto r = store_->append(req(c, v, ExpectedVersion::exactly(i), {"e" + std::to_string(i)}));
        if (!r || r->versions != std::vector<uint64_t>{static_cast<uint64_t>(i + 1)}) ++wrong;
        // The same expectation again: this caller's own conflict, not a neighbour's answer.
        auto stale = store_->append(req(c, v, ExpectedVersion::exactly(i), {"again"}));
        if (stale || stale.error().code != errc::version_conflict) ++wrong;
      }
    });
  for (auto& t : callers) t.join();
  EXPECT_EQ(wrong.load(), 0);
  for (int t = 0; t < kCallers; ++t) {
    auto loaded = store_->load("c" + std::to_string(t), {"visit", "v" + std::to_string(t)}, false);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->version, static_cast<uint64_t>(kEach));
  }
  const auto stats = store_->group_commit_stats();
  EXPECT_EQ(stats.requests, static_cast<uint64_t>(2 * kCallers * kEach));
  EXPECT_LT(stats.groups, stats.requests) << "callers waiting on one fsync should have shared round trips";
  RecordProperty("mean_group", std::to_string(static_cast<double>(stats.requests) / static_cast<double>(stats.groups)));
}

TEST_F(EventStoreTest, BatchAppendReportsEachRequestOnItsOwn) {
  ASSERT_TRUE(store_->append(req("c2", "v", ExpectedVersion::no_stream(), {"a"})));
  auto results = store_->append_batch({req("c1", "v", ExpectedVersion::no_stream(), {"x"}),
                                       req("c2", "v", ExpectedVersion::no_stream(), {"y"}),  // conflict
                                       req("c3", "v", ExpectedVersion::no_stream(), {"z"})});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0]);
  EXPECT_EQ(results[1].error().code, errc::version_conflict);
  EXPECT_TRUE(results[2]);
}

}  // namespace
}  // namespace huifang::store
