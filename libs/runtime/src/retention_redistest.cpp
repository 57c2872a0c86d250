// The retention pass against a real redis-server: short streams whose first event was recorded
// before the cutoff are forgotten, in every partition and page; newer ones stay; a second pass
// finds nothing more.
#include "huifang/runtime/retention.h"

#include <gtest/gtest.h>

#include "huifang/events/envelope.h"
#include "huifang/testing/redis_server.h"

namespace huifang::runtime {
namespace {

using namespace std::chrono_literals;

const core::Timestamp kNow = core::Timestamp(std::chrono::seconds(1'800'000'000));

class RetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::RedisOptions o;
    o.port = server_.port();
    pool_ = std::make_unique<store::RedisPool>(o, 2);
    store::StoreOptions so{"intake", 8, 0};
    so.packed_events = 2;
    store_ = std::make_unique<store::EventStore>(*pool_, so);
  }
  // A stream of `events` service events, the first recorded at `at`.
  void record(const std::string& id, core::Timestamp at, size_t events = 1) {
    store::StreamAppend s{{"service_event", id}, store::ExpectedVersion::no_stream(), {}};
    for (size_t i = 0; i < events; ++i) {
      events::Envelope e;
      e.set_tenant_id("anju");
      *e.mutable_recorded_at() = events::to_proto(at + std::chrono::hours(i));
      e.mutable_intake();
      s.events.push_back(events::stored_form(e));
    }
    ASSERT_TRUE(store_->append({"customer-" + id, {std::move(s)}, std::nullopt, {}}));
  }
  uint64_t version(const std::string& id) { return store_->load("customer-" + id, {"service_event", id})->version; }

  testing::RedisServer server_;
  std::unique_ptr<store::RedisPool> pool_;
  std::unique_ptr<store::EventStore> store_;
};

TEST_F(RetentionTest, ForgetsWhatWasRecordedBeforeTheCutoffAndNothingElse) {
  for (int i = 0; i < 1200; ++i) record("old-" + std::to_string(i), kNow - 800 * 24h);  // several HSCAN pages
  record("recent", kNow - 24h);
  record("long-old", kNow - 800 * 24h, 3);  // past the packed form: a list, not looked at
  auto forgotten = forget_streams_recorded_before(*store_, "service_event", kNow - 730 * 24h);
  ASSERT_TRUE(forgotten) << forgotten.error().to_string();
  EXPECT_EQ(*forgotten, 1200u);
  EXPECT_EQ(version("old-0"), 0u);
  EXPECT_EQ(version("old-1199"), 0u);
  EXPECT_EQ(version("recent"), 1u);
  EXPECT_EQ(version("long-old"), 3u);
  EXPECT_EQ(*forget_streams_recorded_before(*store_, "service_event", kNow - 730 * 24h), 0u);
}

}  // namespace
}  // namespace huifang::runtime
