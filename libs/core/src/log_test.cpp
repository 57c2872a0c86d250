#include "huifang/core/log.h"

#include <gtest/gtest.h>

namespace huifang::core::log {
namespace {

TEST(Log, FormatsLogfmtWithQuotingWhereNeeded) {
  const std::string line =
      format_line(Level::warn, "intake", "row rejected", {{"row", 12}, {"reason", "bad \"phone\""}}, "T");
  EXPECT_EQ(line, "ts=T level=warn svc=intake msg=\"row rejected\" row=12 reason=\"bad \\\"phone\\\"\"\n");
}

TEST(Log, ParsesLevelNames) {
  Level l = Level::info;
  EXPECT_TRUE(parse_level("debug", l));
  EXPECT_EQ(l, Level::debug);
  EXPECT_FALSE(parse_level("loud", l));
}

}  // namespace
}  // namespace huifang::core::log
