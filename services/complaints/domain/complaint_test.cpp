#include <gtest/gtest.h>

#include "complaint.h"
#include "repeats.h"

namespace huifang::complaints {
namespace {

using namespace std::chrono_literals;
const core::Timestamp kMonday10 = core::from_micros(1'767'578'400'000'000);  // 2026-01-05 10:00 +08:00

v1::ComplaintOpened opened() {
  v1::ComplaintOpened o;
  o.set_complaint_id("cmp-1");
  o.set_customer_id("owner-1");
  o.set_org_unit_id("project-a");
  o.set_category("repair_quality");
  o.set_severity("normal");
  *o.mutable_investigate_by() = events::to_proto(end_of_day(kMonday10, 8));
  *o.mutable_promised_reply_at() = events::to_proto(kMonday10 + 48h);
  return o;
}

ComplaintState apply(ComplaintState s, const core::Result<events::Decision>& d) {
  EXPECT_TRUE(d) << d.error().to_string();
  for (const auto& e : d->events) evolve(s, e);
  return s;
}

TEST(Complaint, FullLoopClosesWhenTheFollowUpIsSatisfied) {
  auto s = apply({}, decide_open({}, opened()));
  EXPECT_EQ(s.state, State::opened);
  s = apply(s, decide_assign(s, "handler-1"));
  s = apply(s, decide_start_investigation(s));
  s = apply(s, decide_resolve(s, "re-sealed the window", true, kMonday10 + 5h));
  EXPECT_EQ(s.state, State::resolved);
  EXPECT_EQ(s.follow_up_by, kMonday10 + 5h + 72h);  // follow-up within 3 days
  auto fu = decide_follow_up(s, true, "v-9", kMonday10 + 30h);
  ASSERT_TRUE(fu);
  EXPECT_TRUE(fu->events[0].complaints().complaint_followed_up().within_deadline());
  s = apply(s, fu);
  EXPECT_EQ(s.state, State::closed);
}

TEST(Complaint, UnsatisfiedFollowUpReopensAndLateOnesAreMarked) {
  auto s = apply({}, decide_open({}, opened()));
  s = apply(s, decide_assign(s, "h"));
  s = apply(s, decide_start_investigation(s));
  s = apply(s, decide_resolve(s, "fixed", true, kMonday10));
  auto fu = decide_follow_up(s, false, "v-9", kMonday10 + 80h);
  ASSERT_TRUE(fu);
  EXPECT_FALSE(fu->events[0].complaints().complaint_followed_up().within_deadline());
  s = apply(s, fu);
  EXPECT_EQ(s.state, State::reopened);
  s = apply(s, decide_assign(s, "h2"));  // reopened cases go round again
  EXPECT_EQ(s.state, State::assigned);
}

TEST(Complaint, WrongTransitionsAreFailedPreconditionsWithAClearMessage) {
  auto s = apply({}, decide_open({}, opened()));
  auto r = decide_resolve(s, "x", true, kMonday10);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), core::condition::failed_precondition);
  EXPECT_EQ(r.error().message, "cannot resolve a complaint that is opened");
  EXPECT_EQ(decide_follow_up(s, true, "v", kMonday10).error().kind(), core::condition::failed_precondition);
  EXPECT_EQ(decide_open(s, opened()).error().kind(), core::condition::already_exists);
  auto far = opened();
  far.mutable_promised_reply_at()->set_seconds(9'200'000'000'000'000);
  EXPECT_EQ(decide_open({}, far).error().field, "promised_reply_at");
  EXPECT_EQ(decide_assign(s, "").error().field, "handler_id");
}

TEST(Complaint, SlaBreachesClimbTheLadderOneStepEach) {
  auto s = apply({}, decide_open({}, opened()));
  EXPECT_TRUE(decide_sla(s, kMonday10 + 1h).events.empty());
  auto day_late = decide_sla(s, kMonday10 + 15h);  // past midnight local: not investigated the same day
  ASSERT_EQ(day_late.events.size(), 1u);
  EXPECT_EQ(day_late.events[0].complaints().complaint_escalated().level(), v1::ESCALATION_LEVEL_SUPERVISOR);
  s = apply(s, day_late);
  EXPECT_TRUE(decide_sla(s, kMonday10 + 16h).events.empty());  // each breach escalates once
  auto reply_late = decide_sla(s, kMonday10 + 49h);
  ASSERT_EQ(reply_late.events.size(), 1u);
  EXPECT_EQ(reply_late.events[0].complaints().complaint_escalated().level(), v1::ESCALATION_LEVEL_MANAGER);
  EXPECT_EQ(reply_late.events[0].complaints().complaint_escalated().reason(), v1::ESCALATION_REASON_SLA_REPLY_BREACH);
}

TEST(Complaint, NextSlaDeadlineIsTheEarliestUnbreachedOne) {
  auto s = apply({}, decide_open({}, opened()));
  EXPECT_EQ(next_sla_deadline(s), end_of_day(kMonday10, 8));
  s = apply(s, decide_sla(s, kMonday10 + 15h));
  EXPECT_EQ(next_sla_deadline(s), kMonday10 + 48h);
  s = apply(s, decide_assign(s, "h"));
  s = apply(s, decide_start_investigation(s));
  s = apply(s, decide_resolve(s, "fixed", true, kMonday10 + 20h));
  EXPECT_FALSE(next_sla_deadline(s));  // resolved: nothing left to breach
}

TEST(Complaint, ManualEscalationStepsOrJumpsAndStopsAtTheTop) {
  auto s = apply({}, decide_open({}, opened()));
  auto up = decide_escalate(s, v1::ESCALATION_LEVEL_UNSPECIFIED, v1::ESCALATION_REASON_MANUAL, "handler stuck");
  ASSERT_TRUE(up);
  EXPECT_EQ(up->events[0].complaints().complaint_escalated().level(), v1::ESCALATION_LEVEL_SUPERVISOR);
  s = apply(s, decide_escalate(s, v1::ESCALATION_LEVEL_GENERAL_MANAGER, v1::ESCALATION_REASON_MANUAL, "major"));
  EXPECT_EQ(s.level, v1::ESCALATION_LEVEL_GENERAL_MANAGER);
  auto top = decide_escalate(s, v1::ESCALATION_LEVEL_UNSPECIFIED, v1::ESCALATION_REASON_MANUAL, "again");
  ASSERT_FALSE(top);
  EXPECT_EQ(top.error().kind(), core::condition::failed_precondition);
  EXPECT_EQ(decide_note(s, "h", "").error().field, "text");
}

TEST(Complaint, ResolutionCarriesWhatSchedulingAndAnalyticsNeed) {
  auto o = opened();
  o.set_responsible("crew-3");
  auto s = apply({}, decide_open({}, o));
  s = apply(s, decide_assign(s, "h"));
  s = apply(s, decide_start_investigation(s));
  auto r = decide_resolve(s, "fixed", true, kMonday10);
  ASSERT_TRUE(r);
  const auto& res = r->events[0].complaints().complaint_resolved();
  EXPECT_EQ(res.category(), "repair_quality");
  EXPECT_EQ(res.responsible(), "crew-3");
  EXPECT_EQ(res.handler_id(), "h");
  EXPECT_EQ(res.customer_id(), "owner-1");
}

TEST(Complaint, EndOfDayIsLocal) {
  EXPECT_EQ(end_of_day(kMonday10, 8), core::from_micros(1'767'628'800'000'000));
}

TEST(Repeats, SameCustomerTwiceInAMonthSameIssueTwiceSameRepairThreeTimes) {
  const PastComplaint a{"c1", "owner-1", kMonday10, "leak", "rep-7"};
  const PastComplaint b{"c2", "owner-1", kMonday10 + 24h * 20, "leak", "rep-7"};
  auto flags = repeat_flags({a}, b);
  ASSERT_EQ(flags.size(), 2u);
  EXPECT_EQ(flags[0].kind(), v1::REPEAT_KIND_SAME_CUSTOMER_TWICE_IN_MONTH);
  EXPECT_FALSE(flags[0].corrective_action_required());
  EXPECT_EQ(flags[1].kind(), v1::REPEAT_KIND_SAME_ISSUE_2X);
  EXPECT_TRUE(flags[1].corrective_action_required());
  const PastComplaint c{"c3", "owner-2", kMonday10 + 24h * 60, "other", "rep-7"};
  flags = repeat_flags({a, b}, c);
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_EQ(flags[0].kind(), v1::REPEAT_KIND_SAME_REPAIR_3X);
  EXPECT_EQ(flags[0].complaint_ids_size(), 3);
  const PastComplaint late{"c4", "owner-1", kMonday10 + 24h * 45, "noise", ""};
  EXPECT_TRUE(repeat_flags({a}, late).empty());  // more than a month apart
}

}  // namespace
}  // namespace huifang::complaints
