// API keys: only the registered key opens, bound to its tenant; the file holds hashes, not keys;
// a malformed file is refused with its line number.
#include "huifang/auth/api_keys.h"

#include <gtest/gtest.h>

namespace huifang::auth {
namespace {

TEST(ApiKeys, TheRegisteredKeyNamesItsTenantAndNothingElseOpens) {
  auto his = make_api_key("qiaoxin-hospital", "his-gateway");
  auto wms = make_api_key("xinda-logistics", "wms");
  ASSERT_TRUE(his && wms);
  EXPECT_EQ(his->key.rfind("hfk_", 0), 0u);
  EXPECT_NE(his->key, wms->key);
  EXPECT_EQ(his->line.find(his->key), std::string::npos);  // the file never holds the key itself
  auto keys = ApiKeys::parse("# integrations\n" + his->line + "\n\n" + wms->line + "  # the RDC's WMS\n");
  ASSERT_TRUE(keys) << keys.error().to_string();
  EXPECT_EQ(keys->size(), 2u);
  ASSERT_NE(keys->find(his->key), nullptr);
  EXPECT_EQ(keys->find(his->key)->tenant, "qiaoxin-hospital");
  EXPECT_EQ(keys->find(wms->key)->name, "wms");
  EXPECT_EQ(keys->find(his->key + "x"), nullptr);
  EXPECT_EQ(keys->find(""), nullptr);
  EXPECT_EQ(keys->find(sha256_hex(his->key)), nullptr);  // the hash is not the key
}

TEST(ApiKeys, AMalformedFileIsRefusedWithItsLine) {
  const std::string h(64, 'a');
  for (const std::string& text : std::vector<std::string>{h + " only-a-tenant", h + " t n extra", "XYZ t n", h + " t\tn\n" + h + " t n",
                                  h + " <script> n"}) {
    auto keys = ApiKeys::parse(text);
    ASSERT_FALSE(keys) << text;
    EXPECT_NE(keys.error().message.find("line "), std::string::npos);
  }
  EXPECT_FALSE(make_api_key("a tenant", "x"));
  EXPECT_FALSE(ApiKeys::load("/nonexistent/api-keys"));
}

}  // namespace
}  // namespace huifang::auth
