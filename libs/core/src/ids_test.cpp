#include "huifang/core/ids.h"

#include <gtest/gtest.h>

#include <set>

namespace huifang::core {
namespace {

TEST(IdGenerator, ProducesUuidV7CarryingTheClockTime) {
  ManualClock clock(from_micros(1'700'000'000'123'000));
  IdGenerator ids(clock, 42);
  const std::string id = ids.next();
  EXPECT_TRUE(is_uuid_v7(id)) << id;
  EXPECT_EQ(uuid_v7_millis(id), 1'700'000'000'123u);
}

TEST(IdGenerator, IsStrictlyIncreasingEvenWhenTheClockStandsStill) {
  ManualClock clock(from_micros(1'700'000'000'000'000));
  IdGenerator ids(clock, 7);
  std::string prev = ids.next();
  std::set<std::string> seen{prev};
  for (int i = 0; i < 10000; ++i) {
    if (i % 3000 == 0) clock.advance(std::chrono::milliseconds(1));
    std::string id = ids.next();
    ASSERT_LT(prev, id);
    ASSERT_TRUE(seen.insert(id).second);
    prev = id;
  }
}

TEST(IdGenerator, ClockSteppingBackDoesNotBreakOrder) {
  ManualClock clock(from_micros(1'700'000'000'000'000));
  IdGenerator ids(clock, 1);
  const std::string a = ids.next();
  clock.advance(-std::chrono::seconds(5));
  EXPECT_LT(a, ids.next());
}

TEST(UuidV7, RejectsOtherShapes) {
  EXPECT_FALSE(is_uuid_v7("not-a-uuid"));
  EXPECT_FALSE(is_uuid_v7("0190f5a4-1b2c-4d3e-8f40-123456789abc"));  // version 4
}

}  // namespace
}  // namespace huifang::core
