#include "huifang/core/result.h"

#include <gtest/gtest.h>

namespace huifang::core {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0) return invalid_argument("value", "must be positive");
  return v;
}

TEST(Result, CarriesValueOrError) {
  auto ok = parse_positive(3);
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 3);
  auto bad = parse_positive(-1);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "value");
  EXPECT_EQ(bad.error().kind(), condition::invalid_argument);
  EXPECT_EQ(bad.error().to_string(), "core: value: must be positive");
}

TEST(Error, ForeignCategoriesAreInternal) {
  Error e{std::make_error_code(std::errc::io_error), "disk", ""};
  EXPECT_EQ(e.kind(), condition::internal);
}

TEST(Error, CoreCodesMapToTheirConditions) {
  EXPECT_EQ(make_error(make_error_code(errc::not_found), "x").kind(), condition::not_found);
  EXPECT_EQ(make_error(make_error_code(errc::unavailable), "x").kind(), condition::unavailable);
  EXPECT_TRUE(make_error_code(errc::aborted) == condition::aborted);
}

}  // namespace
}  // namespace huifang::core
