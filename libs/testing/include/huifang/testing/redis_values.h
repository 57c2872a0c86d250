#pragma once
// What Redis holds in the clear: the keys whose stored values contain some text, read by type
// (hash fields and values, list, set and sorted-set members, stream entries, strings). For tests
// that prove personal data is written nowhere unsealed — DUMP would not do, as Redis compresses.
#include <string>
#include <string_view>
#include <vector>

#include "huifang/store/redis.h"

namespace huifang::testing {

// Keys matching `pattern` whose values contain `text`; an error reply fails the calling test.
std::vector<std::string> keys_holding(store::RedisPool& pool, std::string_view pattern, std::string_view text);

}  // namespace huifang::testing
