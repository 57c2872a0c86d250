#include "huifang/store/event_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "huifang/testing/redis_server.h"

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
