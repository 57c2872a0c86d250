#include <gtest/gtest.h>

#include "customer.h"
#include "masking.h"
#include "service_event.h"
#include "validation.h"

namespace huifang::intake {
namespace {

v1::Customer patient() {
  v1::Customer c;
  c.set_id("p-1");
  c.set_tenant_id("hospital-a");
  c.set_org_unit_id("cardiology");
  c.set_display_name("张三");
  c.set_kind(v1::CUSTOMER_KIND_PERSON);
  auto* ct = c.add_contacts();
  ct->set_kind(v1::CONTACT_KIND_PHONE);
  ct->set_value("+86 138-0000-0000");
  ct->set_relation("self");
  return c;
}

CustomerState fold(const std::vector<events::Envelope>& es) {
  CustomerState s;
  for (const auto& e : es) evolve(s, e);
  return s;
}

TEST(Masking, LeavesEnoughToRecogniseTheRecordAndNothingToReachTheCustomer) {
  v1::Customer c;
  c.set_id("c-7");
  c.set_display_name("王芳");
  c.set_address("上海市浦东新区 1 号");
  c.set_birthday("1961-04-02");
  auto* phone = c.add_contacts();
  phone->set_kind(v1::CONTACT_KIND_PHONE);
  phone->set_value("+86 138-0000-1234");
  auto* mail = c.add_contacts();
  mail->set_kind(v1::CONTACT_KIND_EMAIL);
  mail->set_value("wang@example.com");
  mask_personal(c);
  EXPECT_EQ(c.id(), "c-7");
  EXPECT_EQ(c.display_name(), "王*");
  EXPECT_EQ(c.contacts(0).value(), "+** ***-****-1234");
  EXPECT_EQ(c.contacts(1).value(), "(withheld)");
  EXPECT_EQ(c.address(), "(withheld)");
  EXPECT_EQ(c.birthday(), "");
  v1::Customer latin;
  latin.set_display_name("Wang Fang");
  mask_personal(latin);
  EXPECT_EQ(latin.display_name(), "W*");
}

TEST(IntakeValidation, NamesTheFieldAndTheProblem) {
  auto c = patient();
  EXPECT_TRUE(validate_customer(c));
  c.mutable_contacts(0)->set_value("call me maybe");
  auto st = validate_customer(c);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().field, "customer.contacts[0].value");
  EXPECT_NE(st.error().message.find("not a phone number"), std::string::npos);

  c = patient();
  c.set_birthday("1990-13-01");
  EXPECT_EQ(validate_customer(c).error().field, "customer.birthday");
  c = patient();
  c.clear_org_unit_id();
  EXPECT_EQ(validate_customer(c).error().field, "customer.org_unit_id");
  c = patient();
  auto* w = c.add_preferred_windows();
  w->set_start_minute(720);
  w->set_end_minute(600);
  EXPECT_EQ(validate_customer(c).error().field, "customer.preferred_windows[0]");
}

TEST(IntakeValidation, OrgTreeShapeIsChecked) {
  v1::OrgUnit u;
  u.set_id("bj");
  u.set_name("Beijing branch");
  u.set_kind(v1::ORG_UNIT_KIND_BRANCH);
  EXPECT_EQ(validate_org_unit(u).error().field, "org_unit.parent_id");
  u.set_parent_id("north");
  EXPECT_TRUE(validate_org_unit(u));
  u.set_kind(v1::ORG_UNIT_KIND_ENTERPRISE);
  EXPECT_FALSE(validate_org_unit(u));
}

TEST(IntakeValidation, ServiceEventNeedsCategoryShapeAndTime) {
  v1::RecordServiceEventRequest r;
  r.set_tenant_id("t");
  r.set_customer_id("p-1");
  r.set_category("discharged");
  EXPECT_EQ(validate_service_event(r).error().field, "category");
  r.set_category("hospital.inpatient_discharged");
  EXPECT_EQ(validate_service_event(r).error().field, "occurred_at");
  r.mutable_occurred_at()->set_seconds(9'200'000'000'000'000);  // would overflow microseconds
  EXPECT_EQ(validate_service_event(r).error().field, "occurred_at");
  r.mutable_occurred_at()->set_seconds(-9'200'000'000'000'000);
  EXPECT_EQ(validate_service_event(r).error().field, "occurred_at");
  r.mutable_occurred_at()->set_seconds(1'767'571'200);
  EXPECT_TRUE(validate_service_event(r));
}

TEST(CustomerDecide, CreateThenIdenticalCreateIsANoOpButDifferentIsRefused) {
  const auto c = patient();
  auto d = decide_create({}, c);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->events.size(), 1u);
  const auto s = fold(d->events);
  EXPECT_TRUE(s.exists);
  auto again = decide_create(s, c);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->events.empty());
  auto other = c;
  other.set_tier("key_account");
  auto refused = decide_create(s, other);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind(), core::condition::already_exists);
}

TEST(CustomerDecide, UpdateOfUnknownOrAnotherTenantsCustomerIsNotFound) {
  EXPECT_EQ(decide_update({}, patient()).error().kind(), core::condition::not_found);
  const auto s = fold(decide_create({}, patient())->events);
  auto moved = patient();
  moved.set_tenant_id("other");
  EXPECT_EQ(decide_update(s, moved).error().kind(), core::condition::not_found);
  auto changed = patient();
  changed.set_key_household(true);
  const auto s2 = fold({decide_create({}, patient())->events[0], decide_update(s, changed)->events[0]});
  EXPECT_TRUE(s2.customer.key_household());
}

TEST(CustomerDecide, ConsentChangeIsFoldedIntoTheCustomer) {
  const auto created = decide_create({}, patient())->events;
  v1::ConsentChanged change;
  change.set_customer_id("p-1");
  change.set_do_not_contact(true);
  (*change.mutable_consents())["sms"] = false;
  EXPECT_EQ(decide_consent(fold(created), "other", change).error().kind(), core::condition::not_found);
  auto d = decide_consent(fold(created), patient().tenant_id(), change);
  ASSERT_TRUE(d);
  auto all = created;
  all.push_back(d->events[0]);
  const auto s = fold(all);
  EXPECT_TRUE(s.customer.do_not_contact());
  EXPECT_FALSE(s.customer.consents().at("sms"));
  EXPECT_FALSE(s.customer.sensitive_data_consent());
  // Sensitive-data consent is its own: given once, a later change that does not name it keeps it.
  change.set_sensitive_data_consent(true);
  all.push_back(decide_consent(fold(all), patient().tenant_id(), change)->events[0]);
  EXPECT_TRUE(fold(all).customer.sensitive_data_consent());
  change.clear_sensitive_data_consent();
  change.set_do_not_contact(false);
  all.push_back(decide_consent(fold(all), patient().tenant_id(), change)->events[0]);
  EXPECT_TRUE(fold(all).customer.sensitive_data_consent());
  EXPECT_FALSE(fold(all).customer.do_not_contact());
}

TEST(IntakeValidation, OnlyHuifangSealsOrErasesARecord) {
  auto c = patient();
  c.set_erased(true);
  EXPECT_EQ(validate_customer(c).error().field, "customer.erased");
  c = patient();
  c.set_sealed_personal("forged");
  EXPECT_EQ(validate_customer(c).error().field, "customer.sealed_personal");
}

TEST(CustomerDecide, AnErasedCustomerKeepsNothingPersonalAndTakesNoMoreChanges) {
  auto all = decide_create({}, patient())->events;
  v1::CustomerErased erase;
  erase.set_customer_id("p-1");
  EXPECT_EQ(decide_erase(fold(all), patient().tenant_id(), erase).error().field, "reason");
  erase.set_reason("DSR-7");
  EXPECT_EQ(decide_erase(fold(all), "other", erase).error().kind(), core::condition::not_found);
  EXPECT_EQ(decide_erase({}, patient().tenant_id(), erase).error().kind(), core::condition::not_found);
  auto d = decide_erase(fold(all), patient().tenant_id(), erase);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->events.size(), 1u);
  all.push_back(d->events[0]);
  const auto s = fold(all);
  EXPECT_TRUE(s.customer.erased());
  EXPECT_TRUE(s.customer.display_name().empty());
  EXPECT_TRUE(s.customer.contacts().empty());
  EXPECT_EQ(s.customer.org_unit_id(), "cardiology");  // what the figures need stays
  EXPECT_TRUE(decide_erase(s, patient().tenant_id(), erase)->events.empty());  // again: nothing new
  for (auto refused : {decide_create(s, patient()), decide_update(s, patient()),
                       decide_consent(s, patient().tenant_id(), v1::ConsentChanged{})})
    EXPECT_EQ(refused.error().kind(), core::condition::failed_precondition);
}

TEST(ServiceEventDecide, SameKeySameContentReplaysDifferentContentIsRefused) {
  EXPECT_EQ(service_event_id_for_key("t", "HIS-1"), service_event_id_for_key("t", "HIS-1"));
  EXPECT_NE(service_event_id_for_key("t", "HIS-1"), service_event_id_for_key("u", "HIS-1"));
  EXPECT_EQ(service_event_id_for_key("t", ""), "");

  v1::RecordServiceEventRequest r;
  r.set_tenant_id("t");
  r.set_idempotency_key("HIS-1");
  r.set_customer_id("p-1");
  r.set_org_unit_id("cardiology");
  r.set_category("hospital.inpatient_discharged");
  r.mutable_occurred_at()->set_seconds(1'767'571'200);
  const auto id = service_event_id_for_key("t", "HIS-1");
  auto first = decide_record({}, to_recorded(r, id), "t");
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->replayed);
  ServiceEventState s;
  evolve(s, first->decision.events[0]);

  auto via_topic = r;
  via_topic.set_source_system("inbound-json");  // the channel may differ, the content not
  auto replay = decide_record(s, to_recorded(via_topic, id), "t");
  ASSERT_TRUE(replay);
  EXPECT_TRUE(replay->replayed);
  EXPECT_TRUE(replay->decision.events.empty());

  auto changed = r;
  changed.set_category("hospital.outpatient_surgery");
  auto refused = decide_record(s, to_recorded(changed, id), "t");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind(), core::condition::already_exists);
  EXPECT_NE(refused.error().message.find("category"), std::string::npos);
}

}  // namespace
}  // namespace huifang::intake
