// Intake through its public edges against a real redis-server and the embedded broker: gRPC
// calls in, events out on huifang.intake.v1; JSON and protobuf in on huifang.inbound.v1, with
// malformed messages dead-lettered.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "huifang/bus/consumer_loop.h"
#include "huifang/edge/server.h"
#include "huifang/privacy/keyring.h"
#include "huifang/testing/embedded_kafka.h"
#include "huifang/testing/redis_server.h"
#include "huifang/testing/redis_values.h"
#include "huifang/testing/wait.h"
#include "inbound.h"
#include "intake_service.h"

namespace huifang::intake {
namespace {

using namespace std::chrono_literals;

class IntakeEdge : public ::testing::Test {
 protected:
  void SetUp() override {
    store::RedisOptions ro;
    ro.port = redis_.port();
    pool_ = std::make_unique<store::RedisPool>(ro, 4);
    store_ = std::make_unique<store::EventStore>(*pool_, store::StoreOptions{"intake", 16, 50});
    producer_ = std::move(*bus::Producer::create({kafka_.bootstrap(), "test", {}}));
    relay_ = std::make_unique<outbox::Relay>(*store_, *producer_, metrics_, clock_, outbox::RelayOptions{"huifang.intake.v1"});
    keyring_ = std::make_unique<privacy::Keyring>(*pool_, 16, privacy::random_key());
    app_ = std::make_unique<IntakeApp>(*store_, factory_, ids_, *keyring_);
    service_ = std::make_unique<IntakeService>(*app_, *relay_, *auth_);
    server_ = std::move(*edge::EdgeServer::start({}, {service_.get()}));
    stub_ = v1::IntakeService::NewStub(grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }

  grpc::Status define(const std::string& id, const std::string& parent, v1::OrgUnitKind kind) {
    v1::DefineOrgUnitRequest req;
    req.set_tenant_id("hospital-a");
    auto* u = req.mutable_org_unit();
    u->set_id(id);
    u->set_parent_id(parent);
    u->set_kind(kind);
    u->set_name(id);
    u->set_time_zone("Asia/Shanghai");
    v1::DefineOrgUnitResponse resp;
    grpc::ClientContext ctx;
    return stub_->DefineOrgUnit(&ctx, req, &resp);
  }
  v1::Customer patient(const std::string& id) {
    v1::Customer c;
    c.set_id(id);
    c.set_tenant_id("hospital-a");
    c.set_org_unit_id("cardiology");
    c.set_display_name("patient " + id);
    c.set_kind(v1::CUSTOMER_KIND_PERSON);
    return c;
  }
  grpc::Status create(const v1::Customer& c) {
    v1::CreateCustomerRequest req;
    *req.mutable_customer() = c;
    v1::CreateCustomerResponse resp;
    grpc::ClientContext ctx;
    return stub_->CreateCustomer(&ctx, req, &resp);
  }
  v1::RecordServiceEventRequest discharge(const std::string& customer, const std::string& key) {
    v1::RecordServiceEventRequest r;
    r.set_tenant_id("hospital-a");
    r.set_customer_id(customer);
    r.set_idempotency_key(key);
    r.set_category("hospital.inpatient_discharged");
    r.mutable_occurred_at()->set_seconds(1'767'571'200);
    (*r.mutable_attributes())["ward"] = "cardiology";
    return r;
  }
  grpc::Status record(const v1::RecordServiceEventRequest& r, v1::RecordServiceEventResponse* resp) {
    grpc::ClientContext ctx;
    return stub_->RecordServiceEvent(&ctx, r, resp);
  }
  void seed_tree() {
    ASSERT_TRUE(define("hospital-a", "", v1::ORG_UNIT_KIND_ENTERPRISE).ok());
    ASSERT_TRUE(define("inpatient", "hospital-a", v1::ORG_UNIT_KIND_REGION).ok());
    ASSERT_TRUE(define("cardiology", "inpatient", v1::ORG_UNIT_KIND_DEPARTMENT).ok());
  }

  testing::RedisServer redis_;
  testing::EmbeddedKafka kafka_{1, 4};
  core::SystemClock clock_;
  core::IdGenerator ids_{clock_};
  events::EnvelopeFactory factory_{clock_, ids_};
  core::MetricsRegistry metrics_;
  std::shared_ptr<edge::Authenticator> auth_ = edge::fixed_caller_authenticator({"admin-a", edge::Role::admin, "hospital-a", {}});
  std::unique_ptr<store::RedisPool> pool_;
  std::unique_ptr<store::EventStore> store_;
  std::unique_ptr<bus::Producer> producer_;
  std::unique_ptr<outbox::Relay> relay_;
  std::unique_ptr<privacy::Keyring> keyring_;
  std::unique_ptr<IntakeApp> app_;
  std::unique_ptr<IntakeService> service_;
  std::unique_ptr<edge::EdgeServer> server_;
  std::unique_ptr<v1::IntakeService::Stub> stub_;
};

TEST_F(IntakeEdge, ErrorsAreStatusesNamingTheField) {
  seed_tree();
  auto bad = patient("p-1");
  bad.set_org_unit_id("no-such-unit");
  auto st = create(bad);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(st.error_message().find("no-such-unit"), std::string::npos);
  bad = patient("p-1");
  bad.clear_display_name();
  st = create(bad);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message(), "customer.display_name: is required");
  v1::RecordServiceEventResponse resp;
  st = record(discharge("nobody", "k1"), &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(st.error_message().find("customer_id"), std::string::npos);
}

TEST_F(IntakeEdge, IdempotencyKeyReplaysSameContentAndRefusesDifferentContent) {
  seed_tree();
  ASSERT_TRUE(create(patient("p-1")).ok());
  v1::RecordServiceEventResponse first, again, other;
  ASSERT_TRUE(record(discharge("p-1", "HIS-778812"), &first).ok());
  EXPECT_FALSE(first.replayed());
  ASSERT_TRUE(record(discharge("p-1", "HIS-778812"), &again).ok());
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.service_event_id(), first.service_event_id());
  auto changed = discharge("p-1", "HIS-778812");
  changed.set_category("hospital.outpatient_surgery");
  auto st = record(changed, &other);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(IntakeEdge, EventsReachTheIntakeTopicInOrderPerCustomer) {
  seed_tree();
  ASSERT_TRUE(create(patient("p-1")).ok());
  v1::RecordServiceEventResponse resp;
  ASSERT_TRUE(record(discharge("p-1", "k-1"), &resp).ok());
  ASSERT_TRUE(relay_->publish_once());
  auto consumer = std::move(*bus::Consumer::create({{kafka_.bootstrap(), "t", {}}, "reader", {"huifang.intake.v1"}}));
  std::vector<events::Envelope> seen;
  ASSERT_TRUE(testing::wait_until(
      [&] {
        for (const auto& m : consumer->poll_batch(100, 100ms)) {
          events::Envelope e;
          EXPECT_TRUE(e.ParseFromString(m.value));
          if (e.customer_id() == "p-1") {
            EXPECT_EQ(m.key, "p-1");
            seen.push_back(e);
          }
        }
        return seen.size() == 2;
      },
      30s));
  EXPECT_EQ(seen[0].type(), "intake.CustomerRegistered");
  EXPECT_EQ(seen[1].type(), "intake.ServiceEventRecorded");
  EXPECT_EQ(seen[1].org_unit_id(), "cardiology");  // defaulted from the customer
  EXPECT_EQ(seen[1].intake().service_event_recorded().attributes().at("ward"), "cardiology");
}

TEST_F(IntakeEdge, PersonalFieldsAreSealedOnTheTopicAndGoneForGoodOnceErased) {
  seed_tree();
  auto wang = patient("p-1");
  wang.set_display_name("Wang Fang");
  auto* phone = wang.add_contacts();
  phone->set_kind(v1::CONTACT_KIND_PHONE);
  phone->set_value("13800001234");
  wang.set_tier("key_account");
  ASSERT_TRUE(create(wang).ok());
  ASSERT_TRUE(create(wang).ok());  // a retried create still finds the same customer
  ASSERT_TRUE(create(patient("p-2")).ok());
  ASSERT_TRUE(relay_->publish_once());
  // Nowhere in intake's Redis keys (streams, index, outbox) in the clear.
  EXPECT_EQ(testing::keys_holding(*pool_, "intake:*", "13800001234"), std::vector<std::string>{});
  EXPECT_EQ(testing::keys_holding(*pool_, "intake:*", "Wang Fang"), std::vector<std::string>{});
  EXPECT_FALSE(testing::keys_holding(*pool_, "intake:*", "key_account").empty());  // the search does find what is there
  auto consumer = std::move(*bus::Consumer::create({{kafka_.bootstrap(), "t", {}}, "reader", {"huifang.intake.v1"}}));
  std::optional<v1::Customer> published;
  ASSERT_TRUE(testing::wait_until(
      [&] {
        for (const auto& m : consumer->poll_batch(100, 100ms)) {
          EXPECT_EQ(m.value.find("13800001234"), std::string::npos);
          events::Envelope e;
          if (e.ParseFromString(m.value) && e.intake().has_customer_registered() && e.customer_id() == "p-1")
            published = e.intake().customer_registered().customer();
        }
        return published.has_value();
      },
      30s));
  EXPECT_EQ(published->tier(), "key_account");  // what planning needs stays readable
  ASSERT_FALSE(published->sealed_personal().empty());

  v1::GetCustomerRequest get;
  get.set_tenant_id("hospital-a");
  get.set_customer_id("p-1");
  v1::GetCustomerResponse got;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->GetCustomer(&ctx, get, &got).ok());
  }
  EXPECT_EQ(got.customer().display_name(), "Wang Fang");  // opened for the reader
  EXPECT_EQ(got.customer().contacts(0).value(), "13800001234");
  EXPECT_TRUE(got.customer().sealed_personal().empty());

  v1::EraseCustomerRequest erase;
  erase.set_tenant_id("hospital-a");
  erase.set_customer_id("p-1");
  v1::EraseCustomerResponse erased;
  {
    grpc::ClientContext ctx;
    auto st = stub_->EraseCustomer(&ctx, erase, &erased);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);  // no reason given
    EXPECT_NE(st.error_message().find("reason"), std::string::npos);
  }
  erase.set_reason("data subject request DSR-7");
  for (int i = 0; i < 2; ++i) {  // the second erasure changes nothing and succeeds
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->EraseCustomer(&ctx, erase, &erased).ok());
    EXPECT_TRUE(erased.customer().erased());
    EXPECT_TRUE(erased.customer().display_name().empty());
    EXPECT_EQ(erased.customer().tier(), "key_account");
  }
  // The copy already on the topic no longer opens: its key is gone.
  auto keys = keyring_->find(std::vector<privacy::Owner>{{"hospital-a", "p-1"}, {"hospital-a", "p-2"}});
  ASSERT_TRUE(keys);
  EXPECT_EQ((*keys)[0].state, privacy::FoundKey::State::destroyed);
  EXPECT_EQ((*keys)[1].state, privacy::FoundKey::State::live);  // the neighbour keeps theirs
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->GetCustomer(&ctx, get, &got).ok());
    EXPECT_TRUE(got.customer().erased());
    EXPECT_TRUE(got.customer().contacts().empty());
  }
  {
    grpc::ClientContext ctx;
    v1::UpdateCustomerRequest update;
    *update.mutable_customer() = wang;
    v1::UpdateCustomerResponse resp;
    auto st = stub_->UpdateCustomer(&ctx, update, &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_NE(st.error_message().find("erased"), std::string::npos);
  }
  v1::RecordServiceEventResponse recorded;
  EXPECT_EQ(record(discharge("p-1", "after-erasure"), &recorded).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  {
    grpc::ClientContext ctx;
    erase.set_customer_id("nobody");
    EXPECT_EQ(stub_->EraseCustomer(&ctx, erase, &erased).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  ASSERT_TRUE(relay_->publish_once());
  bool announced = false;
  ASSERT_TRUE(testing::wait_until(
      [&] {
        for (const auto& m : consumer->poll_batch(100, 100ms)) {
          events::Envelope e;
          if (e.ParseFromString(m.value) && e.intake().has_customer_erased()) {
            EXPECT_EQ(e.intake().customer_erased().erased_by(), "admin-a");
            announced = true;
          }
        }
        return announced;
      },
      30s));
}

TEST_F(IntakeEdge, ListsPageThroughCustomersAndTheOrgTree) {
  seed_tree();
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(create(patient("p-" + std::to_string(i))).ok());
  v1::ListCustomersRequest req;
  req.set_tenant_id("hospital-a");
  req.mutable_page()->set_page_size(3);
  std::vector<std::string> ids;
  for (;;) {
    v1::ListCustomersResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->ListCustomers(&ctx, req, &resp).ok());
    for (const auto& c : resp.customers()) ids.push_back(c.id());
    if (resp.page().next_page_token().empty()) break;
    req.mutable_page()->set_page_token(resp.page().next_page_token());
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"p-0", "p-1", "p-2", "p-3", "p-4", "p-5", "p-6"}));

  v1::ListOrgUnitsRequest ou;
  ou.set_tenant_id("hospital-a");
  ou.set_under_org_unit_id("inpatient");
  v1::ListOrgUnitsResponse units;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ListOrgUnits(&ctx, ou, &units).ok());
  ASSERT_EQ(units.org_units_size(), 2);  // inpatient and cardiology, not the enterprise
}

TEST_F(IntakeEdge, BulkImportReportsEveryRowAndKeepsTheGoodOnes) {
  seed_tree();
  grpc::ClientContext ctx;
  auto stream = stub_->ImportCustomers(&ctx);
  for (uint32_t row = 1; row <= 4; ++row) {
    v1::ImportCustomerRow r;
    r.set_row(row);
    *r.mutable_customer() = patient("imp-" + std::to_string(row));
    if (row == 2) r.mutable_customer()->add_contacts()->set_kind(v1::CONTACT_KIND_PHONE);  // no value
    ASSERT_TRUE(stream->Write(r));
  }
  stream->WritesDone();
  std::vector<v1::ImportRowResult> results;
  v1::ImportRowResult res;
  while (stream->Read(&res)) results.push_back(res);
  ASSERT_TRUE(stream->Finish().ok());
  ASSERT_EQ(results.size(), 4u);
  EXPECT_TRUE(results[0].accepted());
  EXPECT_FALSE(results[1].accepted());
  EXPECT_EQ(results[1].field(), "customer.contacts[0].value");
  EXPECT_TRUE(results[2].accepted());
  EXPECT_TRUE(results[3].accepted());
}

// A consumed batch is recorded together up to the first request that can never be recorded; a
// redelivered batch replays what was recorded, and a key reused for other content is refused.
TEST_F(IntakeEdge, ABatchIsRecordedUpToItsFirstBadRequestAndReplaysOnRedelivery) {
  seed_tree();
  ASSERT_TRUE(create(patient("p-7")).ok());
  ASSERT_TRUE(create(patient("p-8")).ok());
  auto req = [](const std::string& key, const std::string& customer) {
    v1::RecordServiceEventRequest r;
    r.set_tenant_id("hospital-a");
    r.set_idempotency_key(key);
    r.set_customer_id(customer);
    r.set_category("hospital.inpatient_discharged");
    r.mutable_occurred_at()->set_seconds(1'767'580'200);
    return r;
  };
  const std::vector<v1::RecordServiceEventRequest> first = {req("B-1", "p-7"), req("B-2", "nobody"), req("B-3", "p-8")};
  auto out = app_->record_service_events(first);
  EXPECT_EQ(out.done, 1u);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->kind(), core::condition::not_found);
  EXPECT_EQ(out.error->field, "customer_id");

  const std::vector<v1::RecordServiceEventRequest> again = {req("B-1", "p-7"), req("B-3", "p-8"), req("B-3", "p-8")};
  out = app_->record_service_events(again);
  EXPECT_EQ(out.done, 3u);
  EXPECT_FALSE(out.error);
  for (const char* key : {"B-1", "B-3"}) {
    v1::RecordServiceEventResponse resp;
    ASSERT_TRUE(record(req(key, key == std::string("B-1") ? "p-7" : "p-8"), &resp).ok());
    EXPECT_TRUE(resp.replayed()) << key;
  }

  auto changed = req("B-1", "p-7");
  changed.set_category("hospital.specialist_first_visit");
  out = app_->record_service_events(std::vector{changed});
  EXPECT_EQ(out.done, 0u);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->kind(), core::condition::already_exists);
}

TEST_F(IntakeEdge, InboundTopicAcceptsJsonAndProtobufAndDeadLettersMalformed) {
  seed_tree();
  ASSERT_TRUE(create(patient("p-9")).ok());
  const std::string json =
      R"({"tenantId":"hospital-a","idempotencyKey":"HIS-1","customerId":"p-9",)"
      R"("category":"hospital.inpatient_discharged","occurredAt":"2026-01-05T10:30:00+08:00",)"
      R"("attributes":{"ward":"cardiology"},"sourceSystem":"HIS"})";
  inbound::v1::InboundServiceEvent proto;
  proto.set_tenant_id("hospital-a");
  proto.set_customer_id("p-9");
  proto.set_category("hospital.specialist_first_visit");
  proto.mutable_occurred_at()->set_seconds(1'767'600'000);
  std::atomic<int> delivered{0};
  for (const std::string& payload : {json, std::string("{not json"), proto.SerializeAsString()})
    ASSERT_TRUE(producer_->produce("huifang.inbound.v1", "p-9", payload, [&](const core::Status& s) { delivered += s.ok(); }));
  ASSERT_TRUE(producer_->flush(10s));
  ASSERT_EQ(delivered.load(), 3);

  auto consumer = std::move(*bus::Consumer::create({{kafka_.bootstrap(), "t", {}}, "intake-inbound", {"huifang.inbound.v1"}}));
  bus::ConsumerLoopOptions opts{"intake-inbound"};
  opts.max_attempts = 2;
  opts.initial_backoff = 1ms;
  bus::ConsumerLoop loop(*consumer, *producer_, metrics_, opts, inbound_handler(*app_, nullptr));
  ASSERT_TRUE(testing::wait_until(
      [&] {
        loop.run_once(100ms);
        const std::string m = metrics_.expose();
        return m.find("huifang_consumer_messages_total{group=\"intake-inbound\"} 2") != std::string::npos &&
               m.find("huifang_consumer_deadletters_total{group=\"intake-inbound\"} 1") != std::string::npos;
      },
      30s));
  // The JSON event was recorded under its key: the same event over gRPC is a replay.
  v1::RecordServiceEventRequest same;
  same.set_tenant_id("hospital-a");
  same.set_idempotency_key("HIS-1");
  same.set_customer_id("p-9");
  same.set_category("hospital.inpatient_discharged");
  same.mutable_occurred_at()->set_seconds(1'767'580'200);  // 10:30 +08:00
  (*same.mutable_attributes())["ward"] = "cardiology";
  v1::RecordServiceEventResponse resp;
  ASSERT_TRUE(record(same, &resp).ok());
  EXPECT_TRUE(resp.replayed());
}

// The inbound topic is bounded like the gRPC edge: an oversized field is refused by name, so the
// consumer loop dead-letters the message with that reason.
TEST(InboundParse, AnOversizedFieldIsRefusedByItsName) {
  const std::string ok = R"({"tenantId":"t","customerId":"p-1","category":"hospital.x","source_system":"HIS"})";
  EXPECT_TRUE(parse_inbound(ok));
  const std::string huge = R"({"tenantId":"t","customerId":"p-1","category":"hospital.x","sourceSystem":")" +
                           std::string(5'000, 'x') + R"("})";
  auto parsed = parse_inbound(huge);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().field, "source_system");
}

// With integrations' keys, an inbound event speaks only for the tenant whose key it carries.
TEST(InboundBinding, AnEventMustCarryAKeyOfTheTenantItClaims) {
  const auto dir = std::filesystem::temp_directory_path() / ("huifang-inbound-keys-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto alpha = auth::make_api_key("alpha", "crm");
  ASSERT_TRUE(alpha);
  std::ofstream(dir / "api-keys") << alpha->line << "\n";
  auto keys = auth::ApiKeyFile::open((dir / "api-keys").string());
  ASSERT_TRUE(keys);
  inbound::v1::InboundServiceEvent e;
  e.set_tenant_id("alpha");
  bus::Message m;
  EXPECT_EQ(check_bound(m, e, nullptr).ok(), true);  // no keys configured: not checked
  auto refused = check_bound(m, e, keys->get());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind(), core::condition::permission_denied);
  m.headers.push_back({"x-api-key", "hfk_forged"});
  EXPECT_FALSE(check_bound(m, e, keys->get()));
  m.headers.back().value = alpha->key;
  EXPECT_TRUE(check_bound(m, e, keys->get()));
  e.set_tenant_id("beta");  // alpha's key, beta's event
  refused = check_bound(m, e, keys->get());
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("claims tenant 'beta'"), std::string::npos) << refused.error().message;
  EXPECT_EQ(refused.error().message.find(alpha->key), std::string::npos);  // the key is never repeated
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace huifang::intake
