#include "figures.h"
#include "reports.h"

#include <gtest/gtest.h>

namespace huifang::analytics {
namespace {

TEST(Figures, VisitRateIsCompletedOverDueAndUndefinedWhenNothingWasDue) {
  EXPECT_DOUBLE_EQ(*visit_rate(8, 10), 0.8);
  EXPECT_DOUBLE_EQ(*visit_rate(0, 3), 0.0);
  EXPECT_FALSE(visit_rate(0, 0));
}

TEST(Figures, SevenToTenSatisfiedOneToSixNotZeroUnrated) {
  EXPECT_EQ(verdict(10), Verdict::satisfied);
  EXPECT_EQ(verdict(7), Verdict::satisfied);
  EXPECT_EQ(verdict(6), Verdict::unsatisfied);
  EXPECT_EQ(verdict(1), Verdict::unsatisfied);
  EXPECT_EQ(verdict(0), Verdict::unrated);
  EXPECT_EQ(verdict(11), Verdict::unrated);
}

TEST(Figures, SatisfactionLeavesUnratedOut) {
  // Hand count: scores 9, 7, 6, unrated, 10 → 3 satisfied, 1 unsatisfied, 1 unrated → 3/4.
  uint64_t sat = 0, unsat = 0;
  for (uint32_t s : {9u, 7u, 6u, 0u, 10u}) {
    if (verdict(s) == Verdict::satisfied) ++sat;
    if (verdict(s) == Verdict::unsatisfied) ++unsat;
  }
  EXPECT_DOUBLE_EQ(*satisfaction_rate(sat, unsat), 0.75);
  EXPECT_FALSE(satisfaction_rate(0, 0));  // only unrated answers: no rate
}

TEST(Figures, OverallIsTheMeanOfTheDimensionRatesThatExist) {
  EXPECT_DOUBLE_EQ(*overall_satisfaction({0.75, 1.0, 0.5}), 0.75);
  EXPECT_DOUBLE_EQ(*overall_satisfaction({0.9, std::nullopt, 0.7}), 0.8);  // an all-unrated dimension is skipped
  EXPECT_FALSE(overall_satisfaction({std::nullopt}));
  EXPECT_FALSE(overall_satisfaction({}));
}

TEST(Figures, KpiLosesAPointPerFivePointsBelowTheStandard) {
  EXPECT_EQ(kpi_points_lost(0.85, 0.80), 0u);
  EXPECT_EQ(kpi_points_lost(0.80, 0.80), 0u);
  EXPECT_EQ(kpi_points_lost(0.76, 0.80), 0u);  // 4 points below
  EXPECT_EQ(kpi_points_lost(0.75, 0.80), 1u);  // exactly 5
  EXPECT_EQ(kpi_points_lost(0.69, 0.80), 2u);  // 11 points
  EXPECT_EQ(kpi_points_lost(0.0, 1.0), 20u);
}

TEST(Reports, NamesThatLookLikeFormulasStayTextInCsv) {
  Table t{"title", {"单位 Unit", "应回访 Due"}, {{"=HYPERLINK(\"http://x\",\"y\")", "3"}, {"@SUM(A1)", "1"}, {"North", "2"}}};
  const std::string csv = to_csv(t);
  EXPECT_NE(csv.find("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",3\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("'@SUM(A1),1\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\r\nNorth,2\r\n"), std::string::npos) << csv;
}

}  // namespace
}  // namespace huifang::analytics
