// A customer's zone: their own, else their unit's, else the nearest ancestor's.
#include "org_zones.h"

#include <gtest/gtest.h>

namespace huifang::scheduling {
namespace {

const OrgZones kTree = {
    {"enterprise", {"", "Asia/Shanghai"}},
    {"sea", {"enterprise", ""}},
    {"bangkok", {"sea", "Asia/Bangkok"}},
    {"bangkok-team", {"bangkok", ""}},
    {"loop-a", {"loop-b", ""}},
    {"loop-b", {"loop-a", ""}},
};

TEST(OrgZones, TheCustomersOwnThenTheNearestUnitThatNamesOne) {
  EXPECT_EQ(zone_of("Asia/Tokyo", "bangkok-team", kTree), "Asia/Tokyo");
  EXPECT_EQ(zone_of("", "bangkok-team", kTree), "Asia/Bangkok");
  EXPECT_EQ(zone_of("", "bangkok", kTree), "Asia/Bangkok");
  EXPECT_EQ(zone_of("", "sea", kTree), "Asia/Shanghai");
}

TEST(OrgZones, NoneFoundIsEmptyAndACycleEnds) {
  EXPECT_EQ(zone_of("", "unknown-unit", kTree), "");
  EXPECT_EQ(zone_of("", "", kTree), "");
  EXPECT_EQ(zone_of("", "loop-a", kTree), "");
}

}  // namespace
}  // namespace huifang::scheduling
