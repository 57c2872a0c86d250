// Rebuild against a real redis-server and the embedded broker: it switches when the topics hold
// every event, and refuses — the old version still serving, the status saying why — when the
// broker has dropped the start of a log, instead of serving figures with visits missing; with a
// republish, the dropped start is what the services resend.
#include <gtest/gtest.h>

#include "analytics_app.h"
#include "huifang/testing/embedded_kafka.h"
#include "huifang/testing/redis_server.h"

namespace huifang::analytics {
namespace {

using namespace std::chrono_literals;
constexpr const char* kTopic = "huifang.visit.v1";

class Rebuild : public ::testing::Test {
 protected:
  void SetUp() override {
    store::RedisOptions ro;
    ro.port = redis_.port();
    pool_ = std::make_unique<store::RedisPool>(ro, 2);
    store_ = std::make_unique<ProjectionStore>(*pool_, "analytics");
    AnalyticsOptions options;
    options.kafka = {kafka_.bootstrap(), "test", {}};
    options.topics = {kTopic};
    options.republish = [this] {
      ++republished_;
      return core::ok_status();
    };
    app_ = std::make_unique<AnalyticsApp>(*store_, options);
    ASSERT_TRUE(app_->start());
    producer_ = std::move(*bus::Producer::create(options.kafka));
  }

  // Not envelopes, so the fold skips them; only their offsets count.
  void produce(int n, size_t bytes) { ASSERT_TRUE(testing::produce_incompressible(*producer_, kTopic, n, bytes)); }

  v1::ProjectionStatus rebuild(bool republish = false) {
    auto r = app_->rebuild(republish);
    EXPECT_TRUE(r) << r.error().to_string();
    app_->join_rebuild();
    return app_->status();
  }

  testing::RedisServer redis_;
  testing::EmbeddedKafka kafka_{1, 4};
  std::unique_ptr<store::RedisPool> pool_;
  std::unique_ptr<ProjectionStore> store_;
  std::unique_ptr<AnalyticsApp> app_;
  std::unique_ptr<bus::Producer> producer_;
  int republished_ = 0;
};

TEST_F(Rebuild, SwitchesWhenTheTopicsHoldEveryEventAndRefusesWhenTheBrokerDroppedSome) {
  produce(10, 100);
  auto whole = rebuild();
  EXPECT_EQ(whole.serving_version(), 2u);
  EXPECT_EQ(whole.last_rebuild_error(), "");
  EXPECT_EQ(whole.building_events_applied(), 10u);

  // The embedded broker keeps about 5 MiB per partition: 8 MiB more pushes the first ones out.
  produce(800, 10 * 1024);
  auto dropped = rebuild();
  EXPECT_EQ(dropped.serving_version(), 2u);
  EXPECT_EQ(dropped.building_version(), 0u);
  EXPECT_NE(dropped.last_rebuild_error().find("no longer holds every event"), std::string::npos)
      << dropped.last_rebuild_error();

  // With a republish (here the services have nothing to resend), the missing start is what the
  // outboxes cover: the rebuild switches.
  auto republished = rebuild(true);
  EXPECT_EQ(republished_, 1);
  EXPECT_EQ(republished.serving_version(), 3u);  // the refused version number is used again
  EXPECT_EQ(republished.last_rebuild_error(), "");
}

}  // namespace
}  // namespace huifang::analytics
