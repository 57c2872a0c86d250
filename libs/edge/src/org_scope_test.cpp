#include "huifang/edge/org_scope.h"

#include <gtest/gtest.h>

#include "huifang/intake/v1/service.pb.h"

namespace huifang::edge {
namespace {

// hq → east → (east-1, east-2); hq → west.
const OrgTree kTree = {{"hq", ""}, {"east", "hq"}, {"east-1", "east"}, {"east-2", "east"}, {"west", "hq"}};

Caller in(std::vector<std::string> units) { return {"sup", Role::supervisor, "t", std::move(units)}; }

TEST(OrgScope, AUnitCoversItsSubtreeAndNothingElse) {
  EXPECT_TRUE(covers(in({"east"}), "east", kTree));
  EXPECT_TRUE(covers(in({"east"}), "east-2", kTree));
  EXPECT_FALSE(covers(in({"east"}), "west", kTree));
  EXPECT_FALSE(covers(in({"east"}), "hq", kTree));       // not upwards
  EXPECT_FALSE(covers(in({"east"}), "unknown", kTree));  // not a unit of the tree
  EXPECT_FALSE(covers(in({"east"}), "", kTree));
  EXPECT_TRUE(covers(in({"west", "east-1"}), "east-1", kTree));
  EXPECT_TRUE(covers(in({}), "west", kTree));  // no units named: the whole tenant
  const OrgTree cycle = {{"a", "b"}, {"b", "a"}};
  EXPECT_FALSE(covers(in({"c"}), "a", cycle));  // ends
}

TEST(OrgScope, EveryUnitARequestNamesMustBeTheCallers) {
  intake::v1::ListCustomersRequest list;
  list.set_tenant_id("t");
  EXPECT_TRUE(check_org_fields(list, in({"east"}), kTree));  // no unit named: the answer is filtered
  list.set_org_unit_id("east-1");
  EXPECT_TRUE(check_org_fields(list, in({"east"}), kTree));
  list.set_org_unit_id("west");
  auto st = check_org_fields(list, in({"east"}), kTree);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind(), core::condition::permission_denied);
  EXPECT_EQ(st.error().field, "org_unit_id");
  intake::v1::CreateCustomerRequest create;  // nested
  create.mutable_customer()->set_org_unit_id("west");
  st = check_org_fields(create, in({"east"}), kTree);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().field, "customer.org_unit_id");
  EXPECT_TRUE(check_org_fields(create, in({}), kTree));
}

TEST(OrgScope, AScopeSeesItsTenantsRecordsInItsUnits) {
  const TenantScope whole("t");
  EXPECT_TRUE(whole.sees("t", "west"));
  EXPECT_FALSE(whole.sees("u", "west"));
  const TenantScope east = scope_of(in({"east"}), kTree);
  EXPECT_TRUE(east.sees("t", "east-2"));
  EXPECT_FALSE(east.sees("t", "west"));
  EXPECT_FALSE(east.sees("u", "east-2"));
}

}  // namespace
}  // namespace huifang::edge
