// The policy diff: the lines that changed, minimal where it can afford to be, and bounded in
// memory whatever two 256 KiB texts a tenant stored.
#include "policy_diff.h"

#include <gtest/gtest.h>

namespace huifang::scheduling {
namespace {

std::string numbered(size_t n, const std::string& prefix) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += prefix + std::to_string(i) + "\n";
  return s;
}

TEST(PolicyDiff, ShowsOnlyTheLinesThatChanged) {
  EXPECT_EQ(line_diff("a\nb\nc\n", "a\nB\nc\nd\n"), "-b\n+B\n+d\n");
  EXPECT_EQ(line_diff("same\n", "same\n"), "");
  EXPECT_EQ(line_diff("", "new\n"), "+new\n");
  EXPECT_EQ(line_diff("x\ny\nz\n", "y\nz\nx\n"), "-x\n+x\n");  // a move is one removal and one addition
}

TEST(PolicyDiff, OneChangedLineInAHugePolicyIsStillMinimal) {
  std::string before, after;
  for (size_t i = 0; i < 100'000; ++i) {
    before += "# comment " + std::to_string(i) + "\n";
    after += i == 50'000 ? std::string("changed\n") : "# comment " + std::to_string(i) + "\n";
  }
  EXPECT_EQ(line_diff(before, after), "-# comment 50000\n+changed\n");
}

TEST(PolicyDiff, TwoHugeUnrelatedTextsAreShownWholeRatherThanCompared) {
  // 100,000 × 100,000 lines would need a 40 GB table: the changed middle is shown removed, then
  // added, every line once with its sign.
  const std::string a = numbered(100'000, "a"), b = numbered(100'000, "b");
  const std::string diff = line_diff(a, b);
  EXPECT_EQ(diff.substr(0, 4), "-a0\n");
  EXPECT_NE(diff.find("\n+b0\n"), std::string::npos);
  EXPECT_EQ(diff.size(), a.size() + b.size() + 200'000);
}

}  // namespace
}  // namespace huifang::scheduling
