#include "policy.h"

#include <gtest/gtest.h>

namespace huifang::scheduling {
namespace {

TEST(PolicyParse, ReadsEveryPartAndAppliesDefaults) {
  auto p = parse_policy(R"(
policy: hospital
calendar: {skip_weekends: true, skip_holidays: true}
calling_windows: ["08:00-12:00", "13:30-17:30"]
contact_limits: {min_gap_days: 2, merge_within_days: 3, max_per_period: 4, period_days: 30}
retries: {max_attempts: 3, fallback: [on_site]}
themes: {"2026Q1": ["Was the discharge instruction clear?"]}
rules:
  - id: discharge
    trigger: hospital.inpatient_discharged
    target_rate: 0.8
    visits: [{sequence: 7_days, delay_days: 7, window_days: 7}]
  - id: outpatient_surgery
    trigger: hospital.outpatient_surgery
    sample_rate: 0.5
    visits: [{delay_days: 3}]
)");
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->windows.size(), 2u);
  EXPECT_EQ(p->windows[1].start_minute, 810);
  EXPECT_EQ(p->fallback, std::vector<common::v1::Channel>{common::v1::CHANNEL_ON_SITE});
  EXPECT_EQ(p->rules[0].channel, common::v1::CHANNEL_PHONE);
  EXPECT_EQ(p->rules[0].complaint_threshold, 6u);
  EXPECT_EQ(p->rules[1].visits[0].sequence, "visit_1");
  EXPECT_EQ(p->rules[1].visits[0].window_days, 7);
  EXPECT_EQ(p->themes.at("2026Q1").size(), 1u);
}

struct BadCase {
  const char* yaml;
  const char* field;
};

TEST(PolicyParse, ErrorsNameThePath) {
  const BadCase cases[] = {
      {"policy: x\nrules: [{id: a, trigger: t.x, visits: [{delay_days: -1}]}]", "rules[0].visits[0].delay_days"},
      {"policy: x\nrules: [{id: a, trigger: t.x, sample_rate: 1.5, visits: [{}]}]", "rules[0].sample_rate"},
      {"policy: x\nrules: [{id: a, trigger: t.x, chanel: sms, visits: [{}]}]", "rules[0].chanel"},
      {"policy: x\ncalling_windows: [\"12:00-08:00\"]\nrules: [{id: a, trigger: t.x, visits: [{}]}]", "calling_windows[0]"},
      {"policy: x\nrules: [{id: a, trigger: periodic, visits: [{}]}]", "rules[0].every_days"},
      {"policy: x\nrules: [{id: a, trigger: t.x, channel: pigeon, visits: [{}]}]", "rules[0].channel"},
      {"policy: x\nrules: [{id: a, trigger: t.x, visits: [{}]}, {id: a, trigger: t.y, visits: [{}]}]", "rules[1].id"},
      {"rules: [{id: a, trigger: t.x, visits: [{}]}]", "policy"},
      {"policy: x\nrules: [{id: a, trigger: t.x, visits: [{delay_days: soon}]}]", "rules[0].visits[0].delay_days"},
      {"policy: [unclosed", "yaml"},
  };
  for (const auto& c : cases) {
    auto p = parse_policy(c.yaml);
    ASSERT_FALSE(p) << c.yaml;
    EXPECT_EQ(p.error().field, c.field) << c.yaml << " → " << p.error().to_string();
    EXPECT_EQ(p.error().kind(), core::condition::invalid_argument);
  }
}

}  // namespace
}  // namespace huifang::scheduling
