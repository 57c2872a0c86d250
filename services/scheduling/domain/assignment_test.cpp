#include "assignment.h"

#include <gtest/gtest.h>

namespace huifang::scheduling {
namespace {

const std::vector<AgentInfo> kAgents = {
    {"a-1", "cardiology", false, 10, true, {}},
    {"a-2", "cardiology", false, 20, true, {}},
    {"m-1", "cardiology", true, 5, true, {}},
    {"gone", "cardiology", false, 50, false, {}},
    {"ortho-only", "cardiology", false, 50, true, {"hospital.orthopedics_followup"}},
};

TEST(Assignment, LeastLoadedRelativeToCapacityWins) {
  auto a = choose_agent(kAgents, {{"a-1", 5}, {"a-2", 5}, {"m-1", 0}}, "hospital.inpatient_discharged", false, false);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->agent_id, "m-1");  // 0/5 beats 5/20 and 5/10
  a = choose_agent(kAgents, {{"a-1", 5}, {"a-2", 5}, {"m-1", 5}}, "hospital.inpatient_discharged", false, false);
  EXPECT_EQ(a->agent_id, "a-2");  // 5/20 = 0.25
  EXPECT_EQ(a->reason, v1::ASSIGNMENT_REASON_WORKLOAD);
}

TEST(Assignment, KeyAccountsAndMajorComplaintsGoToAManager) {
  auto a = choose_agent(kAgents, {}, "property.complaint_resolved", true, false);
  EXPECT_EQ(a->agent_id, "m-1");
  EXPECT_EQ(a->reason, v1::ASSIGNMENT_REASON_MAJOR_COMPLAINT);
  a = choose_agent(kAgents, {}, "logistics.branch_weekly", false, true);
  EXPECT_EQ(a->reason, v1::ASSIGNMENT_REASON_KEY_ACCOUNT);
}

TEST(Assignment, InactiveAndUnskilledAgentsAreSkippedAndFullOnesOverbookedVisibly) {
  auto a = choose_agent(kAgents, {{"a-1", 10}, {"a-2", 20}, {"m-1", 5}, {"ortho-only", 0}}, "hospital.x", false, false);
  ASSERT_TRUE(a);
  EXPECT_NE(a->agent_id, "gone");
  EXPECT_NE(a->agent_id, "ortho-only");
  EXPECT_TRUE(a->overbooked);
  EXPECT_FALSE(choose_agent({}, {}, "hospital.x", false, false));
}

}  // namespace
}  // namespace huifang::scheduling
