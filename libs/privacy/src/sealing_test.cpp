// Sealing: what goes in comes out with the same key and owner, and with nothing else; personal
// fields travel sealed and come back whole.
#include <gtest/gtest.h>

#include "huifang/privacy/personal.h"
#include "huifang/privacy/sealing.h"

namespace huifang::privacy {
namespace {

TEST(Sealing, OpensWithItsKeyAndOwnerOnly) {
  const Key key = random_key(), other = random_key();
  const std::string sealed = seal(key, "王芳 13800001234", "anju|c1");
  EXPECT_EQ(sealed.find("13800001234"), std::string::npos);
  auto opened = open(key, sealed, "anju|c1");
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(*opened, "王芳 13800001234");
  EXPECT_FALSE(open(other, sealed, "anju|c1"));   // another customer's key
  EXPECT_FALSE(open(key, sealed, "other|c1"));    // copied onto another tenant's customer
  std::string altered = sealed;
  altered[14] ^= 1;
  EXPECT_FALSE(open(key, altered, "anju|c1"));
  EXPECT_FALSE(open(key, sealed.substr(0, 20), "anju|c1"));
  EXPECT_NE(seal(key, "same", "x"), seal(key, "same", "x"));  // a fresh nonce each time
}

TEST(Sealing, KeysFromHex) {
  auto k = key_from_hex(" " + std::string(62, '0') + "fF\n");
  ASSERT_TRUE(k);
  EXPECT_EQ((*k)[31], 0xff);
  EXPECT_EQ(key_from_hex(std::string(63, '0')).error().field, "key");
  EXPECT_FALSE(key_from_hex(std::string(63, '0') + "g"));
}

intake::v1::Customer wang() {
  intake::v1::Customer c;
  c.set_id("c1");
  c.set_tenant_id("anju");
  c.set_org_unit_id("east");
  c.set_tier("key_account");
  c.set_display_name("王芳");
  c.set_address("青岛市 1 号");
  c.set_birthday("1960-02-01");
  auto* phone = c.add_contacts();
  phone->set_kind(intake::v1::CONTACT_KIND_PHONE);
  phone->set_value("13800001234");
  (*c.mutable_consents())["phone"] = true;
  return c;
}

TEST(PersonalFields, TravelSealedAndComeBackWhole) {
  const Key key = random_key();
  intake::v1::Customer c = wang();
  seal_personal(c, key);
  EXPECT_TRUE(c.display_name().empty());
  EXPECT_TRUE(c.contacts().empty());
  EXPECT_TRUE(c.address().empty());
  EXPECT_TRUE(c.birthday().empty());
  EXPECT_EQ(c.tier(), "key_account");  // planning still reads these
  EXPECT_TRUE(c.consents().at("phone"));
  EXPECT_EQ(c.SerializeAsString().find("13800001234"), std::string::npos);

  intake::v1::Customer moved = c;  // a sealed value does not open on another customer
  moved.set_id("c2");
  EXPECT_FALSE(open_personal(moved, key));
  ASSERT_TRUE(open_personal(c, key));
  EXPECT_EQ(c.SerializeAsString(), wang().SerializeAsString());

  drop_personal(c);
  EXPECT_TRUE(c.display_name().empty());
  EXPECT_TRUE(c.sealed_personal().empty());
}

TEST(PersonalFields, RecordsWithoutThemStayAsTheyAre) {
  const Key key = random_key();
  intake::v1::Customer c;
  c.set_id("org-1");
  c.set_tenant_id("anju");
  seal_personal(c, key);
  EXPECT_TRUE(c.sealed_personal().empty());
  intake::v1::Customer legacy = wang();  // written before sealing existed: opens as it is
  ASSERT_TRUE(open_personal(legacy, key));
  EXPECT_EQ(legacy.display_name(), "王芳");
}

}  // namespace
}  // namespace huifang::privacy
