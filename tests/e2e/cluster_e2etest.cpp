// The whole cluster as a user runs it: started by ./scripts/up itself (redis-server with ACL users,
// the embedded broker, five services, the demo loaded through the edges), driven only through
// gRPC, the inbound topic and huifangctl: trigger → plan → agenda → callback → survey → complaint →
// 3-day follow-up → dashboard figures; one service killed and restarted mid-stream with nothing
// lost and nothing planned twice; the dashboard page rendered in headless Chromium with no console
// errors, its screenshot kept in <build>/test-artifacts/.
#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "huifang/complaints/v1/service.grpc.pb.h"
#include "huifang/intake/v1/service.grpc.pb.h"
#include "huifang/scheduling/v1/service.grpc.pb.h"
#include "huifang/testing/local_auth.h"
#include "huifang/testing/process.h"
#include "huifang/testing/redis_server.h"
#include "huifang/testing/wait.h"

namespace huifang {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using nlohmann::json;

bool port_free(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// A base such that base+1 .. base+5 are free, below the kernel's ephemeral ports (32768 and up by
// default): a base taken from that range could be taken again by an outgoing connection of the
// cluster's own processes between this choice and the last service's bind (seen: complaints
// failed to listen on base+4 while the others were already connected to Redis and the broker).
int free_base() {
  static std::mt19937 rng(static_cast<unsigned>(::getpid()));  // one sequence: each call its own base
  for (int tries = 0; tries < 200; ++tries) {
    const int base = 20'000 + static_cast<int>(rng() % 1'200) * 10;  // 20000 .. 31990
    bool ok = true;
    for (int i = 1; i <= 5 && ok; ++i) ok = port_free(base + i);
    if (ok) return base;
  }
  return 0;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class Cluster : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    state_ = fs::temp_directory_path() / ("huifang-cluster-" + std::to_string(::getpid()));
    fs::create_directories(state_);
    grpc_base_ = free_base();
    http_base_ = free_base();
    ASSERT_NE(grpc_base_, 0);
    ASSERT_NE(http_base_, grpc_base_);
    const std::map<std::string, std::string> env = {
        {"HUIFANG_STATE_DIR", state_.string()}, {"HUIFANG_REDIS_PORT", std::to_string(testing::free_port())},
        {"HUIFANG_GRPC_BASE", std::to_string(grpc_base_)}, {"HUIFANG_HTTP_BASE", std::to_string(http_base_)},
        {"HUIFANG_PARTITIONS", "4"}, {"HUIFANG_DEMO_DAYS", "10"}, {"HUIFANG_DEMO_CUSTOMERS", "300"},
        {"HUIFANG_BUILD_DIR", HUIFANG_BUILD_DIR}, {"HUIFANG_AUTH_DIR", (state_ / "auth").string()},
        // Analytics saves rarely here, so a kill lands between saves (AnalyticsKilledBetweenSaves…).
        {"HUIFANG_SAVE_INTERVAL", "5s"}};
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    for (auto [name, i] : {std::pair{"INTAKE", 1}, std::pair{"SCHEDULING", 2}, std::pair{"VISIT", 3},
                           std::pair{"COMPLAINTS", 4}, std::pair{"ANALYTICS", 5}})
      ::setenv(("HUIFANG_" + std::string(name) + "_GRPC").c_str(), ("127.0.0.1:" + std::to_string(grpc_base_ + i)).c_str(), 1);
    up_ = std::make_unique<testing::Process>(HUIFANG_SOURCE_DIR "/scripts/up", std::vector<std::string>{},
                                             (state_ / "up.log").string());
    ASSERT_TRUE(testing::wait_until([] { return slurp(state_ / "up.log").find("Press Ctrl-C to stop.") != std::string::npos; },
                                    600s))
        << slurp(state_ / "up.log");
  }
  static void TearDownTestSuite() {
    if (up_) up_->stop();
    up_.reset();
    // Nothing may outlive ./scripts/up's Ctrl-C: look for any process still naming our state dir.
    strays_ = 0;
    for (const auto& p : fs::directory_iterator("/proc")) {
      const std::string cmd = slurp(p.path() / "cmdline");
      if (cmd.find(state_.string()) != std::string::npos) {
        ++strays_;
        ::kill(std::stoi(p.path().filename()), SIGKILL);
      }
    }
    fs::remove_all(state_);
    EXPECT_EQ(strays_, 0) << "processes left behind by ./scripts/up";
  }

  static testing::ShellResult ctl(const std::string& args) {
    return testing::shell(std::string(HUIFANG_BUILD_DIR "/services/huifangctl/huifangctl ") + args);
  }
  static json ctl_json(const std::string& args) {
    auto [code, out] = ctl("--json " + args);
    if (code != 0) return json::object();
    return json::parse(out, nullptr, false);
  }
  // The dashboard's JSON as a manager of the tenant the path names sees it (no tenant: the
  // platform operator).
  static json dashboard(const std::string& path) {
    const auto at = path.find("tenant=");
    const std::string tenant = at == std::string::npos ? "" : path.substr(at + 7, path.find('&', at) - at - 7);
    testing::LocalAuth auth((state_ / "auth").string());
    httplib::Client http("127.0.0.1", http_base_ + 5);
    auto r = http.Get(path.c_str(), {{"Authorization", "Bearer " + auth.token(tenant.empty() ? "operator" : "manager", tenant, "e2e")}});
    return r && r->status == 200 ? json::parse(r->body, nullptr, false) : json::object();
  }
  static int num(const json& j, const char* key) {
    if (!j.is_object() || !j.contains(key)) return 0;
    return j[key].is_string() ? std::stoi(j[key].get<std::string>()) : j[key].get<int>();
  }
  // A stub calling as the demo hospital's admin, signed with the key ./scripts/up made.
  template <typename Service>
  static std::unique_ptr<typename Service::Stub> stub(int offset) {
    testing::LocalAuth auth((state_ / "auth").string());
    return Service::NewStub(auth.channel("127.0.0.1:" + std::to_string(grpc_base_ + offset), "admin", "renmin-hospital"));
  }

  static inline fs::path state_;
  static inline int grpc_base_ = 0, http_base_ = 0, strays_ = 0;
  static inline std::unique_ptr<testing::Process> up_;
};

TEST_F(Cluster, TheDemoIsOnTheDashboard) {
  for (const char* tenant : {"renmin-hospital", "anju-property", "xinda-logistics"}) {
    const auto o = ctl_json(std::string("--tenant ") + tenant + " figures overview");
    EXPECT_GT(num(o, "completed"), 0) << tenant << ": " << o.dump();
    EXPECT_GE(num(o, "due"), num(o, "completed")) << tenant;
  }
  const auto tenants = dashboard("/api/tenants");
  ASSERT_TRUE(tenants.contains("tenants"));
  EXPECT_EQ(tenants["tenants"].size(), 3u);
  const auto sat = dashboard("/api/satisfaction?tenant=anju-property");
  ASSERT_TRUE(sat.contains("dimensions"));
  EXPECT_GT(sat["dimensions"].size(), 0u);
}

TEST_F(Cluster, TriggerToFollowUpThroughHuifangctlAndTheInboundTopic) {
  const std::string t = "--tenant renmin-hospital ";
  // A discharge-like trigger from an integration on the inbound topic, for a demo patient with
  // nothing planned: the policy merges a visit into one already planned within 3 days, and which
  // patients have one depends on where the demo's dates fall.
  std::string customer;
  for (int i = 1; i <= 100 && customer.empty(); ++i) {
    const std::string candidate = "renmin-hospital-c" + std::to_string(i);
    const auto [code, out] = ctl("--json " + t + "plan " + candidate);
    if (code == 0 && json::parse(out, nullptr, false).value("visits", json::array()).empty()) customer = candidate;
  }
  ASSERT_FALSE(customer.empty()) << "every demo patient has a visit planned";
  const std::time_t now = std::time(nullptr);
  char occurred[32];
  std::strftime(occurred, sizeof occurred, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  const std::string json_event = R"({"tenantId":"renmin-hospital","idempotencyKey":"e2e-inbound-1","customerId":")" + customer +
                                 R"(","category":"hospital.surgery_or_unclear_referral","sourceSystem":"HIS","occurredAt":")" +
                                 occurred + R"("})";
  // The integration's key binds its events to its tenant; the same event under another tenant's
  // key is dead-lettered and plans nothing.
  auto [key_code, key_out] = ctl(t + "--as e2e-his auth api-key");
  ASSERT_EQ(key_code, 0) << key_out;
  const std::string key = key_out.substr(0, key_out.find('\n'));
  auto [other_code, other_out] = ctl("--tenant anju-property --as e2e-spoofer auth api-key");
  ASSERT_EQ(other_code, 0) << other_out;
  const std::string other_key = other_out.substr(0, other_out.find('\n'));
  const std::string bootstrap = slurp(state_ / "broker.addr");
  const auto produce = [&](const std::string& payload, const std::string& api_key) {
    return testing::shell("printf '%s' '" + payload + "' | kcat -P -b " + bootstrap.substr(0, bootstrap.find('\n')) +
                          " -t huifang.inbound.v1 -k " + customer + " -H x-api-key=" + api_key);
  };
  std::string spoofed = json_event;
  spoofed.replace(spoofed.find("e2e-inbound-1"), 13, "e2e-inbound-0");
  auto [sc, sout] = produce(spoofed, other_key);
  ASSERT_EQ(sc, 0) << sout;
  auto [kc, kout] = produce(json_event, key);
  ASSERT_EQ(kc, 0) << kout;
  // Planned and on an agent's agenda (upcoming).
  json visit;
  ASSERT_TRUE(testing::wait_until(
      [&] {
        for (const auto& v : ctl_json(t + "plan " + customer).value("visits", json::array()))
          if (v.value("category", "") == "hospital.surgery_or_unclear_referral") return visit = v, true;
        return false;
      },
      60s));
  const std::string vid = visit["visit_id"], agent = visit["agent_id"];
  ASSERT_FALSE(agent.empty());
  // The spoofed one, before it in the partition, was set aside with its reason.
  httplib::Client intake_http("127.0.0.1", http_base_ + 1);
  const auto metrics = intake_http.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("huifang_consumer_deadletters_total{group=\"intake-inbound\"} 1"), std::string::npos)
      << metrics->body.substr(0, 2000);
  bool on_agenda = false;
  for (const auto& i : ctl_json(t + "agenda " + agent + " --view upcoming").value("items", json::array()))
    on_agenda |= i.value("visit_id", "") == vid;
  EXPECT_TRUE(on_agenda);
  // "Not convenient, call me at 19:30 the day after tomorrow": rescheduled to exactly then.
  const auto day = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now() + 8h + 48h);
  const std::chrono::year_month_day ymd{day};
  char when[32];
  std::snprintf(when, sizeof when, "%04d-%02u-%02uT19:30", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  const std::string on_visit = vid + " --customer " + customer + " --agent " + agent;
  EXPECT_TRUE(testing::wait_until([&] { return ctl(t + "visit start " + on_visit).exit_code == 0; }, 30s));
  EXPECT_EQ(ctl(t + "visit attempt " + on_visit + " --outcome not_convenient --reason at-work --callback-at " + when).exit_code, 0);
  ASSERT_TRUE(testing::wait_until(
      [&] {
        for (const auto& v : ctl_json(t + "plan " + customer).value("visits", json::array()))
          if (v.value("visit_id", "") == vid) return v.value("scheduled_at", "").find(std::string(when).substr(0, 10) + "T11:30") == 0;
        return false;
      },
      60s))
      << ctl(t + "plan " + customer).out;
  // A wrong command is refused with a message and exit code 1; bad usage is 2.
  EXPECT_EQ(ctl(t + "visit survey " + on_visit + " --rate nonsense=5").exit_code, 1);
  EXPECT_EQ(ctl(t + "visit survey " + on_visit + " --rate medical_care=11").exit_code, 2);
  // The survey with a poor score opens a complaint.
  ASSERT_EQ(ctl(t + "visit survey " + on_visit + " --rate medical_care=3 --rate nursing=8 --rate environment=0").exit_code, 0);
  json c;
  ASSERT_TRUE(testing::wait_until(
      [&] {
        for (const auto& x : ctl_json(t + "complaint list").value("complaints", json::array()))
          if (x.value("source_visit_id", "") == vid) return c = x, true;
        return false;
      },
      60s));
  const std::string on_case = std::string(c["complaint_id"]) + " --customer " + customer;
  EXPECT_EQ(ctl(t + "--as supervisor-1 complaint assign " + on_case + " --handler handler-1").exit_code, 0);
  EXPECT_EQ(ctl(t + "complaint investigate " + on_case).exit_code, 0);
  EXPECT_EQ(ctl(t + "complaint resolve " + on_case + " --resolution explained-the-medication").exit_code, 0);
  EXPECT_EQ(ctl(t + "complaint resolve " + on_case + " --resolution again").exit_code, 1);  // already resolved
  // Its follow-up visit within 3 days; a satisfied customer closes the case.
  json follow_up;
  ASSERT_TRUE(testing::wait_until(
      [&] {
        for (const auto& v : ctl_json(t + "plan " + customer).value("visits", json::array()))
          if (v.value("category", "") == "complaint_resolved" && !v.value("agent_id", "").empty()) return follow_up = v, true;
        return false;
      },
      60s));
  const std::string on_follow_up = std::string(follow_up["visit_id"]) + " --customer " + customer + " --agent " +
                                   std::string(follow_up["agent_id"]);
  // Scheduling planned it; the visit service learns it one hop later (until the visit has one owner).
  EXPECT_TRUE(testing::wait_until([&] { return ctl(t + "visit start " + on_follow_up).exit_code == 0; }, 30s));
  ASSERT_EQ(ctl(t + "visit survey " + on_follow_up + " --rate quality=9 --rate service_effect=9 --rate overall=10").exit_code, 0);
  ASSERT_TRUE(testing::wait_until(
      [&] {
        for (const auto& x : ctl_json(t + "complaint list --state closed").value("complaints", json::array()))
          if (x.value("complaint_id", "") == c["complaint_id"]) return true;
        return false;
      },
      60s));
  ASSERT_TRUE(testing::wait_until([&] { return num(ctl_json(t + "figures complaints"), "follow_ups_within_3_days") >= 1; }, 60s));
  // The report exports.
  const auto out = (state_ / "summary.xlsx").string();
  EXPECT_EQ(ctl(t + "report --kind monthly --format xlsx --out " + out).exit_code, 0);
  EXPECT_GT(fs::file_size(out), 1000u);
}

// The pid of one of the cluster's programs, 0 when it is not running.
pid_t pid_of(const fs::path& state, const std::string& program) {
  for (const auto& p : fs::directory_iterator("/proc")) {
    const std::string cmd = slurp(p.path() / "cmdline");
    if (cmd.find(program) != std::string::npos && cmd.find(state.string()) != std::string::npos)
      return static_cast<pid_t>(std::stoi(p.path().filename()));
  }
  return pid_t{0};
}

// Analytics counts in memory and saves its facts with their checkpoints on a timer; the consumer's
// offsets are stored only for what a save covered. Killed after counting but before saving, it
// must count the same events again after the restart — once, not zero times and not twice.
TEST_F(Cluster, AnalyticsKilledBetweenSavesCountsEveryEventOnce) {
  const std::string overview = "/api/overview?tenant=renmin-hospital";
  const int before = num(dashboard(overview), "complaints");
  auto complaints = stub<complaints::v1::ComplaintService>(4);
  constexpr int kOpened = 12;
  for (int i = 0; i < kOpened; ++i) {
    complaints::v1::OpenComplaintRequest r;
    r.set_tenant_id("renmin-hospital");
    r.set_idempotency_key("e2e-analytics-kill-" + std::to_string(i));
    r.set_customer_id("renmin-hospital-c" + std::to_string(61 + i));
    r.set_org_unit_id("renmin");
    r.set_category("hospital.discharge");
    r.set_source(complaints::v1::COMPLAINT_SOURCE_HOTLINE);
    r.set_description("e2e: analytics killed between saves");
    complaints::v1::OpenComplaintResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 10s);
    const auto st = complaints->OpenComplaint(&ctx, r, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  ASSERT_TRUE(testing::wait_until([&] { return num(dashboard(overview), "complaints") == before + kOpened; }, 60s));
  const pid_t pid = pid_of(state_, "huifang-analytics");
  ASSERT_NE(pid, 0);
  ::kill(pid, SIGKILL);  // counted in memory, not saved (saves are 5 s apart here)
  ASSERT_TRUE(testing::wait_until([&] { return pid_of(state_, "huifang-analytics") != 0 && pid_of(state_, "huifang-analytics") != pid; }, 30s))
      << slurp(state_ / "up.log");
  // The new member gets its partitions once the group gives up on the killed one (its session).
  ASSERT_TRUE(testing::wait_until([&] { return num(dashboard(overview), "complaints") == before + kOpened; }, 120s))
      << num(dashboard(overview), "complaints") << " complaints after the restart, " << before + kOpened << " expected\n"
      << slurp(state_ / "logs" / "analytics.log").substr(0, 4000);
  std::this_thread::sleep_for(2s);  // anything redelivered late must not count again
  EXPECT_EQ(num(dashboard(overview), "complaints"), before + kOpened);
}

TEST_F(Cluster, SchedulingKilledMidStreamLosesNothingAndPlansNothingTwice) {
  auto scheduling_pid = [] { return pid_of(state_, "huifang-scheduling"); };
  const pid_t pid = scheduling_pid();
  ASSERT_NE(pid, 0);
  auto intake = stub<intake::v1::IntakeService>(1);
  auto scheduling = stub<scheduling::v1::SchedulingService>(2);
  std::vector<std::pair<std::string, std::string>> recorded;  // customer, service event
  auto record = [&](int i) {
    intake::v1::RecordServiceEventRequest r;
    r.set_tenant_id("renmin-hospital");
    r.set_idempotency_key("e2e-kill-" + std::to_string(i));
    r.set_customer_id("renmin-hospital-c" + std::to_string(1 + i));  // one event per patient
    r.set_category("hospital.specialist_first_visit");
    r.mutable_occurred_at()->set_seconds(std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch()).count());
    intake::v1::RecordServiceEventResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 10s);
    const auto st = intake->RecordServiceEvent(&ctx, r, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    recorded.emplace_back(r.customer_id(), resp.service_event_id());
  };
  for (int i = 0; i < 30; ++i) record(i);
  ::kill(pid, SIGKILL);  // a crash mid-stream: nothing flushed, offsets uncommitted
  for (int i = 30; i < 60; ++i) record(i);
  // ./scripts/up notices and starts it again.
  ASSERT_TRUE(testing::wait_until([&] { return scheduling_pid() != 0 && scheduling_pid() != pid; }, 30s))
      << slurp(state_ / "up.log");
  // Every event decided exactly once: planned, or merged/suppressed by the contact limits with the
  // patient's demo visits (later steps — assigned, due — are not decisions about the trigger).
  auto decided = [&](const std::pair<std::string, std::string>& ev) {
    scheduling::v1::ExplainServiceEventRequest r;
    r.set_tenant_id("renmin-hospital");
    r.set_customer_id(ev.first);
    r.set_service_event_id(ev.second);
    scheduling::v1::ExplainResponse x;
    grpc::ClientContext ctx;
    if (!scheduling->ExplainServiceEvent(&ctx, r, &x).ok()) return -1;
    int decisions = 0;
    for (const auto& d : x.decisions())
      decisions += d.outcome() == "planned" || d.outcome() == "merged" || d.outcome() == "suppressed" || d.outcome() == "sampled_out";
    return decisions;
  };
  // Polled one event at a time until it is decided, so the wait stays within the caller's rate.
  auto pending = recorded;
  ASSERT_TRUE(testing::wait_until(
      [&] {
        while (!pending.empty() && decided(pending.back()) >= 1) pending.pop_back();
        return pending.empty();
      },
      120s))
      << slurp(state_ / "logs" / "scheduling.log").substr(0, 4000);
  for (const auto& ev : recorded) EXPECT_EQ(decided(ev), 1) << ev.second;
}

TEST_F(Cluster, TheDashboardRendersInChromiumWithoutConsoleErrors) {
  const fs::path artifacts = fs::path(HUIFANG_BUILD_DIR) / "test-artifacts";
  fs::create_directories(artifacts);
  // Signed in the way a person is: the login page with a token, which sets the session cookie.
  const std::string token = testing::LocalAuth((state_ / "auth").string()).token("manager", "anju-property", "e2e");
  const std::string url = "http://127.0.0.1:" + std::to_string(http_base_ + 5) + "/login#token=" + token;
  const std::string flags = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
                            "--disable-component-update --disable-sync --window-size=1400,1500 --virtual-time-budget=10000 "
                            "--user-data-dir=" + (state_ / "chromium").string();
  const std::string log = (state_ / "chromium.log").string();
  auto [code, dom] = testing::shell("chromium " + flags + " --enable-logging=stderr --v=0 --dump-dom '" + url + "' 2>" + log);
  ASSERT_EQ(code, 0) << "is Debian's chromium installed? " << slurp(log);
  const std::string console = slurp(log);
  EXPECT_EQ(console.find("Uncaught"), std::string::npos) << console;
  EXPECT_EQ(console.find(":ERROR:CONSOLE"), std::string::npos) << console;
  EXPECT_NE(dom.find("id=\"error\"></div>"), std::string::npos) << "the page reported an error: " << dom.substr(0, 3000);
  size_t canvases = 0;
  for (size_t at = dom.find("<canvas"); at != std::string::npos; at = dom.find("<canvas", at + 1)) ++canvases;
  EXPECT_GE(canvases, 5u) << "charts drawn";
  EXPECT_NE(dom.find("class=\"tile"), std::string::npos);
  const std::string shot = (artifacts / "dashboard.png").string();
  auto [scode, sout] = testing::shell("chromium " + flags + " --screenshot=" + shot + " '" + url + "' 2>/dev/null");
  ASSERT_EQ(scode, 0);
  EXPECT_GT(fs::file_size(shot), 10000u);
}

// Trainers move the cluster's time: an advance sticks (scripts/up keeps ticking from it instead of
// resetting to real time), a frozen clock stands still, and following again never goes back.
TEST_F(Cluster, HuifangctlMovesTheClusterClockAndItStays) {
  const std::string clock = "clock --clock-file " + (state_ / "clock").string() + " ";
  auto ahead = [&] { return num(ctl_json(clock + "show"), "seconds_ahead_of_real_time"); };
  ASSERT_EQ(ctl(clock + "advance 2h").exit_code, 0);
  std::this_thread::sleep_for(2500ms);  // scripts/up has ticked since
  EXPECT_GE(ahead(), 7190);
  EXPECT_EQ(ctl(clock + "advance -1h").exit_code, 2);  // never back
  ASSERT_EQ(ctl(clock + "freeze").exit_code, 0);
  const auto frozen_at = ctl_json(clock + "show")["now"];
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(ctl_json(clock + "show")["now"], frozen_at);
  ASSERT_EQ(ctl(clock + "follow").exit_code, 0);
  std::this_thread::sleep_for(2500ms);
  EXPECT_NE(ctl_json(clock + "show")["now"], frozen_at);
  EXPECT_GE(ahead(), 7180);
}

// Last in the suite, after everything above ran through the services: no service was ever refused
// a command or a key by its Redis user (so the users' command lists are complete), and outside
// its lane each user, and anyone without the password, is refused.
TEST_F(Cluster, RedisAdmitsEachServiceToItsOwnKeysAndCommandsOnly) {
  const std::string redis = "redis-cli --no-auth-warning -h 127.0.0.1 -p " + std::string(std::getenv("HUIFANG_REDIS_PORT"));
  const std::string admin = "REDISCLI_AUTH=" + slurp(state_ / "secrets" / "redis-admin") + " " + redis;
  const std::string denials = testing::shell(admin + " ACL LOG").out;
  EXPECT_EQ(denials.find_first_not_of("\n"), std::string::npos) << "a service was refused by Redis:\n" << denials;

  auto as = [&](const std::string& user, const std::string& command) {
    return testing::shell("REDISCLI_AUTH=" + slurp(state_ / "secrets" / user) + " " + redis + " --user " + user + " " +
                          command + " 2>&1").out;
  };
  for (const std::string user : {"intake", "scheduling", "visit", "complaints", "analytics"}) {
    const std::string other = user == "intake" ? "scheduling" : "intake";
    EXPECT_NE(as(user, "GET " + other + ":{p0}:outbox").find("NOPERM"), std::string::npos) << user;
    EXPECT_NE(as(user, "KEYS '*'").find("NOPERM"), std::string::npos) << user;
    EXPECT_NE(as(user, "CONFIG GET dir").find("NOPERM"), std::string::npos) << user;
    EXPECT_NE(as(user, "FLUSHALL").find("NOPERM"), std::string::npos) << user;
    EXPECT_NE(as(user, "ACL LIST").find("NOPERM"), std::string::npos) << user;
    EXPECT_EQ(as(user, "PING"), "PONG\n") << user;  // and its own lane still open
    // The keyring: intake makes and destroys keys, visit and complaints read them, nobody else
    // reaches them.
    const std::string write_key = as(user, "HSET 'keyring:{p0}:keys' probe X");
    if (user == "intake") EXPECT_EQ(write_key.find("NOPERM"), std::string::npos) << write_key;
    else EXPECT_NE(write_key.find("NOPERM"), std::string::npos) << user;
    const std::string read_key = as(user, "HGET 'keyring:{p0}:keys' probe");
    if (user == "intake" || user == "visit" || user == "complaints") EXPECT_EQ(read_key.find("NOPERM"), std::string::npos) << user << ": " << read_key;
    else EXPECT_NE(read_key.find("NOPERM"), std::string::npos) << user;
  }
  EXPECT_NE(testing::shell(redis + " PING 2>&1").out.find("NOAUTH"), std::string::npos);  // the default user, no password
  EXPECT_NE(testing::shell("REDISCLI_AUTH=guess " + redis + " PING 2>&1").out.find("WRONGPASS"), std::string::npos);
  const auto perms = fs::status(state_ / "secrets" / "redis-admin").permissions();
  EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
}

}  // namespace
}  // namespace huifang
