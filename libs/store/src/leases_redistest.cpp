// Partition leases against a real redis-server: the first instance takes what is free, a second
// takes nothing while the first renews, and everything once the first stops; a holder that lost
// its lease cannot write through fenced_sets().
#include "huifang/store/leases.h"

#include <gtest/gtest.h>

#include <thread>

#include "huifang/testing/redis_server.h"

namespace huifang::store {
namespace {

using namespace std::chrono_literals;

TEST(PartitionLeases, OneHolderAtATimeAndTheOtherTakesOverWhenItStops) {
  testing::RedisServer server;
  RedisOptions o;
  o.port = server.port();
  RedisPool pool(o, 2);
  EventStore store(pool, StoreOptions{"svc", 4, 0});
  PartitionLeases a(store, "svc@a", 300ms), b(store, "svc@b", 300ms);
  ASSERT_TRUE(a.renew());
  ASSERT_TRUE(b.renew());
  EXPECT_EQ(a.held(), (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_TRUE(b.held().empty());
  ASSERT_TRUE(a.renew());  // renewing keeps them
  ASSERT_TRUE(b.renew());
  EXPECT_TRUE(b.held().empty());
  auto written = a.fenced_sets({{2, store.key(2, "cursor"), "a-1"}});
  ASSERT_TRUE(written);
  EXPECT_EQ(*written, std::vector<bool>{true});

  std::this_thread::sleep_for(400ms);  // a stopped renewing: its leases ran out
  EXPECT_TRUE(a.held().empty());       // and it knows without asking
  ASSERT_TRUE(b.renew());
  EXPECT_EQ(b.held(), (std::vector<uint32_t>{0, 1, 2, 3}));
  written = a.fenced_sets({{2, store.key(2, "cursor"), "a-2"}});
  ASSERT_TRUE(written);
  EXPECT_EQ(*written, std::vector<bool>{false});  // fenced off: b holds partition 2 now
  EXPECT_EQ(server.cli("GET '" + store.key(2, "cursor") + "'"), "a-1\n");
}

}  // namespace
}  // namespace huifang::store
