#include "huifang/testing/redis_values.h"

#include <gtest/gtest.h>

namespace huifang::testing {
namespace {

void append_all(const store::Reply& r, std::string& out) {
  out += r.str;
  for (const auto& e : r.elements) append_all(e, out);
}

}  // namespace

std::vector<std::string> keys_holding(store::RedisPool& pool, std::string_view pattern, std::string_view text) {
  auto conn = pool.lease();
  std::vector<std::string> out;
  auto keys = conn->command({"KEYS", std::string(pattern)});
  if (!keys || keys->is_error()) {
    ADD_FAILURE() << "KEYS " << pattern << ": " << (keys ? keys->str : keys.error().message);
    return out;
  }
  for (const auto& k : keys->elements) {
    auto type = conn->command({"TYPE", k.str});
    if (!type) continue;
    const std::string& t = type->str;
    const store::Argv read = t == "hash"     ? store::Argv{"HGETALL", k.str}
                             : t == "list"   ? store::Argv{"LRANGE", k.str, "0", "-1"}
                             : t == "set"    ? store::Argv{"SMEMBERS", k.str}
                             : t == "zset"   ? store::Argv{"ZRANGE", k.str, "0", "-1"}
                             : t == "stream" ? store::Argv{"XRANGE", k.str, "-", "+"}
                                             : store::Argv{"GET", k.str};
    auto value = conn->command(read);
    if (!value || value->is_error()) {
      ADD_FAILURE() << "reading " << k.str << ": " << (value ? value->str : value.error().message);
      continue;
    }
    std::string all;
    append_all(*value, all);
    if (all.find(text) != std::string::npos) out.push_back(k.str);
  }
  return out;
}

}  // namespace huifang::testing
