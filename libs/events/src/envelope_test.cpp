#include "huifang/events/envelope.h"

#include <gtest/gtest.h>

namespace huifang::events {
namespace {

TEST(Envelope, StampFillsMetadataAndDerivesTheTypeFromTheBody) {
  core::ManualClock clock(core::from_micros(1'767'571'200'000'000));
  core::IdGenerator ids(clock, 1);
  EnvelopeFactory factory(clock, ids);
  Envelope e;
  e.mutable_visit()->mutable_visit_completed()->set_visit_id("v1");
  factory.stamp(e, {"t1", "ou-7", "c-9", "corr", "cause", {}}, {"visit", "v1"}, 3);
  EXPECT_EQ(e.type(), "visit.VisitCompleted");
  EXPECT_TRUE(core::is_uuid_v7(e.event_id()));
  EXPECT_EQ(e.stream().type(), "visit");
  EXPECT_EQ(e.stream_version(), 3u);
  EXPECT_EQ(e.customer_id(), "c-9");
  EXPECT_EQ(from_proto(e.recorded_at()), clock.now());
  EXPECT_EQ(from_proto(e.occurred_at()), clock.now());  // occurred defaults to now
  const auto mark = inbox_mark(e);
  EXPECT_EQ(mark.source, "visit/visit/v1");
  EXPECT_EQ(mark.version, 3u);
}

TEST(Envelope, TimestampsRoundTripIncludingBeforeTheEpoch) {
  for (int64_t us : {int64_t{0}, int64_t{1'500'000}, int64_t{-1'500'000}, int64_t{1'767'571'200'123'456}}) {
    EXPECT_EQ(core::to_micros(from_proto(to_proto(core::from_micros(us)))), us);
  }
}

}  // namespace
}  // namespace huifang::events
