// Scheduling's reactions against a real redis-server, with a fake clock: a discharge becomes a
// visit planned for the right agent inside the calling window and not on a holiday, carrying the
// policy's retry rules to the visit service; the policy's sampling, merging, periodic series,
// late assignment and explanations. (The visit's life after planning is the visit service's and
// is tested there.)
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "huifang/edge/server.h"
#include "huifang/testing/redis_server.h"
#include "planning.h"
#include "scheduling_service.h"

namespace huifang::scheduling {
namespace {

using namespace std::chrono_literals;
const absl::TimeZone kShanghai = zone_or_default("Asia/Shanghai");

core::Timestamp local(int y, int mo, int d, int h, int mi) {
  return from_absl(absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), kShanghai));
}
std::string text(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%d %H:%M %a", to_absl(events::from_proto(t)), kShanghai);
}

constexpr const char* kPolicy = R"(
policy: hospital
calling_windows: ["08:00-12:00", "13:30-17:30"]
contact_limits: {merge_within_days: 3}
retries: {max_attempts: 3, retry_after_hours: 4, fallback: [on_site]}
rules:
  - id: discharge
    trigger: hospital.inpatient_discharged
    visits: [{sequence: 7_days, delay_days: 7, window_days: 7}]
  - id: repair
    trigger: property.repair_completed
    sample_rate: 0.3
    visits: [{delay_days: 30, window_days: 30}]
)";

class PlanningTest : public ::testing::Test {
 protected:
  PlanningTest() {
    store::RedisOptions o;
    o.port = redis_.port();
    pool_ = std::make_unique<store::RedisPool>(o, 4);
    store_ = std::make_unique<store::EventStore>(*pool_, store::StoreOptions{"scheduling", 16, 50});
    models_ = std::make_unique<ReadModels>(*store_);
    planning_ = std::make_unique<Planning>(*store_, factory_, *models_, clock_);
    // RepublishEvents is not exercised here: the producer never connects.
    producer_ = std::move(*bus::Producer::create({"127.0.0.1:1", "unused", {}}));
    relay_ = std::make_unique<outbox::Relay>(*store_, *producer_, metrics_, clock_, outbox::RelayOptions{"huifang.scheduling.v1"});
    service_ = std::make_unique<SchedulingService>(*store_, factory_, *planning_, *relay_, *auth_);
    server_ = std::move(*edge::EdgeServer::start({}, {service_.get()}));
    stub_ = v1::SchedulingService::NewStub(grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
    put_policy(kPolicy);
    v1::PutHolidayCalendarRequest cal;
    cal.mutable_calendar()->set_tenant_id("h");
    cal.mutable_calendar()->set_year(2026);
    for (int d = 1; d <= 7; ++d) cal.mutable_calendar()->add_holidays("2026-10-0" + std::to_string(d));
    cal.mutable_calendar()->add_working_days("2026-10-10");
    v1::PutHolidayCalendarResponse r;
    grpc::ClientContext ctx;
    EXPECT_TRUE(stub_->PutHolidayCalendar(&ctx, cal, &r).ok());
    agent("a-cardio", "cardiology", common::v1::ROLE_AGENT);
    agent("a-ortho", "orthopedics", common::v1::ROLE_AGENT);
    customer("p-1", "cardiology");
  }
  v1::PutPolicyResponse put_policy(const std::string& yaml, grpc::Status* status = nullptr) {
    v1::PutPolicyRequest req;
    req.set_tenant_id("h");
    req.set_yaml(yaml);
    v1::PutPolicyResponse resp;
    grpc::ClientContext ctx;
    auto st = stub_->PutPolicy(&ctx, req, &resp);
    if (status) *status = st;
    else EXPECT_TRUE(st.ok()) << st.error_message();
    return resp;
  }
  uint64_t version_ = 0;
  events::Envelope intake_event(intake::v1::IntakeEvent body, const std::string& customer, const std::string& stream) {
    events::Envelope e;
    *e.mutable_intake() = std::move(body);
    factory_.stamp(e, {"h", "cardiology", customer, "", "", {}}, {"test", stream}, ++version_);
    return e;
  }
  void agent(const std::string& id, const std::string& org, common::v1::Role role) {
    intake::v1::IntakeEvent b;
    auto* a = b.mutable_agent_registered()->mutable_agent();
    a->set_id(id);
    a->set_org_unit_id(org);
    a->set_role(role);
    a->set_active(true);
    a->set_daily_capacity(20);
    ASSERT_TRUE(planning_->apply(intake_event(b, "tenant:h", "agents")));
  }
  void customer(const std::string& id, const std::string& org) {
    intake::v1::IntakeEvent b;
    auto* c = b.mutable_customer_registered()->mutable_customer();
    c->set_id(id);
    c->set_tenant_id("h");
    c->set_org_unit_id(org);
    c->set_time_zone("Asia/Shanghai");
    ASSERT_TRUE(planning_->apply(intake_event(b, id, "c-" + id)));
  }
  void service_event(const std::string& id, const std::string& category, core::Timestamp at,
                     const std::string& customer_id = "p-1") {
    intake::v1::IntakeEvent b;
    auto* s = b.mutable_service_event_recorded();
    s->set_service_event_id(id);
    s->set_customer_id(customer_id);
    s->set_org_unit_id("cardiology");
    s->set_category(category);
    *s->mutable_occurred_at() = events::to_proto(at);
    auto st = planning_->apply(intake_event(b, customer_id, id));
    ASSERT_TRUE(st) << st.error().to_string();
  }
  void visit_event(visit::v1::VisitEvent body, const std::string& visit_id) {
    events::Envelope e;
    *e.mutable_visit() = std::move(body);
    factory_.stamp(e, {"h", "cardiology", "p-1", "", "", {}}, {"visit", visit_id}, ++version_);
    auto st = planning_->apply(e);
    ASSERT_TRUE(st) << st.error().to_string();
  }
  // The visits a service event planned, as published for the visit service.
  std::vector<v1::VisitPlanned> plans(const std::string& service_event_id, const std::string& customer_id = "p-1") {
    std::vector<v1::VisitPlanned> out;
    auto loaded = store_->load(customer_id, {"plan", service_event_id}, false);
    EXPECT_TRUE(loaded);
    if (!loaded) return out;
    for (const auto& bytes : loaded->events) {
      events::Envelope e;
      EXPECT_TRUE(e.ParseFromString(bytes));
      if (e.scheduling().has_visit_planned()) out.push_back(e.scheduling().visit_planned());
    }
    return out;
  }
  // How many visits the customer's contact ledger holds.
  size_t ledger_size(const std::string& customer_id) {
    auto r = pool_->lease()->command({"ZCARD", store_->key(store_->partition_of(customer_id), keys::ledger("h", customer_id))});
    EXPECT_TRUE(r);
    return r ? static_cast<size_t>(r->integer) : 0;
  }
  v1::ExplainResponse explain(const std::string& service_event_id, const std::string& customer_id = "p-1") {
    v1::ExplainServiceEventRequest req;
    req.set_tenant_id("h");
    req.set_customer_id(customer_id);
    req.set_service_event_id(service_event_id);
    v1::ExplainResponse resp;
    grpc::ClientContext ctx;
    EXPECT_TRUE(stub_->ExplainServiceEvent(&ctx, req, &resp).ok());
    return resp;
  }

  testing::RedisServer redis_;
  core::ManualClock clock_{local(2026, 9, 25, 10, 0)};
  core::IdGenerator ids_{clock_, 9};
  events::EnvelopeFactory factory_{clock_, ids_};
  std::shared_ptr<edge::Authenticator> auth_ = edge::fixed_caller_authenticator({"admin-h", edge::Role::admin, "h", {}});
  std::unique_ptr<store::RedisPool> pool_;
  std::unique_ptr<store::EventStore> store_;
  std::unique_ptr<ReadModels> models_;
  std::unique_ptr<Planning> planning_;
  core::MetricsRegistry metrics_;
  std::unique_ptr<bus::Producer> producer_;
  std::unique_ptr<outbox::Relay> relay_;
  std::unique_ptr<SchedulingService> service_;
  std::unique_ptr<edge::EdgeServer> server_;
  std::unique_ptr<v1::SchedulingService::Stub> stub_;
};

TEST_F(PlanningTest, DischargeBeforeTheHolidayIsPlannedForTheDepartmentsAgentAfterIt) {
  service_event("se-1", "hospital.inpatient_discharged", local(2026, 9, 25, 10, 0));  // a Friday
  const auto planned = plans("se-1");
  ASSERT_EQ(planned.size(), 1u);
  EXPECT_EQ(text(planned[0].due_from()), "2026-10-08 08:00 Thu");  // not in the Oct 1-7 holiday
  EXPECT_EQ(planned[0].decision().category(), "hospital.inpatient_discharged");
  EXPECT_EQ(planned[0].agent_id(), "a-cardio");  // not the orthopedics agent
  const auto x = explain("se-1");
  ASSERT_EQ(x.decisions_size(), 2);
  EXPECT_EQ(x.decisions(0).outcome(), "planned");
  EXPECT_EQ(x.decisions(0).policy_version(), 1u);
  EXPECT_EQ(x.decisions(1).outcome(), "assigned");
  EXPECT_NE(x.decisions(1).text().find("a-cardio"), std::string::npos);
}

// Visit ids are derived from the service event, and the visit service names that event: scheduling
// keeps no visit → service event index, yet explains a visit given both.
TEST_F(PlanningTest, AVisitIsExplainedFromItsServiceEventWithoutAnIndex) {
  service_event("se-x", "hospital.inpatient_discharged", local(2026, 9, 25, 10, 0));
  const auto planned = plans("se-x");
  ASSERT_EQ(planned.size(), 1u);
  v1::ExplainVisitRequest req;
  req.set_tenant_id("h");
  req.set_customer_id("p-1");
  req.set_visit_id(planned[0].decision().visit_id());
  req.set_service_event_id("se-x");
  v1::ExplainResponse resp;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->ExplainVisit(&ctx, req, &resp).ok());
  }
  ASSERT_EQ(resp.decisions_size(), 2);
  EXPECT_EQ(resp.decisions(0).outcome(), "planned");
  EXPECT_EQ(resp.decisions(1).outcome(), "assigned");
  auto index = pool_->lease()->command({"EXISTS", store_->key(store_->partition_of("p-1"), "visit-trigger")});
  ASSERT_TRUE(index);
  EXPECT_EQ(index->integer, 0);
  // Without the service event there is nothing to look it up by; another service event's visit
  // is not this one.
  req.clear_service_event_id();
  grpc::ClientContext without;
  const auto st = stub_->ExplainVisit(&without, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(st.error_message().find("service_event_id"), std::string::npos) << st.error_message();
  service_event("se-y", "hospital.inpatient_discharged", local(2026, 9, 26, 10, 0));
  req.set_service_event_id("se-y");
  grpc::ClientContext other;
  EXPECT_EQ(stub_->ExplainVisit(&other, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
}

// The one message the visit service gets must carry what it needs to run the visit's life.
TEST_F(PlanningTest, APlannedVisitCarriesThePolicysCallingAndRetryRules) {
  service_event("se-rules", "hospital.inpatient_discharged", local(2026, 1, 5, 10, 0));
  const auto planned = plans("se-rules");
  ASSERT_EQ(planned.size(), 1u);
  const auto& p = planned[0];
  EXPECT_EQ(p.max_attempts(), 3u);
  EXPECT_EQ(p.retry_after_hours(), 4u);
  ASSERT_EQ(p.fallback_channels_size(), 1);
  EXPECT_EQ(p.fallback_channels(0), common::v1::CHANNEL_ON_SITE);
  ASSERT_EQ(p.calling_windows_size(), 2);
  EXPECT_EQ(p.calling_windows(1).start_minute(), 13u * 60 + 30);
  EXPECT_EQ(p.calling_windows(1).end_minute(), 17u * 60 + 30);
  EXPECT_EQ(p.time_zone(), "Asia/Shanghai");
  EXPECT_TRUE(p.skip_weekends());
  EXPECT_TRUE(p.skip_holidays());
  EXPECT_EQ(p.assignment_reason(), v1::ASSIGNMENT_REASON_WORKLOAD);
}

// The contract: a customer without a time zone of their own lives in their org unit's (or the
// nearest ancestor's). A discharge at 07:30 in a Bangkok ward is called from 08:00 Bangkok time,
// not at 07:30 because Shanghai's window had already opened.
TEST_F(PlanningTest, ACustomerWithoutAZoneIsPlannedOnTheirOrgUnitsClock) {
  auto unit = [&](const std::string& id, const std::string& parent, const std::string& zone) {
    intake::v1::IntakeEvent b;
    auto* u = b.mutable_org_unit_defined()->mutable_org_unit();
    u->set_id(id);
    u->set_parent_id(parent);
    u->set_time_zone(zone);
    ASSERT_TRUE(planning_->apply(intake_event(b, "tenant:h", "org-" + id)));
  };
  unit("h-root", "", "Asia/Shanghai");
  unit("bangkok", "h-root", "Asia/Bangkok");
  unit("cardiology", "bangkok", "");  // the ward names no zone: its branch's applies
  intake::v1::IntakeEvent b;
  auto* c = b.mutable_customer_registered()->mutable_customer();
  c->set_id("p-bkk");
  c->set_tenant_id("h");
  c->set_org_unit_id("cardiology");
  ASSERT_TRUE(planning_->apply(intake_event(b, "p-bkk", "c-p-bkk")));
  const absl::TimeZone bangkok = zone_or_default("Asia/Bangkok");
  service_event("se-bkk", "hospital.inpatient_discharged",
                from_absl(absl::FromCivil(absl::CivilSecond(2026, 1, 5, 7, 30, 0), bangkok)), "p-bkk");
  const auto planned = plans("se-bkk", "p-bkk");
  ASSERT_EQ(planned.size(), 1u);
  EXPECT_EQ(planned[0].time_zone(), "Asia/Bangkok");
  const auto due = absl::ToCivilMinute(to_absl(events::from_proto(planned[0].due_from())), bangkok);
  EXPECT_GE(due.hour() * 60 + due.minute(), 8 * 60) << absl::FormatCivilTime(due) << " Bangkok";
  EXPECT_TRUE(due.hour() < 12 || due.hour() * 60 + due.minute() >= 13 * 60 + 30) << absl::FormatCivilTime(due);

  customer("p-1", "cardiology");  // a customer's own zone still wins
  service_event("se-sha", "hospital.inpatient_discharged", local(2026, 1, 5, 10, 0));
  EXPECT_EQ(plans("se-sha").at(0).time_zone(), "Asia/Shanghai");
}

TEST_F(PlanningTest, AVisitPlannedBeforeItsUnitHadAnAgentGoesToTheFirstOneToRegister) {
  intake::v1::IntakeEvent b;
  auto* s = b.mutable_service_event_recorded();
  s->set_service_event_id("se-neuro");
  s->set_customer_id("p-1");
  s->set_org_unit_id("neurology");
  s->set_category("hospital.inpatient_discharged");
  *s->mutable_occurred_at() = events::to_proto(local(2026, 1, 5, 10, 0));
  ASSERT_TRUE(planning_->apply(intake_event(b, "p-1", "se-neuro")));
  ASSERT_EQ(plans("se-neuro").size(), 1u);
  EXPECT_TRUE(plans("se-neuro")[0].agent_id().empty());
  agent("a-neuro", "neurology", common::v1::ROLE_AGENT);
  const auto x = explain("se-neuro");
  ASSERT_EQ(x.decisions_size(), 2);
  EXPECT_EQ(x.decisions(1).outcome(), "assigned");
  EXPECT_NE(x.decisions(1).text().find("a-neuro"), std::string::npos);
  EXPECT_EQ((*models_->load("h"))["a-neuro"], 1);
  agent("a-neuro-2", "neurology", common::v1::ROLE_AGENT);  // nothing waits any more
  EXPECT_EQ(explain("se-neuro").decisions_size(), 2);
}

TEST_F(PlanningTest, RedeliveredServiceEventPlansNothingTwice) {
  intake::v1::IntakeEvent b;
  auto* s = b.mutable_service_event_recorded();
  s->set_service_event_id("se-dup");
  s->set_customer_id("p-1");
  s->set_org_unit_id("cardiology");
  s->set_category("hospital.inpatient_discharged");
  *s->mutable_occurred_at() = events::to_proto(local(2026, 1, 5, 10, 0));
  const auto e = intake_event(b, "p-1", "se-dup");
  ASSERT_TRUE(planning_->apply(e));
  ASSERT_TRUE(planning_->apply(e));
  EXPECT_EQ(plans("se-dup").size(), 1u);
  EXPECT_EQ(ledger_size("p-1"), 1u);
}

TEST_F(PlanningTest, TwoTriggersADayApartAreMergedAndExplained) {
  service_event("se-a", "hospital.inpatient_discharged", local(2026, 1, 5, 10, 0));
  service_event("se-b", "hospital.inpatient_discharged", local(2026, 1, 6, 10, 0));
  const auto x = explain("se-b");
  ASSERT_EQ(x.decisions_size(), 1);
  EXPECT_EQ(x.decisions(0).outcome(), "merged");
  EXPECT_NE(x.decisions(0).text().find("merged into"), std::string::npos);
}

// A consumed batch is planned per round of distinct customers: a customer's registration before
// its first service event, and its second trigger merged into the first (which it must see).
TEST_F(PlanningTest, ABatchPlansEachCustomersEventsInOrderAndNothingTwiceOnRedelivery) {
  auto recorded = [&](const std::string& id, const std::string& customer_id, core::Timestamp at) {
    intake::v1::IntakeEvent b;
    auto* s = b.mutable_service_event_recorded();
    s->set_service_event_id(id);
    s->set_customer_id(customer_id);
    s->set_org_unit_id("cardiology");
    s->set_category("hospital.inpatient_discharged");
    *s->mutable_occurred_at() = events::to_proto(at);
    return intake_event(b, customer_id, id);
  };
  intake::v1::IntakeEvent reg;
  auto* c = reg.mutable_customer_registered()->mutable_customer();
  c->set_id("p-2");
  c->set_tenant_id("h");
  c->set_org_unit_id("cardiology");
  c->set_time_zone("Asia/Shanghai");
  std::vector<runtime::Incoming> batch;
  batch.push_back({nullptr, intake_event(reg, "p-2", "c-p-2")});
  batch.push_back({nullptr, recorded("se-b1", "p-1", local(2026, 1, 5, 10, 0))});
  batch.push_back({nullptr, recorded("se-b2", "p-2", local(2026, 1, 5, 10, 0))});
  batch.push_back({nullptr, recorded("se-b3", "p-1", local(2026, 1, 6, 10, 0))});
  for (int delivery = 0; delivery < 2; ++delivery) {
    const auto out = planning_->apply_batch(batch, 4);
    EXPECT_EQ(out.done, batch.size());
    EXPECT_FALSE(out.error) << out.error->to_string();
  }
  ASSERT_EQ(explain("se-b1").decisions_size(), 2);  // planned and assigned, once each
  EXPECT_EQ(explain("se-b1").decisions(0).outcome(), "planned");
  ASSERT_EQ(explain("se-b3").decisions_size(), 1);
  EXPECT_EQ(explain("se-b3").decisions(0).outcome(), "merged");
  EXPECT_EQ(explain("se-b2", "p-2").decisions(0).outcome(), "planned");
  EXPECT_EQ((*models_->load("h"))["a-cardio"], 2);  // two visits, counted once each
}

// Ids are unique within a tenant only. A second tenant whose tenant-wide data lands in the same
// logical partition as "h", with the same org unit, agent and customer ids and its own policy for
// the same category, plans by its own policy, profile and agents, and "h" is untouched.
TEST_F(PlanningTest, TwoTenantsWithTheSameIdsInOnePartitionNeverMeet) {
  std::string other;
  for (int i = 0; other.empty(); ++i)
    if (const std::string t = "t" + std::to_string(i);
        store_->partition_of(keys::tenant_partition(t)) == store_->partition_of(keys::tenant_partition("h")))
      other = t;
  auto auth = edge::fixed_caller_authenticator({"admin", edge::Role::admin, other, {}});
  SchedulingService service(*store_, factory_, *planning_, *relay_, *auth);
  auto server = std::move(*edge::EdgeServer::start({}, {&service}));
  auto stub = v1::SchedulingService::NewStub(grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials()));
  v1::PutPolicyRequest put;
  put.set_tenant_id(other);
  put.set_yaml(R"(
policy: hospital
calling_windows: ["09:00-11:00"]
rules:
  - id: discharge
    trigger: hospital.inpatient_discharged
    visits: [{sequence: 2_days, delay_days: 2, window_days: 2}]
)");
  v1::PutPolicyResponse put_resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub->PutPolicy(&ctx, put, &put_resp).ok());

  auto stamped = [&](intake::v1::IntakeEvent b, const std::string& customer) {
    events::Envelope e;
    *e.mutable_intake() = std::move(b);
    factory_.stamp(e, {other, "cardiology", customer, "", "", {}}, {"test", other + customer}, ++version_);
    return e;
  };
  intake::v1::IntakeEvent a;
  a.mutable_agent_registered()->mutable_agent()->set_id("a-cardio");
  a.mutable_agent_registered()->mutable_agent()->set_org_unit_id("cardiology");
  a.mutable_agent_registered()->mutable_agent()->set_role(common::v1::ROLE_AGENT);
  a.mutable_agent_registered()->mutable_agent()->set_active(true);
  a.mutable_agent_registered()->mutable_agent()->set_daily_capacity(20);
  ASSERT_TRUE(planning_->apply(stamped(a, keys::tenant_partition(other))));
  intake::v1::IntakeEvent c;
  c.mutable_customer_registered()->mutable_customer()->set_id("p-1");
  c.mutable_customer_registered()->mutable_customer()->set_tenant_id(other);
  c.mutable_customer_registered()->mutable_customer()->set_org_unit_id("cardiology");
  c.mutable_customer_registered()->mutable_customer()->set_time_zone("Asia/Bangkok");
  ASSERT_TRUE(planning_->apply(stamped(c, "p-1")));
  intake::v1::IntakeEvent s;
  auto* rec = s.mutable_service_event_recorded();
  rec->set_service_event_id("se-other");
  rec->set_customer_id("p-1");
  rec->set_org_unit_id("cardiology");
  rec->set_category("hospital.inpatient_discharged");
  *rec->mutable_occurred_at() = events::to_proto(local(2026, 1, 5, 10, 0));
  ASSERT_TRUE(planning_->apply(stamped(s, "p-1")));
  service_event("se-h", "hospital.inpatient_discharged", local(2026, 1, 5, 10, 0));

  const auto theirs = plans("se-other");
  ASSERT_EQ(theirs.size(), 1u);
  EXPECT_EQ(theirs[0].decision().rule_id(), "discharge");
  EXPECT_EQ(theirs[0].time_zone(), "Asia/Bangkok");  // their customer's profile
  ASSERT_EQ(theirs[0].calling_windows_size(), 1);    // their policy
  EXPECT_EQ(theirs[0].calling_windows(0).start_minute(), 9u * 60);
  const auto ours = plans("se-h");
  ASSERT_EQ(ours.size(), 1u);
  EXPECT_EQ(ours[0].time_zone(), "Asia/Shanghai");
  EXPECT_EQ(ours[0].calling_windows_size(), 2);
  EXPECT_EQ(text(ours[0].due_from()), "2026-01-12 10:00 Mon");  // 7 days later by its own rule, not merged with theirs
  EXPECT_EQ((*models_->load("h"))["a-cardio"], 1);
  EXPECT_EQ((*models_->load(other))["a-cardio"], 1);
  EXPECT_EQ(ledger_size("p-1"), 1u);
}

TEST_F(PlanningTest, RepairStreamIsSampledAtItsRate) {
  int planned = 0;
  for (int i = 0; i < 300; ++i) {
    const std::string c = "owner-" + std::to_string(i);
    customer(c, "cardiology");
    service_event("rep-" + std::to_string(i), "property.repair_completed", local(2026, 1, 5, 10, 0), c);
    v1::ExplainServiceEventRequest req;
    req.set_tenant_id("h");
    req.set_customer_id(c);
    req.set_service_event_id("rep-" + std::to_string(i));
    v1::ExplainResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->ExplainServiceEvent(&ctx, req, &resp).ok());
    planned += resp.decisions(0).outcome() == "planned";
  }
  EXPECT_NEAR(planned / 300.0, 0.3, 0.08);
}

TEST_F(PlanningTest, ACompletedVisitLowersItsAgentsWorkload) {
  service_event("se-5", "hospital.inpatient_discharged", local(2026, 1, 5, 10, 0));
  EXPECT_EQ((*models_->load("h"))["a-cardio"], 1);
  const std::string vid = plans("se-5").at(0).decision().visit_id();
  visit::v1::VisitEvent b;
  b.mutable_visit_completed()->set_visit_id(vid);
  b.mutable_visit_completed()->set_agent_id("a-cardio");
  visit_event(b, vid);
  EXPECT_EQ((*models_->load("h"))["a-cardio"], 0);
}

TEST_F(PlanningTest, PoliciesAreVersionedAndBadOnesRefusedNamingTheField) {
  auto same = put_policy(kPolicy);
  EXPECT_FALSE(same.changed());
  EXPECT_EQ(same.version(), 1u);
  std::string changed = kPolicy;
  changed.replace(changed.find("sample_rate: 0.3"), 16, "sample_rate: 0.5");
  auto v2 = put_policy(changed);
  EXPECT_TRUE(v2.changed());
  EXPECT_EQ(v2.version(), 2u);
  v1::DiffPolicyVersionsRequest d;
  d.set_tenant_id("h");
  d.set_policy_id("hospital");
  d.set_from_version(1);
  d.set_to_version(2);
  v1::DiffPolicyVersionsResponse diff;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->DiffPolicyVersions(&ctx, d, &diff).ok());
  EXPECT_EQ(diff.unified_diff(), "-    sample_rate: 0.3\n+    sample_rate: 0.5\n");
  grpc::Status st;
  put_policy("policy: hospital\nrules: [{id: a, trigger: x.y, visits: [{window_days: 0}]}]", &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message(), "yaml.rules[0].visits[0].window_days: must be within 1..366");
}

}  // namespace
}  // namespace huifang::scheduling

namespace huifang::scheduling {
namespace {

TEST_F(PlanningTest, PeriodicRulesPlanAtRegistrationAndThenEveryPeriod) {
  put_policy(std::string(kPolicy) + R"(
  - id: household_quarterly
    trigger: periodic
    every_days: 91
    when: {tier: household}
    channel: on_site
    visits: [{sequence: quarterly, delay_days: 0, window_days: 30}]
)");
  clock_.set(local(2026, 1, 5, 10, 0));
  intake::v1::IntakeEvent b;
  auto* c = b.mutable_customer_registered()->mutable_customer();
  c->set_id("owner-9");
  c->set_tenant_id("h");
  c->set_org_unit_id("cardiology");
  c->set_tier("household");
  events::Envelope e;
  *e.mutable_intake() = b;
  factory_.stamp(e, {"h", "cardiology", "owner-9", "", "", clock_.now()}, {"customer", "owner-9"}, 1);
  ASSERT_TRUE(planning_->apply(e));
  customer("renter-1", "cardiology");  // not a household: no series
  EXPECT_EQ(ledger_size("owner-9"), 1u);
  EXPECT_EQ(ledger_size("renter-1"), 0u);
  clock_.set(local(2026, 4, 7, 10, 0));  // 92 days later: the next quarter's visit
  ASSERT_TRUE(planning_->fire_timers());
  EXPECT_EQ(ledger_size("owner-9"), 2u);
}

}  // namespace
}  // namespace huifang::scheduling

namespace huifang::scheduling {
namespace {

events::Envelope complaint_resolved(const events::EnvelopeFactory& factory, const std::string& category,
                                    core::Timestamp at) {
  events::Envelope e;
  auto* r = e.mutable_complaints()->mutable_complaint_resolved();
  r->set_complaint_id("cmp-7");
  r->set_customer_id("p-1");
  r->set_org_unit_id("cardiology");
  r->set_category(category);
  r->set_severity("normal");
  *r->mutable_resolved_at() = events::to_proto(at);
  factory.stamp(e, {"h", "cardiology", "p-1", "", "", {}}, {"complaint", "cmp-7"}, 4);
  return e;
}

TEST_F(PlanningTest, AResolvedComplaintGetsItsFollowUpWithinThreeDaysEvenWithoutARule) {
  // Saturday 2026-10-03, inside the National Day holiday: the built-in rule does not wait for it.
  const auto resolved = complaint_resolved(factory_, "hospital.attitude", local(2026, 10, 3, 9, 0));
  ASSERT_TRUE(planning_->apply(resolved));
  ASSERT_TRUE(planning_->apply(resolved));  // redelivered: nothing planned twice
  const auto planned = plans("complaint-cmp-7-" + std::to_string(core::to_millis(local(2026, 10, 3, 9, 0))));
  ASSERT_EQ(planned.size(), 1u);
  const auto& p = planned[0];
  EXPECT_EQ(p.decision().category(), "complaint_resolved");
  EXPECT_EQ(p.agent_id(), "a-cardio");
  EXPECT_EQ(p.complaint_id(), "cmp-7");
  EXPECT_LE(events::from_proto(p.due_by()), local(2026, 10, 3, 9, 0) + std::chrono::hours(72));
  EXPECT_GE(events::from_proto(p.due_from()), local(2026, 10, 3, 9, 0));
  EXPECT_EQ(ledger_size("p-1"), 1u);
}

TEST_F(PlanningTest, TheTenantsOwnComplaintRuleWinsOverTheBuiltIn) {
  put_policy(R"(
policy: hospital-complaints
calling_windows: ["09:00-11:00"]
rules:
  - id: complaint_follow_up
    trigger: hospital.complaint_resolved
    exempt_from_limits: true
    visits: [{sequence: next_day, delay_days: 1, window_days: 2}]
)");
  ASSERT_TRUE(planning_->apply(complaint_resolved(factory_, "hospital.attitude", local(2026, 9, 28, 15, 0))));
  const auto x = explain("complaint-cmp-7-" + std::to_string(core::to_micros(local(2026, 9, 28, 15, 0)) / 1000));
  ASSERT_GE(x.decisions_size(), 1);
  EXPECT_EQ(x.decisions(0).outcome(), "planned");
  EXPECT_EQ(x.decisions(0).rule_id(), "complaint_follow_up");
}

}  // namespace
}  // namespace huifang::scheduling
