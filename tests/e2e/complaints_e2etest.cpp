// The closed loop end to end: a visit with a low score, through the public edges only, opens a
// complaint; the SLA breach escalates it when (simulated) time passes the end of the day; the
// handler resolves it; scheduling plans the 3-day follow-up; the follow-up's good score closes the
// case — and the analytics dashboard's JSON reflects each step. All six programs run as separate
// processes sharing one simulated clock (--clock-file).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "huifang/analytics/v1/service.grpc.pb.h"
#include "huifang/complaints/v1/service.grpc.pb.h"
#include "huifang/core/file_clock.h"
#include "huifang/events/envelope.h"
#include "huifang/intake/v1/service.grpc.pb.h"
#include "huifang/scheduling/v1/service.grpc.pb.h"
#include "huifang/testing/broker_process.h"
#include "huifang/testing/local_auth.h"
#include "huifang/testing/process.h"
#include "huifang/testing/redis_server.h"
#include "huifang/testing/wait.h"
#include "huifang/visit/v1/service.grpc.pb.h"

namespace huifang {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
const core::Timestamp kMonday0930 = core::from_micros(1'795'397'400'000'000);  // 2026-11-23 09:30 +08:00

class ClosedLoop : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("huifang-loop-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    clock_file_ = (dir_ / "clock").string();
    ASSERT_TRUE(core::FileClock::write(clock_file_, kMonday0930));
    redis_ = std::make_unique<testing::RedisServer>();
    auth_ = std::make_unique<testing::LocalAuth>((dir_ / "auth").string());
    auto broker = testing::start_broker(HUIFANG_BIN_DIR "/broker/huifang-broker", dir_, 2);
    ASSERT_FALSE(broker.bootstrap.empty());
    const std::string bootstrap = broker.bootstrap;
    procs_.push_back(std::move(broker.process));
    for (const char* name : {"intake", "scheduling", "visit", "complaints", "analytics"}) {
      grpc_[name] = testing::free_port();
      http_[name] = testing::free_port();
      std::vector<std::string> args = {"--redis-port=" + std::to_string(redis_->port()), "--kafka-bootstrap=" + bootstrap,
                                       "--grpc-listen=127.0.0.1:" + std::to_string(grpc_[name]),
                                       "--http-listen=127.0.0.1:" + std::to_string(http_[name]),
                                       "--clock-file=" + clock_file_, "--logical-partitions=8", auth_->jwks_flag()};
      procs_.push_back(std::make_unique<testing::Process>(std::string(HUIFANG_BIN_DIR "/") + name + "/huifang-" + name, args,
                                                          (dir_ / (std::string(name) + ".log")).string()));
    }
  }
  static void TearDownTestSuite() {
    while (!procs_.empty()) procs_.pop_back();  // services first, the broker last

    redis_.reset();
    auth_.reset();
    fs::remove_all(dir_);
  }

  // A stub calling as tenant prop's admin; for visits as a supervisor (who may act for any agent).
  template <typename Service>
  static std::unique_ptr<typename Service::Stub> stub(const char* name, std::string role = "") {
    if (role.empty()) role = std::string(name) == "visit" ? "supervisor" : "admin";
    const std::string tenant = role == "operator" ? "" : "prop";
    auto ch = auth_->channel("127.0.0.1:" + std::to_string(grpc_[name]), role, tenant);
    EXPECT_TRUE(ch->WaitForConnected(std::chrono::system_clock::now() + 20s)) << name;
    return Service::NewStub(ch);
  }
  // The dashboard's JSON, as the page fetches it.
  static nlohmann::json dashboard(const std::string& path) {
    httplib::Client http("127.0.0.1", http_["analytics"]);
    auto r = http.Get((path + (path.find('?') == std::string::npos ? "?" : "&") + "tenant=prop").c_str(),
                      {{"Authorization", "Bearer " + auth_->token("manager", "prop", "e2e")}});
    if (!r || r->status != 200) return nlohmann::json::object();
    return nlohmann::json::parse(r->body, nullptr, false);
  }
  static std::string logs() {
    std::string all;
    for (const auto& p : procs_) all += p->log_file() + ":\n" + p->log_tail(1500) + "\n";
    return all;
  }
  template <typename Fn>
  static grpc::Status call(Fn&& fn) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 10s);
    return fn(ctx);
  }

  static inline fs::path dir_;
  static inline std::string clock_file_;
  static inline std::unique_ptr<testing::RedisServer> redis_;
  static inline std::unique_ptr<testing::LocalAuth> auth_;
  static inline std::vector<std::unique_ptr<testing::Process>> procs_;
  static inline std::map<std::string, int> grpc_, http_;
};

TEST_F(ClosedLoop, LowScoreToComplaintEscalationFollowUpAndCloseWithTheDashboardInStep) {
  for (const auto& p : procs_) ASSERT_TRUE(p->running()) << p->log_tail();
  auto intake = stub<intake::v1::IntakeService>("intake");
  auto scheduling = stub<scheduling::v1::SchedulingService>("scheduling");
  auto visit = stub<visit::v1::VisitService>("visit");
  auto complaints = stub<complaints::v1::ComplaintService>("complaints");
  auto analytics = stub<analytics::v1::AnalyticsService>("analytics");

  // An org tree, an agent, a customer and a policy, through the edges.
  for (auto [id, parent, kind] : {std::tuple{"prop", "", intake::v1::ORG_UNIT_KIND_ENTERPRISE},
                                  std::tuple{"east", "prop", intake::v1::ORG_UNIT_KIND_REGION},
                                  std::tuple{"proj-a", "east", intake::v1::ORG_UNIT_KIND_PROJECT}}) {
    intake::v1::DefineOrgUnitRequest r;
    r.set_tenant_id("prop");
    r.mutable_org_unit()->set_id(id);
    r.mutable_org_unit()->set_parent_id(parent);
    r.mutable_org_unit()->set_kind(kind);
    r.mutable_org_unit()->set_name(std::string(id) + " 项目");
    intake::v1::DefineOrgUnitResponse resp;
    auto st = call([&](auto& ctx) { return intake->DefineOrgUnit(&ctx, r, &resp); });
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  {
    intake::v1::RegisterAgentRequest r;
    r.set_tenant_id("prop");
    auto* a = r.mutable_agent();
    a->set_id("agent-li");
    a->set_org_unit_id("proj-a");
    a->set_role(common::v1::ROLE_AGENT);
    a->set_display_name("李回访");
    a->set_daily_capacity(50);
    a->set_active(true);
    intake::v1::RegisterAgentResponse resp;
    ASSERT_TRUE(call([&](auto& ctx) { return intake->RegisterAgent(&ctx, r, &resp); }).ok());
    intake::v1::CreateCustomerRequest c;
    c.mutable_customer()->set_id("owner-1");
    c.mutable_customer()->set_tenant_id("prop");
    c.mutable_customer()->set_org_unit_id("proj-a");
    c.mutable_customer()->set_display_name("王业主");
    c.mutable_customer()->set_kind(intake::v1::CUSTOMER_KIND_PERSON);
    c.mutable_customer()->set_time_zone("Asia/Shanghai");
    intake::v1::CreateCustomerResponse cresp;
    ASSERT_TRUE(call([&](auto& ctx) { return intake->CreateCustomer(&ctx, c, &cresp); }).ok());
    scheduling::v1::PutPolicyRequest p;
    p.set_tenant_id("prop");
    p.set_yaml(R"(
policy: property
calendar: {skip_weekends: false, skip_holidays: false}
calling_windows: ["09:00-18:00"]
rules:
  - id: repair_completed
    trigger: property.repair_completed
    visits: [{sequence: next_days, delay_days: 0, window_days: 3}]
)");
    scheduling::v1::PutPolicyResponse presp;
    auto st = call([&](auto& ctx) { return scheduling->PutPolicy(&ctx, p, &presp); });
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  auto plan = [&](const std::string& category) {
    scheduling::v1::AgendaItem found;
    EXPECT_TRUE(testing::wait_until(
        [&] {
          scheduling::v1::GetCustomerPlanRequest r;
          r.set_tenant_id("prop");
          r.set_customer_id("owner-1");
          scheduling::v1::GetCustomerPlanResponse resp;
          if (!call([&](auto& ctx) { return visit->GetCustomerPlan(&ctx, r, &resp); }).ok()) return false;
          for (const auto& v : resp.visits())
            if (v.category() == category && !v.agent_id().empty()) return found = v, true;
          return false;
        },
        60s))
        << logs();
    return found;
  };
  auto survey = [&](const std::string& visit_id, uint32_t quality) {
    ASSERT_TRUE(testing::wait_until(
        [&] {
          visit::v1::StartVisitRequest s;
          s.set_visit_id(visit_id);
          s.set_customer_id("owner-1");
          s.set_agent_id("agent-li");
          visit::v1::StartVisitResponse sresp;
          return call([&](auto& ctx) { return visit->StartVisit(&ctx, s, &sresp); }).ok();
        },
        60s))
        << logs();
    visit::v1::SubmitSurveyRequest r;
    r.set_visit_id(visit_id);
    r.set_customer_id("owner-1");
    r.set_agent_id("agent-li");
    for (auto [dim, score] : {std::pair{"quality", quality}, std::pair{"service_effect", 8u}, std::pair{"overall", 0u}}) {
      auto* rt = r.add_ratings();
      rt->set_dimension(dim);
      rt->set_score(score);
    }
    visit::v1::SubmitSurveyResponse resp;
    auto st = call([&](auto& ctx) { return visit->SubmitSurvey(&ctx, r, &resp); });
    ASSERT_TRUE(st.ok()) << st.error_message();
  };
  auto the_case = [&](const std::function<bool(const complaints::v1::Complaint&)>& ready) {
    complaints::v1::Complaint found;
    EXPECT_TRUE(testing::wait_until(
        [&] {
          complaints::v1::ListComplaintsRequest r;
          r.set_tenant_id("prop");
          complaints::v1::ListComplaintsResponse resp;
          if (!call([&](auto& ctx) { return complaints->ListComplaints(&ctx, r, &resp); }).ok() || resp.complaints_size() != 1)
            return false;
          found = resp.complaints(0);
          return ready(found);
        },
        60s))
        << found.DebugString() << logs();
    return found;
  };

  // 1. A finished repair is followed up; the owner rates quality 3.
  {
    intake::v1::RecordServiceEventRequest r;
    r.set_tenant_id("prop");
    r.set_idempotency_key("repair-0001");
    r.set_customer_id("owner-1");
    r.set_category("property.repair_completed");
    *r.mutable_occurred_at() = events::to_proto(kMonday0930);
    intake::v1::RecordServiceEventResponse resp;
    ASSERT_TRUE(call([&](auto& ctx) { return intake->RecordServiceEvent(&ctx, r, &resp); }).ok());
  }
  const auto repair_visit = plan("property.repair_completed");
  survey(repair_visit.visit_id(), 3);

  // 2. The case opens, and the dashboard counts the visit and the complaint.
  auto c = the_case([](const auto& x) { return x.state() == "opened"; });
  EXPECT_EQ(c.source(), complaints::v1::COMPLAINT_SOURCE_VISIT_LOW_RATING);
  EXPECT_EQ(c.source_visit_id(), repair_visit.visit_id());
  ASSERT_TRUE(testing::wait_until([&] { return dashboard("/api/complaints").value("opened", "0") == "1"; }, 60s)) << logs();
  auto overview = dashboard("/api/overview");
  EXPECT_EQ(overview["completed"], "1");
  auto quality = dashboard("/api/satisfaction")["dimensions"];
  ASSERT_TRUE(quality.is_array());
  EXPECT_EQ(quality[0]["dimension"], "overall");
  EXPECT_EQ(quality[0]["unrated"], "1");
  EXPECT_EQ(quality[1]["dimension"], "quality");
  EXPECT_EQ(quality[1]["unsatisfied"], "1");

  // 3. Not investigated by midnight: the SLA timer escalates it to the supervisor.
  ASSERT_TRUE(core::FileClock::write(clock_file_, kMonday0930 + 15h));
  c = the_case([](const auto& x) { return x.level() == complaints::v1::ESCALATION_LEVEL_SUPERVISOR; });

  // 4. The handler investigates and resolves; scheduling plans the follow-up within 3 days.
  {
    complaints::v1::AssignComplaintRequest a;
    a.set_customer_id("owner-1");
    a.set_complaint_id(c.complaint_id());
    a.set_handler_id("handler-zhou");
    complaints::v1::CaseResponse resp;
    ASSERT_TRUE(call([&](auto& ctx) { return complaints->AssignComplaint(&ctx, a, &resp); }).ok());
    complaints::v1::CaseActionRequest s;
    s.set_customer_id("owner-1");
    s.set_complaint_id(c.complaint_id());
    ASSERT_TRUE(call([&](auto& ctx) { return complaints->StartInvestigation(&ctx, s, &resp); }).ok());
    complaints::v1::ResolveComplaintRequest r;
    r.set_customer_id("owner-1");
    r.set_complaint_id(c.complaint_id());
    r.set_resolution("replaced the leaking valve");
    r.set_effective(true);
    auto st = call([&](auto& ctx) { return complaints->ResolveComplaint(&ctx, r, &resp); });
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(resp.complaint().state(), "resolved");
    complaints::v1::CaseResponse again;
    EXPECT_EQ(call([&](auto& ctx) { return complaints->ResolveComplaint(&ctx, r, &again); }).error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);
  }
  const auto follow_up = plan("complaint_resolved");
  EXPECT_LE(events::from_proto(follow_up.due_by()), kMonday0930 + 15h + 72h);
  ASSERT_TRUE(testing::wait_until([&] { return dashboard("/api/complaints").value("follow_ups_due", "0") == "1"; }, 60s));

  // 5. The follow-up the next day finds the owner satisfied: the case closes.
  ASSERT_TRUE(core::FileClock::write(clock_file_, kMonday0930 + 24h));
  survey(follow_up.visit_id(), 9);
  c = the_case([](const auto& x) { return x.state() == "closed"; });
  ASSERT_TRUE(testing::wait_until(
      [&] {
        auto stats = dashboard("/api/complaints");
        return stats.value("follow_ups_within_3_days", "0") == "1" && stats["funnel"].value("closed", "0") == "1";
      },
      60s))
      << dashboard("/api/complaints").dump() << logs();
  overview = dashboard("/api/overview");
  EXPECT_EQ(overview["completed"], "2");
  EXPECT_DOUBLE_EQ(overview["follow_up_within_3_days_rate"].get<double>(), 1.0);

  // The same figures over gRPC, the monthly summary as CSV, and a rebuild that changes nothing.
  analytics::v1::FigureQuery q;
  q.set_tenant_id("prop");
  analytics::v1::ComplaintStats stats;
  ASSERT_TRUE(call([&](auto& ctx) { return analytics->GetComplaintStats(&ctx, q, &stats); }).ok());
  EXPECT_EQ(stats.opened(), 1u);
  EXPECT_EQ(stats.follow_ups_within_3_days(), 1u);
  analytics::v1::ExportReportRequest er;
  *er.mutable_filter() = q;
  er.set_kind(analytics::v1::REPORT_KIND_MONTHLY_SUMMARY);
  er.set_format(analytics::v1::REPORT_FORMAT_CSV);
  analytics::v1::ExportReportResponse report;
  ASSERT_TRUE(call([&](auto& ctx) { return analytics->ExportReport(&ctx, er, &report); }).ok());
  EXPECT_NE(report.content().find("prop 项目"), std::string::npos) << report.content();
  EXPECT_EQ(report.content().find("王业主"), std::string::npos);  // no personal data in analytics' outputs
  const std::string before = dashboard("/api/complaints").dump() + dashboard("/api/satisfaction").dump();
  auto ops = stub<analytics::v1::AnalyticsService>("analytics", "operator");  // rebuilds are the platform's
  analytics::v1::RebuildRequest rb;
  analytics::v1::RebuildResponse rbr;
  ASSERT_TRUE(call([&](auto& ctx) { return ops->Rebuild(&ctx, rb, &rbr); }).ok());
  EXPECT_EQ(rbr.building_version(), 2u);
  ASSERT_TRUE(testing::wait_until(
      [&] {
        analytics::v1::ProjectionStatus s;
        analytics::v1::GetProjectionStatusRequest sr;
        return call([&](auto& ctx) { return ops->GetProjectionStatus(&ctx, sr, &s); }).ok() &&
               s.serving_version() == 2 && s.building_version() == 0;
      },
      60s))
      << logs();
  EXPECT_EQ(dashboard("/api/complaints").dump() + dashboard("/api/satisfaction").dump(), before);
}

}  // namespace
}  // namespace huifang
