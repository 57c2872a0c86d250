#include "planner.h"

#include <gtest/gtest.h>

namespace huifang::scheduling {
namespace {

using namespace std::chrono_literals;

const absl::TimeZone kShanghai = zone_or_default("Asia/Shanghai");

core::Timestamp local(int y, int mo, int d, int h, int mi) {
  return from_absl(absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), kShanghai));
}
std::string text(core::Timestamp t) { return absl::FormatTime("%Y-%m-%d %H:%M %a", to_absl(t), kShanghai); }

Policy hospital() {
  return *parse_policy(R"(
policy: hospital
calling_windows: ["08:00-12:00", "13:30-17:30"]
contact_limits: {min_gap_days: 2, merge_within_days: 3, max_per_period: 3, period_days: 30}
themes: {"2026Q4": ["Was the discharge instruction clear?"]}
rules:
  - id: discharge
    trigger: hospital.inpatient_discharged
    visits: [{sequence: 7_days, delay_days: 7, window_days: 7}]
  - id: outpatient_surgery
    trigger: hospital.outpatient_surgery
    sample_rate: 0.3
    visits: [{delay_days: 3}]
  - id: product
    trigger: manufacturer.product_delivered
    visits:
      - {sequence: 1_month, delay_days: 30}
      - {sequence: 3_months, delay_days: 90}
      - {sequence: warranty_end, delay_days: 365}
  - id: complaint_follow_up
    trigger: property.complaint_resolved
    exempt_from_limits: true
    visits: [{delay_days: 0, window_days: 3}]
)");
}

// National Day 2026: Oct 1-7 off, Saturday Oct 10 a make-up working day (调休).
HolidayCalendar national_day() {
  HolidayCalendar c;
  for (int d = 1; d <= 7; ++d) c.holidays.insert("2026-10-0" + std::to_string(d));
  c.working_days.insert("2026-10-10");
  return c;
}

CustomerProfile patient() { return {"p-1", "cardiology", "", false, false, {}, "Asia/Shanghai"}; }
Trigger event(const std::string& id, const std::string& category, core::Timestamp at) {
  return {id, category, at, "cardiology", {}};
}

TEST(CallingSlot, InsideAWindowStaysBetweenWindowsMovesAfterHoursGoesToTheNextWorkingDay) {
  const Policy p = hospital();
  const HolidayCalendar none;
  EXPECT_EQ(text(next_calling_slot(local(2026, 1, 5, 9, 15), kShanghai, p, none)), "2026-01-05 09:15 Mon");
  EXPECT_EQ(text(next_calling_slot(local(2026, 1, 5, 12, 30), kShanghai, p, none)), "2026-01-05 13:30 Mon");
  EXPECT_EQ(text(next_calling_slot(local(2026, 1, 5, 18, 0), kShanghai, p, none)), "2026-01-06 08:00 Tue");
  EXPECT_EQ(text(next_calling_slot(local(2026, 1, 9, 18, 0), kShanghai, p, none)), "2026-01-12 08:00 Mon");
}

TEST(CallingSlot, HolidaysAreSkippedAndMakeUpWorkingDaysAreUsed) {
  const Policy p = hospital();
  EXPECT_EQ(text(next_calling_slot(local(2026, 10, 2, 10, 0), kShanghai, p, national_day())), "2026-10-08 08:00 Thu");
  EXPECT_EQ(text(next_calling_slot(local(2026, 10, 10, 7, 0), kShanghai, p, national_day())), "2026-10-10 08:00 Sat");
}

TEST(CallingSlot, WindowsAreInTheCustomersZone) {
  const Policy p = hospital();
  const absl::TimeZone berlin = zone_or_default("Europe/Berlin");
  // 07:30 UTC on a winter Monday is 08:30 in Berlin: inside the window there.
  const core::Timestamp t = from_absl(absl::FromCivil(absl::CivilSecond(2026, 1, 5, 7, 30, 0), absl::UTCTimeZone()));
  EXPECT_EQ(next_calling_slot(t, berlin, p, {}), t);
  // The same instant is 15:30 in Shanghai, inside the afternoon window there as well.
  EXPECT_EQ(next_calling_slot(t, kShanghai, p, {}), t);
  // 05:30 UTC is 06:30 in Berlin (wait for 08:00) but 13:30 in Shanghai (open).
  const core::Timestamp early = t - std::chrono::hours(2);
  EXPECT_EQ(next_calling_slot(early, berlin, p, {}), t - std::chrono::minutes(30));
  EXPECT_EQ(next_calling_slot(early, kShanghai, p, {}), early);
}

TEST(Planner, DischargeOnTheFridayBeforeTheHolidayIsDueAfterItInsideACallingWindow) {
  const auto out = plan(hospital(), national_day(), patient(),
                        event("se-1", "hospital.inpatient_discharged", local(2026, 9, 25, 10, 0)), {});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].outcome, Outcome::planned);
  EXPECT_EQ(text(out[0].due_from), "2026-10-08 08:00 Thu");
  EXPECT_EQ(text(out[0].due_by), "2026-10-15 08:00 Thu");
  EXPECT_EQ(out[0].theme_questions.size(), 1u);  // due in 2026Q4
  EXPECT_NE(out[0].reason.find("rule discharge"), std::string::npos);
}

TEST(Planner, OneTriggerCanPlanSeveralVisits) {
  const auto out = plan(hospital(), {}, patient(), event("se-2", "manufacturer.product_delivered", local(2026, 1, 5, 10, 0)), {});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].sequence, "1_month");
  EXPECT_EQ(text(out[0].due_from), "2026-02-04 10:00 Wed");
  EXPECT_EQ(out[2].sequence, "warranty_end");
  EXPECT_EQ(text(out[2].due_from), "2027-01-05 10:00 Tue");
  for (const auto& v : out) EXPECT_EQ(v.outcome, Outcome::planned);
}

TEST(Planner, SamplingIsDeterministicAndConvergesToTheRate) {
  const Policy p = hospital();
  int in = 0;
  constexpr int kEvents = 20000;
  for (int i = 0; i < kEvents; ++i) {
    const auto e = event("se-" + std::to_string(i), "hospital.outpatient_surgery", local(2026, 1, 5, 10, 0));
    const auto a = plan(p, {}, patient(), e, {});
    const auto b = plan(p, {}, patient(), e, {});
    ASSERT_EQ(a[0].outcome, b[0].outcome);
    ASSERT_EQ(a[0].visit_id, b[0].visit_id);
    in += a[0].outcome == Outcome::planned;
  }
  EXPECT_NEAR(static_cast<double>(in) / kEvents, 0.3, 0.015);
}

TEST(Planner, SampledOutVisitsAreRecordedWithTheirBucket) {
  const Policy p = hospital();
  for (int i = 0; i < 50; ++i) {
    const auto out = plan(p, {}, patient(), event("s" + std::to_string(i), "hospital.outpatient_surgery", local(2026, 1, 5, 10, 0)), {});
    if (out[0].outcome != Outcome::sampled_out) continue;
    EXPECT_GE(out[0].bucket, 0.3);
    EXPECT_NE(out[0].reason.find("sampled out"), std::string::npos);
    return;
  }
  FAIL() << "no event sampled out at rate 0.3 in 50 tries";
}

TEST(Planner, TwoTriggersADayApartAreMerged) {
  const Policy p = hospital();
  const auto first = plan(p, {}, patient(), event("se-a", "hospital.inpatient_discharged", local(2026, 1, 5, 10, 0)), {});
  ASSERT_EQ(first[0].outcome, Outcome::planned);
  const auto second = plan(p, {}, patient(), event("se-b", "hospital.inpatient_discharged", local(2026, 1, 6, 10, 0)),
                           {{first[0].visit_id, first[0].due_from}});
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].outcome, Outcome::merged);
  EXPECT_EQ(second[0].other_visit_id, first[0].visit_id);
  EXPECT_NE(second[0].reason.find("merged into"), std::string::npos);
}

TEST(Planner, MinimumGapAndMaximumPerPeriodSuppressWithAReason) {
  Policy p = hospital();
  p.merge_within_days = 0;
  const auto base = local(2026, 1, 5, 10, 0);
  const std::vector<LedgerEntry> ledger = {{"v-old", base + std::chrono::hours(24 * 8)}};
  const auto gap = plan(p, {}, patient(), event("se-c", "hospital.inpatient_discharged", base), ledger);
  EXPECT_EQ(gap[0].outcome, Outcome::suppressed);
  EXPECT_EQ(gap[0].suppression, Suppression::min_gap);
  EXPECT_EQ(gap[0].other_visit_id, "v-old");

  const std::vector<LedgerEntry> busy = {{"a", base - std::chrono::hours(24 * 20)},
                                         {"b", base - std::chrono::hours(24 * 10)},
                                         {"c", base - std::chrono::hours(24 * 5)}};
  const auto capped = plan(p, {}, patient(), event("se-d", "hospital.inpatient_discharged", base - std::chrono::hours(24 * 2)), busy);
  EXPECT_EQ(capped[0].outcome, Outcome::suppressed);
  EXPECT_EQ(capped[0].suppression, Suppression::max_per_period);
}

TEST(Planner, ComplaintFollowUpsAreExemptFromLimits) {
  const auto base = local(2026, 1, 5, 10, 0);
  const auto out = plan(hospital(), {}, patient(), event("se-e", "property.complaint_resolved", base), {{"v-x", base}});
  EXPECT_EQ(out[0].outcome, Outcome::planned);
}

TEST(Planner, DoNotContactAndMissingConsentAreSuppressed) {
  auto c = patient();
  c.do_not_contact = true;
  auto out = plan(hospital(), {}, c, event("se-f", "hospital.inpatient_discharged", local(2026, 1, 5, 10, 0)), {});
  EXPECT_EQ(out[0].suppression, Suppression::do_not_contact);
  c = patient();
  c.consents["phone"] = false;
  out = plan(hospital(), {}, c, event("se-g", "hospital.inpatient_discharged", local(2026, 1, 5, 10, 0)), {});
  EXPECT_EQ(out[0].suppression, Suppression::no_consent);
}

TEST(Planner, RuleFiltersMatchTierKeyHouseholdAndAttributes) {
  Rule r;
  r.trigger = "property.complaint_resolved";
  r.when.attributes["severity"] = "major";
  r.when.tier = "vip";
  CustomerProfile c = patient();
  Trigger t = event("x", "property.complaint_resolved", local(2026, 1, 5, 10, 0));
  EXPECT_FALSE(matches(r, c, t));
  c.tier = "vip";
  EXPECT_FALSE(matches(r, c, t));
  t.attributes["severity"] = "major";
  EXPECT_TRUE(matches(r, c, t));
}

}  // namespace
}  // namespace huifang::scheduling
