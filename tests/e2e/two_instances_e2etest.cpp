// Two instances of scheduling against the same redis-server and broker: the consumer group splits
// the partitions between them, so both plan, and each outbox partition is relayed by the instance
// holding its lease; one is killed with SIGKILL mid-stream and the other takes over its partitions.
// Every service event is still decided exactly once. Talks to the
// services only through their gRPC and HTTP edges.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "huifang/intake/v1/service.grpc.pb.h"
#include "huifang/scheduling/v1/service.grpc.pb.h"
#include "huifang/testing/broker_process.h"
#include "huifang/testing/local_auth.h"
#include "huifang/testing/process.h"
#include "huifang/testing/redis_server.h"
#include "huifang/testing/wait.h"

namespace huifang {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
constexpr const char* kTenant = "two";

struct Instance {
  int grpc = 0, http = 0;
  std::unique_ptr<testing::Process> process;
};

class TwoInstances : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("huifang-two-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    auth_ = std::make_unique<testing::LocalAuth>((dir_ / "auth").string());
    auto broker = testing::start_broker(HUIFANG_BIN_DIR "/broker/huifang-broker", dir_, 4);
    ASSERT_FALSE(broker.bootstrap.empty());
    broker_ = std::move(broker.process);
    bootstrap_ = broker.bootstrap;
    intake_ = start("intake", 0);
    scheduling_[0] = start("scheduling", 0);
    scheduling_[1] = start("scheduling", 1);
  }
  void TearDown() override {
    for (auto* i : {&intake_, &scheduling_[0], &scheduling_[1]}) i->process.reset();
    broker_.reset();
    fs::remove_all(dir_);
  }

  Instance start(const std::string& name, int n) {
    Instance i{testing::free_port(), testing::free_port(), nullptr};
    std::vector<std::string> args = {"--redis-port=" + std::to_string(redis_.port()), "--kafka-bootstrap=" + bootstrap_,
                                     "--grpc-listen=127.0.0.1:" + std::to_string(i.grpc),
                                     "--http-listen=127.0.0.1:" + std::to_string(i.http),
                                     // A short session, so the group gives up on a killed member soon.
                                     "--kafka-properties=session.timeout.ms=6000,heartbeat.interval.ms=500",
                                     "--lease-ttl=2s", auth_->jwks_flag()};
    i.process = std::make_unique<testing::Process>(std::string(HUIFANG_BIN_DIR "/") + name + "/huifang-" + name, args,
                                                   (dir_ / (name + std::to_string(n) + ".log")).string());
    return i;
  }
  template <typename Service>
  std::unique_ptr<typename Service::Stub> stub(const Instance& i) const {
    auto ch = auth_->channel("127.0.0.1:" + std::to_string(i.grpc), "admin", kTenant);
    EXPECT_TRUE(ch->WaitForConnected(std::chrono::system_clock::now() + 20s));
    return Service::NewStub(ch);
  }
  // A counter from this instance's /metrics (-1 when it does not answer).
  static long counter(const Instance& i, const std::string& series) {
    httplib::Client http("127.0.0.1", i.http);
    auto r = http.Get("/metrics");
    if (!r || r->status != 200) return -1;
    const auto at = r->body.find(series + " ");
    return at == std::string::npos ? 0 : std::stol(r->body.substr(at + series.size() + 1));
  }
  // Messages this instance's scheduling consumer applied.
  static long applied(const Instance& i) { return counter(i, R"(huifang_consumer_messages_total{group="scheduling"})"); }
  // Events this instance's relay had acknowledged by the broker.
  static long relayed(const Instance& i) { return counter(i, R"(huifang_relay_published_total{topic="huifang.scheduling.v1"})"); }
  // Entries in scheduling's outboxes, every partition.
  long outbox_entries() const {
    const std::string n = redis_.cli(
        "EVAL \"local n = 0 for p = 0, 63 do n = n + redis.call('XLEN', 'scheduling:{p' .. p .. '}:outbox') end return n\" 0");
    return n.empty() ? -1 : std::stol(n);
  }

  testing::RedisServer redis_;
  fs::path dir_;
  std::string bootstrap_;
  std::unique_ptr<testing::Process> broker_;
  std::unique_ptr<testing::LocalAuth> auth_;
  Instance intake_, scheduling_[2];
};

TEST_F(TwoInstances, ShareThePartitionsAndOneKilledLosesNothingAndPlansNothingTwice) {
  auto intake = stub<intake::v1::IntakeService>(intake_);
  auto scheduling = stub<scheduling::v1::SchedulingService>(scheduling_[0]);
  auto call = [](auto fn) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 10s);
    return fn(ctx);
  };
  {
    intake::v1::DefineOrgUnitRequest r;
    r.set_tenant_id(kTenant);
    r.mutable_org_unit()->set_id("branch");
    r.mutable_org_unit()->set_kind(intake::v1::ORG_UNIT_KIND_ENTERPRISE);
    r.mutable_org_unit()->set_name("branch");
    intake::v1::DefineOrgUnitResponse resp;
    ASSERT_TRUE(call([&](auto& c) { return intake->DefineOrgUnit(&c, r, &resp); }).ok());
  }
  {
    intake::v1::RegisterAgentRequest r;
    r.set_tenant_id(kTenant);
    r.mutable_agent()->set_id("agent-1");
    r.mutable_agent()->set_org_unit_id("branch");
    r.mutable_agent()->set_role(common::v1::ROLE_AGENT);
    r.mutable_agent()->set_display_name("agent 1");
    r.mutable_agent()->set_daily_capacity(500);
    r.mutable_agent()->set_active(true);
    intake::v1::RegisterAgentResponse resp;
    ASSERT_TRUE(call([&](auto& c) { return intake->RegisterAgent(&c, r, &resp); }).ok());
  }
  {
    scheduling::v1::PutPolicyRequest r;
    r.set_tenant_id(kTenant);
    r.set_yaml(R"(policy: two
categories: [two.delivered]
calendar: {skip_weekends: false, skip_holidays: false}
calling_windows: ["00:00-24:00"]
rules:
  - id: delivered
    trigger: two.delivered
    exempt_from_limits: true
    visits: [{sequence: same_day, delay_days: 0, window_days: 1}]
)");
    scheduling::v1::PutPolicyResponse resp;
    const auto st = call([&](auto& c) { return scheduling->PutPolicy(&c, r, &resp); });
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  constexpr int kCustomers = 40;
  for (int i = 0; i < kCustomers; ++i) {
    intake::v1::CreateCustomerRequest r;
    auto* c = r.mutable_customer();
    c->set_id("c" + std::to_string(i));
    c->set_tenant_id(kTenant);
    c->set_org_unit_id("branch");
    c->set_display_name("customer " + std::to_string(i));
    c->set_kind(intake::v1::CUSTOMER_KIND_PERSON);
    c->set_time_zone("Asia/Shanghai");
    intake::v1::CreateCustomerResponse resp;
    ASSERT_TRUE(call([&](auto& ctx) { return intake->CreateCustomer(&ctx, r, &resp); }).ok());
  }
  std::vector<std::pair<std::string, std::string>> recorded;  // customer, service event
  auto record = [&](int n) {
    intake::v1::RecordServiceEventRequest r;
    r.set_tenant_id(kTenant);
    r.set_idempotency_key("two-" + std::to_string(n));
    r.set_customer_id("c" + std::to_string(n % kCustomers));
    r.set_category("two.delivered");
    r.mutable_occurred_at()->set_seconds(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    intake::v1::RecordServiceEventResponse resp;
    const auto st = call([&](auto& c) { return intake->RecordServiceEvent(&c, r, &resp); });
    ASSERT_TRUE(st.ok()) << st.error_message();
    recorded.emplace_back(r.customer_id(), resp.service_event_id());
  };
  // Both instances plan: the group gave each a share of the partitions.
  for (int n = 0; n < kCustomers; ++n) record(n);
  ASSERT_TRUE(testing::wait_until([&] { return applied(scheduling_[0]) > 0 && applied(scheduling_[1]) > 0; }, 60s))
      << applied(scheduling_[0]) << " and " << applied(scheduling_[1]) << " messages applied\n"
      << scheduling_[1].process->log_tail();
  // Each outbox partition is relayed by one instance only (the one holding its lease): what the
  // two published adds up to the entries, no more.
  EXPECT_TRUE(testing::wait_until([&] { return relayed(scheduling_[0]) + relayed(scheduling_[1]) == outbox_entries(); }, 30s))
      << relayed(scheduling_[0]) << " + " << relayed(scheduling_[1]) << " relayed, " << outbox_entries() << " in the outboxes";
  EXPECT_GE(outbox_entries(), kCustomers);  // a VisitPlanned each: the count above is of something
  // The lease holder dies mid-stream; the other takes its consumer partitions over once the group
  // gives up on it, and its outbox partitions once their leases run out.
  for (int n = kCustomers; n < kCustomers + 20; ++n) record(n);
  const int holder = relayed(scheduling_[0]) > 0 ? 0 : 1;
  scheduling_[holder].process->kill();
  for (int n = kCustomers + 20; n < 2 * kCustomers; ++n) record(n);
  const Instance& survivor = scheduling_[1 - holder];
  scheduling = stub<scheduling::v1::SchedulingService>(survivor);
  auto planned = [&](const std::pair<std::string, std::string>& ev) {
    scheduling::v1::ExplainServiceEventRequest r;
    r.set_tenant_id(kTenant);
    r.set_customer_id(ev.first);
    r.set_service_event_id(ev.second);
    scheduling::v1::ExplainResponse x;
    if (!call([&](auto& c) { return scheduling->ExplainServiceEvent(&c, r, &x); }).ok()) return -1;
    int decisions = 0;
    for (const auto& d : x.decisions()) decisions += d.outcome() == "planned";
    return decisions;
  };
  // Polled one event at a time until it is planned, so the wait stays within the caller's rate.
  auto pending = recorded;
  ASSERT_TRUE(testing::wait_until(
      [&] {
        while (!pending.empty() && planned(pending.back()) >= 1) pending.pop_back();
        return pending.empty();
      },
      120s))
      << survivor.process->log_tail();
  for (const auto& ev : recorded) EXPECT_EQ(planned(ev), 1) << ev.second;
  // What the dead holder left unpublished goes out from the survivor.
  EXPECT_TRUE(testing::wait_until([&] { return relayed(survivor) > 0; }, 30s)) << survivor.process->log_tail();
}

}  // namespace
}  // namespace huifang
