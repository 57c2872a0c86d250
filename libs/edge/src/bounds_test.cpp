#include "huifang/edge/bounds.h"

#include <gtest/gtest.h>

#include "huifang/edge/handle.h"
#include "huifang/intake/v1/service.pb.h"
#include "huifang/scheduling/v1/service.pb.h"

namespace huifang::edge {
namespace {

intake::v1::CreateCustomerRequest customer_named(size_t bytes) {
  intake::v1::CreateCustomerRequest r;
  r.mutable_customer()->set_id("c-1");
  r.mutable_customer()->set_display_name(std::string(bytes, 'x'));
  return r;
}

TEST(Bounds, AnOversizedFieldAnywhereIsRefusedByItsPath) {
  EXPECT_TRUE(check_bounds(customer_named(4 * 1024)));
  auto st = check_bounds(customer_named(2 * 1024 * 1024));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().field, "customer.display_name");
  EXPECT_EQ(st.error().kind(), core::condition::invalid_argument);

  intake::v1::CreateCustomerRequest many;
  for (int i = 0; i < 1'001; ++i) many.mutable_customer()->add_contacts()->set_value("1380000" + std::to_string(i));
  EXPECT_EQ(check_bounds(many).error().field, "customer.contacts");
  many.mutable_customer()->mutable_contacts()->DeleteSubrange(0, 10);
  many.mutable_customer()->mutable_contacts(3)->set_value(std::string(5'000, '1'));
  EXPECT_EQ(check_bounds(many).error().field, "customer.contacts[3].value");
}

TEST(Bounds, APolicyDocumentMayBeLongerThanAName) {
  scheduling::v1::PutPolicyRequest p;
  p.set_yaml(std::string(100 * 1024, '#'));
  EXPECT_TRUE(check_bounds(p));
  p.set_yaml(std::string(300 * 1024, '#'));
  EXPECT_EQ(check_bounds(p).error().field, "yaml");
}

TEST(Bounds, HandleRefusesAnOversizedRequestBeforeTheBodyRuns) {
  grpc::ServerContext ctx;
  const auto request = customer_named(2 * 1024 * 1024);
  bool ran = false;
  auto st = handle(&ctx, *fixed_caller_authenticator({"ops", Role::admin, "t", {}}), "CreateCustomer", &request, [&](const Caller&) {
    ran = true;
    return core::ok_status();
  });
  EXPECT_FALSE(ran);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("customer.display_name"), std::string::npos) << st.error_message();
}

}  // namespace
}  // namespace huifang::edge
