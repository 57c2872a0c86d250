// The audit trail against a real redis-server: what the edge records for a personal read is what
// the tenant's auditor lists — in order, per tenant, filtered, paged, bounded — and a read that
// cannot be recorded is refused.
#include "huifang/runtime/audit_log.h"

#include <gtest/gtest.h>

#include "huifang/testing/redis_server.h"
#include "huifang/visit/v1/service.pb.h"

namespace huifang::runtime {
namespace {

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::RedisOptions o;
    o.port = server_.port();
    pool_ = std::make_unique<store::RedisPool>(o, 2);
    store_ = std::make_unique<store::EventStore>(*pool_, store::StoreOptions{"visit", 8, 0});
    log_ = std::make_shared<AuditLog>(*store_, "visit");
    auth_ = edge::audited(edge::fixed_caller_authenticator({}), log_, clock_);
  }
  core::Status read(const std::string& tenant, const std::string& reader, const std::string& customer) {
    v1_request_.set_customer_id(customer);
    v1_request_.set_visit_id("v-" + customer);
    return auth_->record_read("StartVisit", {reader, edge::Role::agent, tenant, {}}, "execution", &v1_request_);
  }
  audit::v1::ListAuditRecordsResponse list(const std::string& tenant, audit::v1::ListAuditRecordsRequest r = {},
                                           size_t max_scan = 10'000) {
    auto out = log_->list(tenant, r, max_scan);
    EXPECT_TRUE(out) << out.error().to_string();
    return out ? *out : audit::v1::ListAuditRecordsResponse{};
  }

  testing::RedisServer server_;
  core::ManualClock clock_{core::from_micros(1'796'000'000'000'000)};
  std::unique_ptr<store::RedisPool> pool_;
  std::unique_ptr<store::EventStore> store_;
  std::shared_ptr<AuditLog> log_;
  std::shared_ptr<edge::Authenticator> auth_;
  visit::v1::StartVisitRequest v1_request_;
};

TEST_F(AuditLogTest, AReadIsRecordedWithItsReaderRolePurposeTimeAndRecordsForItsTenantOnly) {
  ASSERT_TRUE(read("h", "nurse-1", "p-1"));
  clock_.advance(std::chrono::seconds(5));
  ASSERT_TRUE(read("h", "nurse-2", "p-2"));
  ASSERT_TRUE(read("other", "spy", "p-1"));
  const auto h = list("h");
  ASSERT_EQ(h.records_size(), 2);
  const auto& first = h.records(0);
  EXPECT_EQ(first.reader(), "nurse-1");
  EXPECT_EQ(first.role(), "agent");
  EXPECT_EQ(first.rpc(), "StartVisit");
  EXPECT_EQ(first.purpose(), "execution");
  EXPECT_EQ(first.customer_id(), "p-1");
  EXPECT_EQ(first.visit_id(), "v-p-1");
  EXPECT_EQ(first.complaint_id(), "");
  EXPECT_EQ(first.service(), "visit");
  EXPECT_EQ(first.at().seconds(), 1'796'000'000);
  EXPECT_EQ(h.records(1).at().seconds(), 1'796'000'005);
  EXPECT_EQ(h.page().next_page_token(), "");
  ASSERT_EQ(list("other").records_size(), 1);
  EXPECT_EQ(list("other").records(0).reader(), "spy");
  EXPECT_EQ(list("nobody").records_size(), 0);
}

TEST_F(AuditLogTest, FiltersAndPagesGoThroughTheWholeTrailOnceAndABadTokenIsRefused) {
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(read("h", i % 2 ? "odd" : "even", "p-" + std::to_string(i)));
  audit::v1::ListAuditRecordsRequest r;
  r.mutable_page()->set_page_size(3);
  std::vector<std::string> seen;
  for (int pages = 0; pages < 10; ++pages) {
    const auto page = list("h", r);
    for (const auto& rec : page.records()) seen.push_back(rec.customer_id());
    if (page.page().next_page_token().empty()) break;
    r.mutable_page()->set_page_token(page.page().next_page_token());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"p-0", "p-1", "p-2", "p-3", "p-4", "p-5", "p-6"}));

  audit::v1::ListAuditRecordsRequest odd;
  odd.set_reader("odd");
  EXPECT_EQ(list("h", odd).records_size(), 3);
  audit::v1::ListAuditRecordsRequest one;
  one.set_customer_id("p-4");
  ASSERT_EQ(list("h", one).records_size(), 1);
  EXPECT_EQ(list("h", one).records(0).reader(), "even");

  audit::v1::ListAuditRecordsRequest forged;
  forged.mutable_page()->set_page_token("../../etc");
  EXPECT_EQ(log_->list("h", forged).error().kind(), core::condition::invalid_argument);
}

// A filter that matches late in a long trail does not scan it all in one call: the page comes
// back short with a token, and following it finds the record.
TEST_F(AuditLogTest, ASelectiveFilterScansABoundedStretchPerPage) {
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(read("h", "r", "p-" + std::to_string(i)));
  audit::v1::ListAuditRecordsRequest r;
  r.set_customer_id("p-5");
  auto page = list("h", r, /*max_scan=*/4);
  EXPECT_EQ(page.records_size(), 0);
  ASSERT_FALSE(page.page().next_page_token().empty());
  r.mutable_page()->set_page_token(page.page().next_page_token());
  page = list("h", r, 4);
  ASSERT_EQ(page.records_size(), 1);
  EXPECT_EQ(page.records(0).customer_id(), "p-5");
  EXPECT_EQ(page.page().next_page_token(), "");
}

TEST_F(AuditLogTest, AReadThatCannotBeRecordedIsNotServed) {
  ASSERT_TRUE(read("h", "r", "p-1"));
  // The trail's key made unwritable (the wrong type): XADD fails.
  server_.cli("DEL '" + store_->key(store_->partition_of("tenant:h"), "audit:h") + "'");
  server_.cli("SET '" + store_->key(store_->partition_of("tenant:h"), "audit:h") + "' x");
  const auto st = read("h", "r", "p-2");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind(), core::condition::unavailable);
}

}  // namespace
}  // namespace huifang::runtime
