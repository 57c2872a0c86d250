// The follow-up path end to end: intake, scheduling and visit run as separate processes on the
// embedded broker and a real redis-server, and the test talks to them only through their gRPC
// edges (and reads the visit topic as an outside consumer would).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include <filesystem>
#include <fstream>

#include "huifang/bus/kafka.h"
#include "huifang/events/envelope.h"
#include "huifang/intake/v1/service.grpc.pb.h"
#include "huifang/scheduling/v1/service.grpc.pb.h"
#include "huifang/testing/local_auth.h"
#include "huifang/testing/process.h"
#include "huifang/testing/redis_server.h"
#include "huifang/testing/wait.h"
#include "huifang/visit/v1/service.grpc.pb.h"

namespace huifang {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

absl::TimeZone shanghai() {
  absl::TimeZone tz;
  if (!absl::LoadTimeZone("Asia/Shanghai", &tz)) tz = absl::FixedTimeZone(8 * 3600);
  return tz;
}
google::protobuf::Timestamp local(int y, int mo, int d, int h, int mi) {
  const absl::Time t = absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), shanghai());
  google::protobuf::Timestamp p;
  p.set_seconds(absl::ToUnixSeconds(t));
  return p;
}
std::string text(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%d %H:%M %a", absl::FromUnixSeconds(t.seconds()), shanghai());
}

class FollowUpPath : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("huifang-e2e-" + std::to_string(::getpid())));
    fs::create_directories(*dir_);
    redis_ = new testing::RedisServer();
    auth_ = new testing::LocalAuth((*dir_ / "auth").string());
    const std::string addr_file = (*dir_ / "broker.addr").string();
    broker_ = new testing::Process(HUIFANG_BIN_DIR "/broker/huifang-broker",
                                   {"--partitions=4", "--bootstrap-file=" + addr_file}, (*dir_ / "broker.log").string());
    ASSERT_TRUE(testing::wait_until([&] { return fs::exists(addr_file) && fs::file_size(addr_file) > 0; }, 10s));
    std::ifstream(addr_file) >> *(bootstrap_ = new std::string());
    for (const char* name : {"intake", "scheduling", "visit"}) {
      const int port = testing::free_port();
      ports_[name] = port;
      std::vector<std::string> args = {"--redis-port=" + std::to_string(redis_->port()),
                                       "--kafka-bootstrap=" + *bootstrap_,
                                       "--grpc-listen=127.0.0.1:" + std::to_string(port),
                                       "--http-listen=127.0.0.1:" + std::to_string(testing::free_port()),
                                       auth_->jwks_flag()};
      if (std::string(name) == "scheduling") args.push_back("--timer-interval=100ms");
      services_.push_back(new testing::Process(std::string(HUIFANG_BIN_DIR "/") + name + "/huifang-" + name, args,
                                               (*dir_ / (std::string(name) + ".log")).string()));
    }
  }
  static void TearDownTestSuite() {
    for (auto* s : services_) delete s;
    services_.clear();
    delete broker_;
    delete redis_;
    delete auth_;
    delete bootstrap_;
    fs::remove_all(*dir_);
    delete dir_;
  }

  // A stub calling as the tenant's admin, or for visits as a supervisor (who may act for any of
  // the tenant's agents).
  template <typename Service>
  static std::unique_ptr<typename Service::Stub> stub(const char* name, const std::string& tenant) {
    const std::string role = std::string(name) == "visit" ? "supervisor" : "admin";
    auto ch = auth_->channel("127.0.0.1:" + std::to_string(ports_[name]), role, tenant);
    EXPECT_TRUE(ch->WaitForConnected(std::chrono::system_clock::now() + 20s)) << name;
    return Service::NewStub(ch);
  }

  // Admin set-up through the public edges.
  static void org(intake::v1::IntakeService::Stub& intake, const std::string& tenant, const std::string& id,
                  const std::string& parent) {
    intake::v1::DefineOrgUnitRequest r;
    r.set_tenant_id(tenant);
    r.mutable_org_unit()->set_id(id);
    r.mutable_org_unit()->set_parent_id(parent);
    r.mutable_org_unit()->set_kind(parent.empty() ? intake::v1::ORG_UNIT_KIND_ENTERPRISE : intake::v1::ORG_UNIT_KIND_BRANCH);
    r.mutable_org_unit()->set_name(id);
    intake::v1::DefineOrgUnitResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(intake.DefineOrgUnit(&ctx, r, &resp).ok());
  }
  static void agent(intake::v1::IntakeService::Stub& intake, const std::string& tenant, const std::string& id,
                    const std::string& org_unit) {
    intake::v1::RegisterAgentRequest r;
    r.set_tenant_id(tenant);
    r.mutable_agent()->set_id(id);
    r.mutable_agent()->set_org_unit_id(org_unit);
    r.mutable_agent()->set_role(common::v1::ROLE_AGENT);
    r.mutable_agent()->set_display_name(id);
    r.mutable_agent()->set_daily_capacity(100);
    r.mutable_agent()->set_active(true);
    intake::v1::RegisterAgentResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(intake.RegisterAgent(&ctx, r, &resp).ok());
  }
  static intake::v1::Customer customer(const std::string& tenant, const std::string& id, const std::string& org_unit) {
    intake::v1::Customer c;
    c.set_id(id);
    c.set_tenant_id(tenant);
    c.set_org_unit_id(org_unit);
    c.set_display_name(id);
    c.set_kind(intake::v1::CUSTOMER_KIND_PERSON);
    c.set_time_zone("Asia/Shanghai");
    return c;
  }
  static void policy(scheduling::v1::SchedulingService::Stub& scheduling, const std::string& tenant,
                     const std::string& yaml) {
    scheduling::v1::PutPolicyRequest r;
    r.set_tenant_id(tenant);
    r.set_yaml(yaml);
    scheduling::v1::PutPolicyResponse resp;
    grpc::ClientContext ctx;
    auto st = scheduling.PutPolicy(&ctx, r, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  static std::vector<scheduling::v1::Explanation> explain(scheduling::v1::SchedulingService::Stub& scheduling,
                                                          const std::string& tenant, const std::string& customer,
                                                          const std::string& se) {
    scheduling::v1::ExplainServiceEventRequest r;
    r.set_tenant_id(tenant);
    r.set_customer_id(customer);
    r.set_service_event_id(se);
    scheduling::v1::ExplainResponse x;
    grpc::ClientContext ctx;
    if (!scheduling.ExplainServiceEvent(&ctx, r, &x).ok()) return {};
    return {x.decisions().begin(), x.decisions().end()};
  }

  static fs::path* dir_;
  static testing::RedisServer* redis_;
  static testing::Process* broker_;
  static testing::LocalAuth* auth_;
  static std::string* bootstrap_;
  static std::map<std::string, int> ports_;
  static std::vector<testing::Process*> services_;
};
fs::path* FollowUpPath::dir_;
testing::RedisServer* FollowUpPath::redis_;
testing::Process* FollowUpPath::broker_;
testing::LocalAuth* FollowUpPath::auth_;
std::string* FollowUpPath::bootstrap_;
std::map<std::string, int> FollowUpPath::ports_;
std::vector<testing::Process*> FollowUpPath::services_;

TEST_F(FollowUpPath, DischargeIsPlannedAssignedRescheduledAndCompletedThroughThePublicEdges) {
  for (auto* s : services_) ASSERT_TRUE(s->running()) << s->log_tail();
  auto intake = stub<intake::v1::IntakeService>("intake", "hosp");
  auto scheduling = stub<scheduling::v1::SchedulingService>("scheduling", "hosp");
  auto visit = stub<visit::v1::VisitService>("visit", "hosp");

  // Admin set-up through intake: org tree, an agent of cardiology, a patient.
  for (auto [id, parent, kind] : {std::tuple{"hosp", "", intake::v1::ORG_UNIT_KIND_ENTERPRISE},
                                  std::tuple{"cardiology", "hosp", intake::v1::ORG_UNIT_KIND_DEPARTMENT},
                                  std::tuple{"orthopedics", "hosp", intake::v1::ORG_UNIT_KIND_DEPARTMENT}}) {
    intake::v1::DefineOrgUnitRequest r;
    r.set_tenant_id("hosp");
    r.mutable_org_unit()->set_id(id);
    r.mutable_org_unit()->set_parent_id(parent);
    r.mutable_org_unit()->set_kind(kind);
    r.mutable_org_unit()->set_name(id);
    intake::v1::DefineOrgUnitResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(intake->DefineOrgUnit(&ctx, r, &resp).ok());
  }
  for (auto [id, org] : {std::pair{"nurse-wang", "cardiology"}, std::pair{"nurse-zhao", "orthopedics"}}) {
    intake::v1::RegisterAgentRequest r;
    r.set_tenant_id("hosp");
    auto* a = r.mutable_agent();
    a->set_id(id);
    a->set_org_unit_id(org);
    a->set_role(common::v1::ROLE_AGENT);
    a->set_display_name(id);
    a->set_daily_capacity(30);
    a->set_active(true);
    intake::v1::RegisterAgentResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(intake->RegisterAgent(&ctx, r, &resp).ok());
  }
  {
    intake::v1::CreateCustomerRequest r;
    auto* c = r.mutable_customer();
    c->set_id("patient-1");
    c->set_tenant_id("hosp");
    c->set_org_unit_id("cardiology");
    c->set_display_name("李四");
    c->set_kind(intake::v1::CUSTOMER_KIND_PERSON);
    c->set_time_zone("Asia/Shanghai");
    auto* ct = c->add_contacts();
    ct->set_kind(intake::v1::CONTACT_KIND_PHONE);
    ct->set_value("13800000000");
    ct->set_relation("self");
    intake::v1::CreateCustomerResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(intake->CreateCustomer(&ctx, r, &resp).ok());
  }
  // Policy and the National Day holiday through scheduling.
  {
    scheduling::v1::PutPolicyRequest r;
    r.set_tenant_id("hosp");
    r.set_yaml(R"(
policy: hospital
calling_windows: ["08:00-12:00", "13:30-17:30"]
retries: {max_attempts: 3, fallback: [on_site]}
rules:
  - id: discharge
    trigger: hospital.inpatient_discharged
    visits: [{sequence: 7_days, delay_days: 7, window_days: 7}]
)");
    scheduling::v1::PutPolicyResponse resp;
    grpc::ClientContext ctx;
    auto st = scheduling->PutPolicy(&ctx, r, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    scheduling::v1::PutHolidayCalendarRequest cal;
    cal.mutable_calendar()->set_tenant_id("hosp");
    cal.mutable_calendar()->set_year(2026);
    for (int d = 1; d <= 7; ++d) cal.mutable_calendar()->add_holidays("2026-10-0" + std::to_string(d));
    scheduling::v1::PutHolidayCalendarResponse cresp;
    grpc::ClientContext cctx;
    ASSERT_TRUE(scheduling->PutHolidayCalendar(&cctx, cal, &cresp).ok());
  }
  // The trigger: discharged on Friday 2026-09-25, the week before the holiday.
  intake::v1::RecordServiceEventResponse recorded;
  {
    intake::v1::RecordServiceEventRequest r;
    r.set_tenant_id("hosp");
    r.set_idempotency_key("HIS-2026-0925-001");
    r.set_customer_id("patient-1");
    r.set_category("hospital.inpatient_discharged");
    *r.mutable_occurred_at() = local(2026, 9, 25, 10, 0);
    grpc::ClientContext ctx;
    ASSERT_TRUE(intake->RecordServiceEvent(&ctx, r, &recorded).ok());
  }
  // Scheduling plans it: due 7 days later, but the holiday pushes it to Thursday Oct 8, 08:00,
  // on the cardiology agent's list.
  scheduling::v1::AgendaItem item;
  ASSERT_TRUE(testing::wait_until(
      [&] {
        scheduling::v1::GetCustomerPlanRequest r;
        r.set_tenant_id("hosp");
        r.set_customer_id("patient-1");
        scheduling::v1::GetCustomerPlanResponse resp;
        grpc::ClientContext ctx;
        if (!visit->GetCustomerPlan(&ctx, r, &resp).ok() || resp.visits_size() == 0) return false;
        item = resp.visits(0);
        return true;
      },
      60s))
      << services_[1]->log_tail();
  EXPECT_EQ(text(item.scheduled_at()), "2026-10-08 08:00 Thu");
  // Agents travel under the tenant's key, the trigger under the customer's: whichever arrives
  // first, the visit ends up with the cardiology agent.
  scheduling::v1::ExplainResponse x;
  EXPECT_TRUE(testing::wait_until(
      [&] {
        scheduling::v1::ExplainServiceEventRequest r;
        r.set_tenant_id("hosp");
        r.set_customer_id("patient-1");
        r.set_service_event_id(recorded.service_event_id());
        grpc::ClientContext ctx;
        if (!scheduling->ExplainServiceEvent(&ctx, r, &x).ok()) return false;
        for (const auto& d : x.decisions())
          if (d.outcome() == "assigned") return d.text().find("nurse-wang") != std::string::npos;
        return false;
      },
      60s))
      << x.DebugString();
  // The assigned agent starts the visit and gets script, survey and contacts; another is refused.
  const std::string vid = item.visit_id();
  auto start = [&](const char* agent, visit::v1::StartVisitResponse* resp) {
    visit::v1::StartVisitRequest r;
    r.set_visit_id(vid);
    r.set_customer_id("patient-1");
    r.set_agent_id(agent);
    grpc::ClientContext ctx;
    return visit->StartVisit(&ctx, r, resp);
  };
  visit::v1::StartVisitResponse started;
  ASSERT_TRUE(testing::wait_until([&] { return start("nurse-wang", &started).ok(); }, 60s)) << services_[2]->log_tail();
  EXPECT_EQ(started.script(0).key(), "greeting");
  EXPECT_GT(started.survey_size(), 0);
  ASSERT_EQ(started.contacts_size(), 1);
  EXPECT_EQ(started.contacts(0).value(), "13800000000");
  visit::v1::StartVisitResponse denied;
  EXPECT_EQ(start("nurse-zhao", &denied).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // "Not convenient, call me at 19:30 tomorrow": rescheduled exactly there.
  {
    visit::v1::RecordAttemptRequest r;
    r.set_visit_id(vid);
    r.set_customer_id("patient-1");
    r.set_agent_id("nurse-wang");
    r.set_outcome(visit::v1::ATTEMPT_OUTCOME_NOT_CONVENIENT);
    r.set_reason("at the pharmacy");
    *r.mutable_callback_at() = local(2026, 10, 9, 19, 30);
    visit::v1::RecordAttemptResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(visit->RecordAttempt(&ctx, r, &resp).ok());
  }
  ASSERT_TRUE(testing::wait_until(
      [&] {
        scheduling::v1::GetCustomerPlanRequest r;
        r.set_tenant_id("hosp");
        r.set_customer_id("patient-1");
        scheduling::v1::GetCustomerPlanResponse resp;
        grpc::ClientContext ctx;
        return visit->GetCustomerPlan(&ctx, r, &resp).ok() && resp.visits_size() == 1 &&
               text(resp.visits(0).scheduled_at()) == "2026-10-09 19:30 Fri";
      },
      60s));
  // The survey completes the visit and its ratings go out on the visit topic.
  {
    visit::v1::SubmitSurveyRequest r;
    r.set_visit_id(vid);
    r.set_customer_id("patient-1");
    r.set_agent_id("nurse-wang");
    for (auto [dim, score] : {std::pair{"medical_care", 9u}, std::pair{"nursing", 5u}, std::pair{"environment", 0u}}) {
      auto* rt = r.add_ratings();
      rt->set_dimension(dim);
      rt->set_score(score);
    }
    r.set_suggestions("more parking");
    visit::v1::SubmitSurveyResponse resp;
    grpc::ClientContext ctx;
    auto st = visit->SubmitSurvey(&ctx, r, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    grpc::ClientContext again;
    EXPECT_EQ(visit->SubmitSurvey(&again, r, &resp).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  }
  auto consumer = std::move(*bus::Consumer::create({{*bootstrap_, "e2e", {}}, "e2e-reader", {"huifang.visit.v1"}}));
  events::Envelope completed;
  ASSERT_TRUE(testing::wait_until(
      [&] {
        for (const auto& m : consumer->poll_batch(100, 100ms)) {
          events::Envelope e;
          if (e.ParseFromString(m.value) && e.visit().has_visit_completed()) completed = e;
        }
        return completed.has_visit();
      },
      60s));
  const auto& done = completed.visit().visit_completed();
  EXPECT_EQ(done.visit_id(), vid);
  ASSERT_EQ(done.ratings_size(), 3);
  EXPECT_EQ(done.ratings(1).score(), 5u);
  EXPECT_EQ(done.ratings(2).score(), 0u);  // unrated stays unrated
  EXPECT_EQ(completed.customer_id(), "patient-1");
  // And the completed visit leaves the agent's agenda.
  ASSERT_TRUE(testing::wait_until(
      [&] {
        scheduling::v1::GetCustomerPlanRequest r;
        r.set_tenant_id("hosp");
        r.set_customer_id("patient-1");
        scheduling::v1::GetCustomerPlanResponse resp;
        grpc::ClientContext ctx;
        return visit->GetCustomerPlan(&ctx, r, &resp).ok() && resp.visits_size() == 1 &&
               resp.visits(0).state() == "completed";
      },
      60s));
}


TEST_F(FollowUpPath, RepairStreamFromTheInboundTopicIsSampledAtItsConfiguredRate) {
  auto intake = stub<intake::v1::IntakeService>("intake", "prop");
  auto scheduling = stub<scheduling::v1::SchedulingService>("scheduling", "prop");
  org(*intake, "prop", "prop", "");
  org(*intake, "prop", "project-a", "prop");
  agent(*intake, "prop", "keeper-1", "project-a");
  policy(*scheduling, "prop", R"(
policy: property
rules:
  - id: repair_completed
    trigger: property.repair_completed
    sample_rate: 0.3
    visits: [{delay_days: 30, window_days: 30}]
)");
  constexpr int kRepairs = 200;
  {
    grpc::ClientContext ctx;
    auto stream = intake->ImportCustomers(&ctx);
    for (int i = 0; i < kRepairs; ++i) {
      intake::v1::ImportCustomerRow row;
      row.set_row(i + 1);
      *row.mutable_customer() = customer("prop", "owner-" + std::to_string(i), "project-a");
      ASSERT_TRUE(stream->Write(row));
    }
    stream->WritesDone();
    intake::v1::ImportRowResult res;
    int accepted = 0;
    while (stream->Read(&res)) accepted += res.accepted();
    ASSERT_TRUE(stream->Finish().ok());
    ASSERT_EQ(accepted, kRepairs);
  }
  // The repair system publishes JSON to the inbound topic, as an integration would.
  auto producer = std::move(*bus::Producer::create({*bootstrap_, "repair-system", {}}));
  std::atomic<int> delivered{0};
  for (int i = 0; i < kRepairs; ++i) {
    const std::string owner = "owner-" + std::to_string(i);
    const std::string json = R"({"tenantId":"prop","idempotencyKey":"RPR-)" + std::to_string(i) + R"(","customerId":")" +
                             owner + R"(","category":"property.repair_completed","occurredAt":"2026-03-02T09:00:00+08:00"})";
    ASSERT_TRUE(producer->produce("huifang.inbound.v1", owner, json, [&](const core::Status& st) { delivered += st.ok(); }));
  }
  ASSERT_TRUE(producer->flush(30s));
  ASSERT_EQ(delivered.load(), kRepairs);
  // Every repair gets a recorded decision; the planned share is the configured 30%.
  int planned = 0, decided = 0;
  ASSERT_TRUE(testing::wait_until(
      [&] {
        planned = decided = 0;
        for (int i = 0; i < kRepairs; ++i) {
          const std::string owner = "owner-" + std::to_string(i);
          intake::v1::RecordServiceEventRequest same;  // the id the key maps to, learnt by replaying it
          same.set_tenant_id("prop");
          same.set_idempotency_key("RPR-" + std::to_string(i));
          same.set_customer_id(owner);
          same.set_category("property.repair_completed");
          *same.mutable_occurred_at() = local(2026, 3, 2, 9, 0);
          same.set_source_system("inbound-json");
          intake::v1::RecordServiceEventResponse resp;
          grpc::ClientContext ctx;
          if (!intake->RecordServiceEvent(&ctx, same, &resp).ok() || !resp.replayed()) return false;
          const auto x = explain(*scheduling, "prop", owner, resp.service_event_id());
          if (x.empty()) return false;
          ++decided;
          planned += x[0].outcome() == "planned";
        }
        return decided == kRepairs;
      },
      120s))
      << "decided " << decided;
  EXPECT_NEAR(planned / static_cast<double>(kRepairs), 0.3, 0.08);
}

TEST_F(FollowUpPath, NearbyTriggersMergeAndThreeUnansweredCallsFallBackToOnSite) {
  auto intake = stub<intake::v1::IntakeService>("intake", "hosp2");
  auto scheduling = stub<scheduling::v1::SchedulingService>("scheduling", "hosp2");
  auto visit = stub<visit::v1::VisitService>("visit", "hosp2");
  org(*intake, "hosp2", "hosp2", "");
  org(*intake, "hosp2", "ward-3", "hosp2");
  agent(*intake, "hosp2", "nurse-sun", "ward-3");
  {
    intake::v1::CreateCustomerRequest r;
    *r.mutable_customer() = customer("hosp2", "patient-7", "ward-3");
    intake::v1::CreateCustomerResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(intake->CreateCustomer(&ctx, r, &resp).ok());
  }
  policy(*scheduling, "hosp2", R"(
policy: hospital
calendar: {skip_weekends: false, skip_holidays: false}
contact_limits: {merge_within_days: 3}
retries: {max_attempts: 3, retry_after_hours: 1, fallback: [on_site]}
rules:
  - id: discharge
    trigger: hospital.inpatient_discharged
    visits: [{delay_days: 7, window_days: 7}]
)");
  std::vector<std::string> ids;
  for (int day : {5, 6}) {  // two triggers a day apart
    intake::v1::RecordServiceEventRequest r;
    r.set_tenant_id("hosp2");
    r.set_idempotency_key("HIS-7-" + std::to_string(day));
    r.set_customer_id("patient-7");
    r.set_category("hospital.inpatient_discharged");
    *r.mutable_occurred_at() = local(2026, 1, day, 10, 0);
    intake::v1::RecordServiceEventResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(intake->RecordServiceEvent(&ctx, r, &resp).ok());
    ids.push_back(resp.service_event_id());
  }
  std::vector<scheduling::v1::Explanation> second;
  ASSERT_TRUE(testing::wait_until([&] { return !(second = explain(*scheduling, "hosp2", "patient-7", ids[1])).empty(); }, 60s));
  EXPECT_EQ(second[0].outcome(), "merged");
  // Three unanswered calls on the merged-into visit: the policy falls back to an on-site visit.
  const auto first = explain(*scheduling, "hosp2", "patient-7", ids[0]);
  ASSERT_FALSE(first.empty());
  scheduling::v1::GetCustomerPlanRequest pr;
  pr.set_tenant_id("hosp2");
  pr.set_customer_id("patient-7");
  scheduling::v1::GetCustomerPlanResponse plan;
  // The visit service opens the visit when the plan reaches it.
  ASSERT_TRUE(testing::wait_until(
      [&] {
        grpc::ClientContext ctx;
        return visit->GetCustomerPlan(&ctx, pr, &plan).ok() && plan.visits_size() == 1;
      },
      60s))
      << plan.DebugString();
  const std::string vid = plan.visits(0).visit_id();
  for (int attempt = 1; attempt <= 3; ++attempt) {
    visit::v1::RecordAttemptRequest r;
    r.set_visit_id(vid);
    r.set_customer_id("patient-7");
    r.set_agent_id("nurse-sun");
    r.set_outcome(visit::v1::ATTEMPT_OUTCOME_NO_ANSWER);
    visit::v1::RecordAttemptResponse resp;
    ASSERT_TRUE(testing::wait_until(
        [&] {
          grpc::ClientContext ctx;
          return visit->RecordAttempt(&ctx, r, &resp).ok();
        },
        60s));
    EXPECT_EQ(resp.attempt(), static_cast<uint32_t>(attempt));
  }
  ASSERT_TRUE(testing::wait_until(
      [&] {
        grpc::ClientContext ctx;
        return visit->GetCustomerPlan(&ctx, pr, &plan).ok() && plan.visits_size() == 1 &&
               plan.visits(0).channel() == common::v1::CHANNEL_ON_SITE;
      },
      60s))
      << plan.DebugString();
}

}  // namespace
}  // namespace huifang
