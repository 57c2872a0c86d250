// Partition leases against a real redis-server: live instances share the partitions evenly (a
// newcomer gets its share from the first within two renewals), one that stops renewing loses its
// partitions to the others, and a holder that lost its lease cannot write through fenced_sets().
#include "huifang/store/leases.h"

#include <gtest/gtest.h>

#include <thread>

#include "huifang/testing/redis_server.h"

namespace huifang::store {
namespace {

using namespace std::chrono_literals;

TEST(PartitionLeases, InstancesShareThePartitionsAndTheSurvivorTakesOverWhenOneStops) {
  testing::RedisServer server;
  RedisOptions o;
  o.port = server.port();
  RedisPool pool(o, 2);
  EventStore store(pool, StoreOptions{"svc", 4, 0});
  PartitionLeases a(store, "svc@a", 300ms), b(store, "svc@b", 300ms);
  ASSERT_TRUE(a.renew());
  EXPECT_EQ(a.held(), (std::vector<uint32_t>{0, 1, 2, 3}));  // alone: everything
  ASSERT_TRUE(b.renew());
  EXPECT_TRUE(b.held().empty());  // all held: nothing to claim yet
  ASSERT_TRUE(a.renew());         // two alive: a keeps its half and gives up the rest
  EXPECT_EQ(a.held(), (std::vector<uint32_t>{0, 1}));
  ASSERT_TRUE(b.renew());
  EXPECT_EQ(b.held(), (std::vector<uint32_t>{2, 3}));
  for (int i = 0; i < 2; ++i) {  // and it stays so
    ASSERT_TRUE(a.renew());
    ASSERT_TRUE(b.renew());
  }
  EXPECT_EQ(a.held(), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(b.held(), (std::vector<uint32_t>{2, 3}));
  auto written = a.fenced_sets({{0, store.key(0, "cursor"), "a-1"}, {2, store.key(2, "cursor"), "a-1"}});
  ASSERT_TRUE(written);
  EXPECT_EQ(*written, (std::vector<bool>{true, false}));  // partition 2 is b's

  std::this_thread::sleep_for(400ms);  // a stopped renewing: its leases and membership ran out
  EXPECT_TRUE(a.held().empty());       // and it knows without asking
  ASSERT_TRUE(b.renew());
  EXPECT_EQ(b.held(), (std::vector<uint32_t>{0, 1, 2, 3}));
  written = a.fenced_sets({{0, store.key(0, "cursor"), "a-2"}});
  ASSERT_TRUE(written);
  EXPECT_EQ(*written, std::vector<bool>{false});  // fenced off: b holds partition 0 now
  EXPECT_EQ(server.cli("GET '" + store.key(0, "cursor") + "'"), "a-1\n");
}

}  // namespace
}  // namespace huifang::store
