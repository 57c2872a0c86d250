// Scheduling's reactions against a real redis-server, with a fake clock: a discharge becomes a
// visit on the right agent's agenda inside the calling window and not on a holiday; the policy's
// sampling, merging, callback, retries and fallback, timers and explanations.
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
  std::vector<v1::AgendaItem> agenda(const std::string& agent, v1::AgendaView view) {
    v1::GetAgendaRequest req;
    req.set_tenant_id("h");
    req.set_agent_id(agent);
    req.set_view(view);
    v1::GetAgendaResponse resp;
    grpc::ClientContext ctx;
    EXPECT_TRUE(stub_->GetAgenda(&ctx, req, &resp).ok());
    return {resp.items().begin(), resp.items().end()};
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
  std::shared_ptr<edge::Authenticator> auth_ = edge::trusted_metadata_authenticator();
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

TEST_F(PlanningTest, DischargeBeforeTheHolidayLandsOnTheDepartmentAgentsAgendaAfterIt) {
  service_event("se-1", "hospital.inpatient_discharged", local(2026, 9, 25, 10, 0));  // a Friday
  clock_.set(local(2026, 10, 8, 9, 0));
  const auto today = agenda("a-cardio", v1::AGENDA_VIEW_TODAY);
  ASSERT_EQ(today.size(), 1u);
  EXPECT_EQ(text(today[0].scheduled_at()), "2026-10-08 08:00 Thu");  // not in the Oct 1-7 holiday
  EXPECT_EQ(today[0].category(), "hospital.inpatient_discharged");
  EXPECT_TRUE(agenda("a-ortho", v1::AGENDA_VIEW_TODAY).empty());
  const auto x = explain("se-1");
  ASSERT_GE(x.decisions_size(), 2);
  EXPECT_EQ(x.decisions(0).outcome(), "planned");
  EXPECT_EQ(x.decisions(0).policy_version(), 1u);
  EXPECT_EQ(x.decisions(1).outcome(), "assigned");
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
  v1::GetCustomerPlanRequest req;
  req.set_customer_id("p-1");
  v1::GetCustomerPlanResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->GetCustomerPlan(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.visits_size(), 1);
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
  std::vector<events::Incoming> batch;
  batch.push_back({nullptr, intake_event(reg, "p-2", "c-p-2")});
  batch.push_back({nullptr, recorded("se-b1", "p-1", local(2026, 1, 5, 10, 0))});
  batch.push_back({nullptr, recorded("se-b2", "p-2", local(2026, 1, 5, 10, 0))});
  batch.push_back({nullptr, recorded("se-b3", "p-1", local(2026, 1, 6, 10, 0))});
  for (int delivery = 0; delivery < 2; ++delivery) {
    const auto out = planning_->apply_batch(batch, 4);
    EXPECT_EQ(out.done, batch.size());
    EXPECT_FALSE(out.error) << out.error->to_string();
  }
  ASSERT_EQ(explain("se-b1").decisions_size(), 3);  // planned, assigned, due (its day has passed): once each
  EXPECT_EQ(explain("se-b1").decisions(0).outcome(), "planned");
  ASSERT_EQ(explain("se-b3").decisions_size(), 1);
  EXPECT_EQ(explain("se-b3").decisions(0).outcome(), "merged");
  EXPECT_EQ(explain("se-b2", "p-2").decisions(0).outcome(), "planned");
  EXPECT_EQ((*models_->load("h"))["a-cardio"], 2);  // two visits, counted once each
}

TEST_F(PlanningTest, RepairStreamIsSampledAtItsRate) {
  int planned = 0;
  for (int i = 0; i < 300; ++i) {
    const std::string c = "owner-" + std::to_string(i);
    customer(c, "cardiology");
    service_event("rep-" + std::to_string(i), "property.repair_completed", local(2026, 1, 5, 10, 0), c);
    v1::ExplainServiceEventRequest req;
    req.set_customer_id(c);
    req.set_service_event_id("rep-" + std::to_string(i));
    v1::ExplainResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->ExplainServiceEvent(&ctx, req, &resp).ok());
    planned += resp.decisions(0).outcome() == "planned";
  }
  EXPECT_NEAR(planned / 300.0, 0.3, 0.08);
}

TEST_F(PlanningTest, CallbackTimeNamedByTheCustomerWinsOverTheCallingWindow) {
  service_event("se-2", "hospital.inpatient_discharged", local(2026, 1, 5, 10, 0));
  clock_.set(local(2026, 1, 12, 9, 0));
  const auto vid = agenda("a-cardio", v1::AGENDA_VIEW_TODAY).at(0).visit_id();
  visit::v1::VisitEvent b;
  auto* cb = b.mutable_callback_requested();
  cb->set_visit_id(vid);
  *cb->mutable_callback_at() = events::to_proto(local(2026, 1, 13, 19, 30));  // outside every window
  cb->set_reason("in a meeting");
  visit_event(b, vid);
  const auto upcoming = agenda("a-cardio", v1::AGENDA_VIEW_UPCOMING);
  ASSERT_EQ(upcoming.size(), 1u);
  EXPECT_EQ(text(upcoming[0].scheduled_at()), "2026-01-13 19:30 Tue");
  EXPECT_EQ(upcoming[0].state(), "rescheduled");
}

TEST_F(PlanningTest, ThreeUnansweredAttemptsFallBackThenCloseAsUnreachable) {
  service_event("se-3", "hospital.inpatient_discharged", local(2026, 1, 5, 10, 0));
  clock_.set(local(2026, 1, 12, 9, 0));
  const auto vid = agenda("a-cardio", v1::AGENDA_VIEW_TODAY).at(0).visit_id();
  auto no_answer = [&](uint32_t n) {
    visit::v1::VisitEvent b;
    auto* a = b.mutable_visit_attempted();
    a->set_visit_id(vid);
    a->set_attempt(n);
    a->set_outcome(visit::v1::ATTEMPT_OUTCOME_NO_ANSWER);
    visit_event(b, vid);
  };
  no_answer(1);
  no_answer(2);
  no_answer(3);  // phone exhausted → on_site
  auto items = agenda("a-cardio", v1::AGENDA_VIEW_TODAY);
  auto up = agenda("a-cardio", v1::AGENDA_VIEW_UPCOMING);
  items.insert(items.end(), up.begin(), up.end());
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].channel(), common::v1::CHANNEL_ON_SITE);
  no_answer(4);
  no_answer(5);
  no_answer(6);  // on_site exhausted, no fallback left → closed
  EXPECT_TRUE(agenda("a-cardio", v1::AGENDA_VIEW_TODAY).empty());
  EXPECT_TRUE(agenda("a-cardio", v1::AGENDA_VIEW_UPCOMING).empty());
  v1::ExplainVisitRequest req;
  req.set_customer_id("p-1");
  req.set_visit_id(vid);
  v1::ExplainResponse x;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ExplainVisit(&ctx, req, &x).ok());
  EXPECT_EQ(x.decisions(x.decisions_size() - 1).outcome(), "closed_unreachable");
  bool fell_back = false;
  for (const auto& d : x.decisions()) fell_back = fell_back || d.outcome() == "fallback";
  EXPECT_TRUE(fell_back);
}

TEST_F(PlanningTest, TimersFireDueThenOverdueWithTheFakeClock) {
  clock_.set(local(2026, 1, 5, 10, 0));
  service_event("se-4", "hospital.inpatient_discharged", local(2026, 1, 5, 10, 0));
  EXPECT_EQ(*planning_->fire_timers(), 0u);
  clock_.set(local(2026, 1, 12, 10, 0));
  EXPECT_EQ(*planning_->fire_timers(), 1u);  // due
  clock_.set(local(2026, 1, 20, 10, 0));
  EXPECT_EQ(*planning_->fire_timers(), 1u);  // overdue
  EXPECT_EQ(*planning_->fire_timers(), 0u);
  const auto overdue = agenda("a-cardio", v1::AGENDA_VIEW_OVERDUE);
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].state(), "overdue");
}

TEST_F(PlanningTest, AVisitAlreadyDueWhenPlannedIsDueAtOnceWithoutATimer) {
  put_policy(R"(
policy: same-day
calling_windows: ["00:00-24:00"]
rules:
  - id: delivered
    trigger: logistics.delivered
    visits: [{sequence: same_day, delay_days: 0, window_days: 1}]
)");
  clock_.set(local(2026, 1, 5, 10, 0));
  service_event("se-due", "logistics.delivered", local(2026, 1, 5, 10, 0));
  const auto today = agenda("a-cardio", v1::AGENDA_VIEW_TODAY);
  ASSERT_EQ(today.size(), 1u);
  EXPECT_EQ(today[0].state(), "due");
  const auto x = explain("se-due");
  std::vector<std::string> outcomes;
  for (const auto& d : x.decisions()) outcomes.push_back(d.outcome());
  EXPECT_NE(std::find(outcomes.begin(), outcomes.end(), "due"), outcomes.end());
  EXPECT_EQ(*planning_->fire_timers(), 0u);  // no due timer left to fire
  clock_.set(local(2026, 1, 7, 10, 0));
  EXPECT_EQ(*planning_->fire_timers(), 1u);  // only the overdue one
  EXPECT_EQ(agenda("a-cardio", v1::AGENDA_VIEW_OVERDUE).size(), 1u);
}

TEST_F(PlanningTest, CompletedVisitLeavesTheAgendaAndItsTimers) {
  service_event("se-5", "hospital.inpatient_discharged", local(2026, 1, 5, 10, 0));
  clock_.set(local(2026, 1, 12, 9, 0));
  const auto vid = agenda("a-cardio", v1::AGENDA_VIEW_TODAY).at(0).visit_id();
  visit::v1::VisitEvent b;
  b.mutable_visit_completed()->set_visit_id(vid);
  b.mutable_visit_completed()->set_agent_id("a-cardio");
  visit_event(b, vid);
  EXPECT_TRUE(agenda("a-cardio", v1::AGENDA_VIEW_TODAY).empty());
  clock_.set(local(2026, 2, 1, 9, 0));
  EXPECT_EQ(*planning_->fire_timers(), 0u);
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
  auto plan_of = [&](const std::string& id) {
    v1::GetCustomerPlanRequest req;
    req.set_customer_id(id);
    v1::GetCustomerPlanResponse resp;
    grpc::ClientContext ctx;
    EXPECT_TRUE(stub_->GetCustomerPlan(&ctx, req, &resp).ok());
    return resp;
  };
  EXPECT_EQ(plan_of("owner-9").visits_size(), 1);
  EXPECT_EQ(plan_of("renter-1").visits_size(), 0);
  clock_.set(local(2026, 4, 7, 10, 0));  // 92 days later: the next quarter's visit
  ASSERT_TRUE(planning_->fire_timers());
  const auto plan = plan_of("owner-9");
  ASSERT_EQ(plan.visits_size(), 2);
  EXPECT_EQ(plan.visits(1).channel(), common::v1::CHANNEL_ON_SITE);
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
  v1::GetCustomerPlanRequest req;
  req.set_customer_id("p-1");
  v1::GetCustomerPlanResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->GetCustomerPlan(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.visits_size(), 1);
  const auto& item = resp.visits(0);
  EXPECT_EQ(item.category(), "complaint_resolved");
  EXPECT_EQ(item.agent_id(), "a-cardio");
  EXPECT_LE(events::from_proto(item.due_by()), local(2026, 10, 3, 9, 0) + std::chrono::hours(72));
  EXPECT_GE(events::from_proto(item.scheduled_at()), local(2026, 10, 3, 9, 0));
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
