// Deadlines against a real redis-server: due partitions found, nothing read while nothing changed,
// an earlier timer noticed once its partition is touched, an error reported as one.
#include "huifang/runtime/deadlines.h"

#include <gtest/gtest.h>

#include "huifang/testing/redis_server.h"

namespace huifang::runtime {
namespace {

class DeadlinesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::RedisOptions o;
    o.port = server_.port();
    pool_ = std::make_unique<store::RedisPool>(o, 2);
    store_ = std::make_unique<store::EventStore>(*pool_, store::StoreOptions{"svc", 8, 0});
  }
  void arm(uint32_t partition, int64_t at_ms) {
    server_.cli("ZADD '" + store_->key(partition, "timers") + "' " + std::to_string(at_ms) + " t" + std::to_string(at_ms));
  }
  // ZRANGE calls the server has answered so far.
  int reads() const {
    const std::string stats = server_.cli("INFO commandstats");
    const auto at = stats.find("cmdstat_zrange:calls=");
    return at == std::string::npos ? 0 : std::stoi(stats.substr(at + 21));
  }

  testing::RedisServer server_;
  std::unique_ptr<store::RedisPool> pool_;
  std::unique_ptr<store::EventStore> store_;
};

TEST_F(DeadlinesTest, ReportsDuePartitionsAndReadsOnlyWhatMayHaveChanged) {
  arm(2, 1000);
  arm(5, 5000);
  Deadlines d(*store_, "timers", std::chrono::hours(1));
  EXPECT_EQ(*d.due(999), std::vector<uint32_t>{});  // the first call reads every partition
  const int after_first = reads();
  EXPECT_EQ(after_first, 8);
  EXPECT_EQ(*d.due(999), std::vector<uint32_t>{});
  EXPECT_EQ(reads(), after_first);  // nothing touched, nothing due: no round trip
  EXPECT_EQ(*d.due(1000), std::vector<uint32_t>{2});
  // An append elsewhere armed an earlier timer: unseen until its partition is touched.
  arm(6, 10);
  EXPECT_EQ(*d.due(2000), std::vector<uint32_t>{2});  // 2 is read again (it was due); 6 is not
  d.touched(6);
  EXPECT_EQ(*d.due(2000), (std::vector<uint32_t>{2, 6}));
  EXPECT_EQ(*d.due(6000), (std::vector<uint32_t>{2, 5, 6}));
}

TEST_F(DeadlinesTest, AFiredPartitionIsReadAgainAndDropsOutWhenItsTimersAreGone) {
  arm(3, 100);
  Deadlines d(*store_, "timers", std::chrono::hours(1));
  EXPECT_EQ(*d.due(100), std::vector<uint32_t>{3});
  server_.cli("DEL '" + store_->key(3, "timers") + "'");  // what firing does
  EXPECT_EQ(*d.due(100), std::vector<uint32_t>{});
}

TEST_F(DeadlinesTest, EveryPartitionIsReadAgainAfterTheRescanInterval) {
  Deadlines d(*store_, "timers", std::chrono::milliseconds(0));
  EXPECT_EQ(*d.due(100), std::vector<uint32_t>{});
  arm(4, 50);  // written by another process: no touch
  EXPECT_EQ(*d.due(100), std::vector<uint32_t>{4});
}

TEST_F(DeadlinesTest, ARedisErrorIsReturnedAndTheNextCallTriesAgain) {
  server_.cli("SET '" + store_->key(1, "timers") + "' not-a-sorted-set");
  Deadlines d(*store_, "timers", std::chrono::hours(1));
  EXPECT_FALSE(d.due(100));
  server_.cli("DEL '" + store_->key(1, "timers") + "'");
  arm(1, 20);
  EXPECT_EQ(*d.due(100), std::vector<uint32_t>{1});
}

}  // namespace
}  // namespace huifang::runtime
