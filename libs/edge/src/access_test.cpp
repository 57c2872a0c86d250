// The access table and the tenant rule, as `handle` applies them before any handler runs, and the
// bearer authenticator on real call metadata.
#include "huifang/edge/access.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/test/server_context_test_spouse.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "huifang/analytics/v1/service.pb.h"
#include "huifang/auth/api_keys.h"
#include "huifang/auth/local_issuer.h"
#include "huifang/complaints/v1/service.pb.h"
#include "huifang/edge/handle.h"
#include "huifang/audit/v1/audit.pb.h"
#include "huifang/intake/v1/service.pb.h"
#include "huifang/scheduling/v1/service.pb.h"
#include "huifang/visit/v1/service.pb.h"

namespace huifang::edge {
namespace {

Caller person(Role role, std::string tenant = "anju") { return {"u-1", role, std::move(tenant), {}}; }

// Every method the five services serve, from their descriptors.
std::set<std::string> served_rpcs() {
  const google::protobuf::FileDescriptor* files[] = {
      intake::v1::CreateCustomerRequest::descriptor()->file(), scheduling::v1::PutPolicyRequest::descriptor()->file(),
      visit::v1::StartVisitRequest::descriptor()->file(), complaints::v1::OpenComplaintRequest::descriptor()->file(),
      analytics::v1::FigureQuery::descriptor()->file(), audit::v1::AuditRecord::descriptor()->file()};
  std::set<std::string> out;
  for (const auto* f : files)
    for (int s = 0; s < f->service_count(); ++s)
      for (int m = 0; m < f->service(s)->method_count(); ++m) out.insert(f->service(s)->method(m)->name());
  return out;
}

TEST(Access, EveryServedRpcHasARuleAndEveryRuleAnRpc) {
  const auto served = served_rpcs();
  ASSERT_GT(served.size(), 40u);
  std::set<std::string> listed;
  for (auto rpc : listed_rpcs()) listed.insert(std::string(rpc));
  for (const auto& rpc : served) EXPECT_TRUE(listed.count(rpc)) << rpc << " is served but has no access rule";
  for (const auto& rpc : listed) EXPECT_TRUE(served.count(rpc)) << rpc << " has a rule but is not served";
}

// The reads PIPL asks to audit are the ones the table marks; figures and commands are not.
TEST(Access, PersonalReadsAreMarkedAndOnlyTheAuditorReadsTheTrail) {
  for (auto rpc : {"GetCustomer", "ListCustomers", "StartVisit", "GetVisit", "GetComplaint", "ListComplaints"})
    EXPECT_TRUE(is_personal_read(rpc)) << rpc;
  for (auto rpc : {"GetOverview", "RecordAttempt", "CreateCustomer", "ListAuditRecords", "NoSuchRpc"})
    EXPECT_FALSE(is_personal_read(rpc)) << rpc;
  EXPECT_TRUE(authorize("ListAuditRecords", person(Role::auditor)));
  for (auto role : {Role::admin, Role::manager, Role::agent, Role::analyst, Role::executive})
    EXPECT_FALSE(authorize("ListAuditRecords", person(role))) << role_name(role);
  EXPECT_FALSE(authorize("ListAuditRecords", {"op", Role::platform_operator, "", {}}));
}

TEST(Access, RolesGetWhatTheTableSaysAndNothingElse) {
  EXPECT_TRUE(authorize("StartVisit", person(Role::agent)));
  EXPECT_TRUE(authorize("GetOverview", person(Role::analyst)));
  EXPECT_TRUE(authorize("RecordServiceEvent", person(Role::integration)));
  EXPECT_TRUE(authorize("RepublishEvents", {"analytics", Role::service, "", {}}));

  const std::pair<const char*, Role> refused[] = {
      {"PutPolicy", Role::agent},          {"GetCustomer", Role::analyst},    {"ListCustomers", Role::integration},
      {"GetOverview", Role::integration},  {"Rebuild", Role::admin},          {"RepublishEvents", Role::admin},
      {"StartVisit", Role::manager},       {"DefineOrgUnit", Role::manager},  {"GetVisit", Role::auditor},
      {"GetCustomer", Role::service},      {"GetCustomer", Role::anonymous}};
  for (const auto& [rpc, role] : refused) {
    auto st = authorize(rpc, person(role));
    ASSERT_FALSE(st) << role_name(role) << " may call " << rpc;
    EXPECT_EQ(st.error().kind(), core::condition::permission_denied);
  }
  EXPECT_NE(authorize("NoSuchRpc", person(Role::admin)).error().message.find("no access rule"), std::string::npos);
}

TEST(Access, ATenantsCallerNamesOnlyItsOwnTenantAnywhereInTheRequest) {
  intake::v1::CreateCustomerRequest create;
  create.mutable_customer()->set_tenant_id("anju");
  EXPECT_TRUE(check_tenant_fields(create, person(Role::admin)));
  create.mutable_customer()->set_tenant_id("qiaoxin");
  auto st = check_tenant_fields(create, person(Role::admin));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().field, "customer.tenant_id");
  EXPECT_EQ(st.error().kind(), core::condition::permission_denied);

  intake::v1::ListCustomersRequest every_tenant;  // tenant_id "" used to mean all of them
  EXPECT_FALSE(check_tenant_fields(every_tenant, person(Role::manager)));
  // Platform callers are bound to no tenant.
  EXPECT_TRUE(check_tenant_fields(every_tenant, {"ops", Role::platform_operator, "", {}}));
}

class BearerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto dir = std::filesystem::temp_directory_path() / ("huifang-edge-auth-" + std::to_string(::getpid()));
    auto issuer = auth::open_local_issuer(dir.string());
    ASSERT_TRUE(issuer) << issuer.error().to_string();
    issuer_ = *issuer;
    auto keys = auth::KeySet::parse_jwks(issuer_.jwks);
    ASSERT_TRUE(keys);
    auth_ = bearer_authenticator(auth::fixed_keys(*keys),
                                 {std::string(auth::kLocalIssuer), std::string(auth::kAudience)}, clock_);
  }
  std::string token(auth::Claims claims) {
    auth::TokenRequest r;
    r.claims = std::move(claims);
    return *auth::mint_token(issuer_, r, clock_.now());
  }
  // Runs a GetCustomer for `tenant` with `authorization` metadata; the status and who ran it.
  std::pair<grpc::Status, std::string> call(const std::string& authorization, const std::string& tenant = "anju") {
    grpc::ServerContext ctx;
    grpc::testing::ServerContextTestSpouse spouse(&ctx);
    if (!authorization.empty()) spouse.AddClientMetadata("authorization", authorization);
    intake::v1::GetCustomerRequest req;
    req.set_tenant_id(tenant);
    std::string ran_as;
    auto st = handle(&ctx, *auth_, "GetCustomer", &req, [&](const Caller& c) {
      ran_as = c.subject;
      return core::ok_status();
    });
    return {st, ran_as};
  }

  core::SystemClock clock_;
  auth::LocalIssuer issuer_;
  std::shared_ptr<Authenticator> auth_;
};

TEST_F(BearerTest, AVerifiedAgentOfTheTenantGetsThrough) {
  auto [st, who] = call("Bearer " + token({"agent-7", "anju", "agent", {}}));
  EXPECT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(who, "agent-7");
}

TEST_F(BearerTest, NoTokenAWrongSchemeOrABadTokenIsUnauthenticated) {
  for (const std::string& md : {std::string(), std::string("Basic YWRtaW46YWRtaW4="), std::string("Bearer x.y.z")}) {
    auto [st, who] = call(md);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED) << md;
    EXPECT_TRUE(who.empty());
  }
}

TEST_F(BearerTest, RolesAndTenantsMustFitTogether) {
  // A person's role without a tenant, a platform role with one, a role nobody knows.
  EXPECT_EQ(call("Bearer " + token({"a", "", "agent", {}})).first.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(call("Bearer " + token({"a", "anju", "service", {}})).first.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(call("Bearer " + token({"a", "anju", "root", {}})).first.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // Verified, but asking for another tenant's customer; and a role the table refuses.
  EXPECT_EQ(call("Bearer " + token({"a", "anju", "agent", {}}), "qiaoxin").first.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(call("Bearer " + token({"a", "anju", "analyst", {}})).first.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(BearerTest, AnApiKeyCallsAsItsTenantsIntegrationOnly) {
  auto key = auth::make_api_key("anju", "crm-bridge");
  ASSERT_TRUE(key);
  const auto file = std::filesystem::temp_directory_path() / ("huifang-api-keys-" + std::to_string(::getpid()));
  std::ofstream(file) << key->line << "\n";
  auto keys = auth::ApiKeyFile::open(file.string());
  ASSERT_TRUE(keys) << keys.error().to_string();
  auto with_keys = bearer_authenticator(auth::fixed_keys(*auth::KeySet::parse_jwks(issuer_.jwks)),
                                        {std::string(auth::kLocalIssuer), std::string(auth::kAudience)}, clock_, *keys);
  auto call = [&](const std::string& api_key, std::string_view rpc, const google::protobuf::Message& req) {
    grpc::ServerContext ctx;
    grpc::testing::ServerContextTestSpouse spouse(&ctx);
    spouse.AddClientMetadata("x-api-key", api_key);
    std::string who;
    auto st = handle(&ctx, *with_keys, rpc, &req, [&](const Caller& c) {
      who = c.subject + "@" + c.tenant_id + "/" + role_name(c.role);
      return core::ok_status();
    });
    return std::pair{st, who};
  };
  intake::v1::RecordServiceEventRequest record;
  record.set_tenant_id("anju");
  auto [ok, who] = call(key->key, "RecordServiceEvent", record);
  EXPECT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(who, "crm-bridge@anju/integration");
  intake::v1::GetCustomerRequest read;
  read.set_tenant_id("anju");
  EXPECT_EQ(call(key->key, "GetCustomer", read).first.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  record.set_tenant_id("qiaoxin");  // an event for another tenant
  EXPECT_EQ(call(key->key, "RecordServiceEvent", record).first.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(call(key->key + "x", "RecordServiceEvent", record).first.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // Revoked: the file no longer holds it, and within a second the service knows.
  std::ofstream(file) << "# nothing\n";
  std::filesystem::last_write_time(file, std::filesystem::file_time_type::clock::now() + std::chrono::seconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  record.set_tenant_id("anju");
  EXPECT_EQ(call(key->key, "RecordServiceEvent", record).first.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace huifang::edge
