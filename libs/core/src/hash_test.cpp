#include "huifang/core/hash.h"

#include <gtest/gtest.h>

namespace huifang::core {
namespace {

TEST(Hash, Fnv1a64MatchesTheReferenceValues) {
  static_assert(fnv1a64("") == 0xcbf29ce484222325ull);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ull);
  EXPECT_EQ(hex64(0xaf63dc4c8601ec8cull), "af63dc4c8601ec8c");
}

}  // namespace
}  // namespace huifang::core
