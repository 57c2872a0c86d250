#include "huifang/events/envelope.h"

#include <gtest/gtest.h>

namespace huifang::events {
namespace {

const core::ManualClock kClock{core::from_micros(1'767'571'200'000'000)};

// A visit completion stamped as a service would stamp it.
Envelope stamped_completion(const std::string& visit_id, const EventContext& ctx, uint64_t version) {
  core::IdGenerator ids{kClock, 1};
  EnvelopeFactory factory{kClock, ids};
  Envelope e;
  e.mutable_visit()->mutable_visit_completed()->set_visit_id(visit_id);
  factory.stamp(e, ctx, {"visit", visit_id}, version);
  return e;
}

TEST(Envelope, StampFillsMetadataAndDerivesTheTypeFromTheBody) {
  const Envelope e = stamped_completion("v1", {"t1", "ou-7", "c-9", "corr", "cause", {}}, 3);
  EXPECT_EQ(e.type(), "visit.VisitCompleted");
  EXPECT_TRUE(core::is_uuid_v7(e.event_id()));
  EXPECT_EQ(e.stream().type(), "visit");
  EXPECT_EQ(e.stream_version(), 3u);
  EXPECT_EQ(e.customer_id(), "c-9");
  EXPECT_EQ(from_proto(e.recorded_at()), kClock.now());
  EXPECT_EQ(from_proto(e.occurred_at()), kClock.now());  // occurred defaults to now
}

TEST(PeekType, ReadsTheTypeOfAStampedEnvelopeWithoutParsingIt) {
  const std::string bytes = stamped_completion("v-1", {"t", "u", "c", "", "", {}}, 3).SerializeAsString();
  EXPECT_EQ(peek_type(bytes), std::optional<std::string_view>("visit.VisitCompleted"));
  EXPECT_EQ(peek_type("\xff\xff not protobuf"), std::nullopt);
  EXPECT_EQ(peek_type(bytes.substr(0, 30)), std::nullopt);  // cut short
  Envelope untyped;
  untyped.set_tenant_id("t");
  EXPECT_EQ(peek_type(untyped.SerializeAsString()), std::nullopt);
}

TEST(Envelope, StoredWithoutStreamAndVersionAndPublishedWhole) {
  Envelope e = stamped_completion("v-1", {"t", "u", "c", "corr", "cause", {}}, 7);
  const std::string whole = e.SerializeAsString();

  const std::string stored = stored_form(e);
  EXPECT_EQ(e.SerializeAsString(), whole) << "the envelope is left as it was";
  Envelope bare;
  ASSERT_TRUE(bare.ParseFromString(stored));
  EXPECT_FALSE(bare.has_stream());
  EXPECT_EQ(bare.stream_version(), 0u);
  EXPECT_EQ(stored.size() + 2 + 2 + 7 + 5, whole.size());  // StreamRef{"visit","v-1"} and version 7 are all it lost

  Envelope loaded;
  ASSERT_TRUE(parse_stored(stored, {"visit", "v-1"}, 7, loaded));
  EXPECT_EQ(loaded.SerializeAsString(), whole);
  EXPECT_FALSE(parse_stored("\xff\xff not protobuf", {"visit", "v-1"}, 7, loaded));

  // The relay's bytes are the whole envelope's, field for field, so readers see no difference.
  EXPECT_EQ(published_form(stored, {"visit", "v-1"}, 7), whole);
  EXPECT_EQ(peek_type(published_form(stored, {"visit", "v-1"}, 7)), std::optional<std::string_view>("visit.VisitCompleted"));
  EXPECT_EQ(published_form(whole, {"visit", "other"}, 9), whole) << "stored whole by an earlier version: as it is";
}

TEST(Envelope, TimesOutsideWhatPeopleMeanAreRefusedAndNeverOverflow) {
  google::protobuf::Timestamp t;
  t.set_seconds(1'767'571'200);
  EXPECT_TRUE(check_time(t, "at"));
  for (int64_t s : {int64_t{-1}, int64_t{7'258'118'400}, int64_t{9'200'000'000'000'000}, int64_t{-9'200'000'000'000'000}}) {
    t.set_seconds(s);
    auto st = check_time(t, "occurred_at");
    ASSERT_FALSE(st) << s;
    EXPECT_EQ(st.error().field, "occurred_at");
  }
  t.set_seconds(0);
  t.set_nanos(-1);
  EXPECT_FALSE(check_time(t, "at"));
  // Whatever got past an edge: the conversion saturates instead of wrapping round.
  t.set_nanos(0);
  t.set_seconds(9'200'000'000'000'000);
  EXPECT_GT(from_proto(t), core::from_micros(0));
  t.set_seconds(-9'200'000'000'000'000);
  EXPECT_LT(from_proto(t), core::from_micros(0));
}

TEST(Envelope, TimestampsRoundTripIncludingBeforeTheEpoch) {
  for (int64_t us : {int64_t{0}, int64_t{1'500'000}, int64_t{-1'500'000}, int64_t{1'767'571'200'123'456}}) {
    EXPECT_EQ(core::to_micros(from_proto(to_proto(core::from_micros(us)))), us);
  }
}

}  // namespace
}  // namespace huifang::events
