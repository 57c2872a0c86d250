// The whole-cluster benchmark: drives a running cluster (started by ./scripts/bench the way
// ./scripts/up starts it) with service events through the inbound topic and the gRPC edge, has
// simulated agents complete a share of the planned visits, and measures throughput end to end,
// per-hop latency at a fixed offered rate, analytics rebuild speed, and the footprint of every
// process — next to redis-benchmark and a raw produce→consume pass on the same servers. Checks
// at the end that nothing was lost or counted twice and fails loudly if so. Not a test.
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "huifang/analytics/v1/service.grpc.pb.h"
#include "huifang/bus/kafka.h"
#include "huifang/core/log.h"
#include "huifang/events/v1/envelope.pb.h"
#include "huifang/inbound/v1/inbound.pb.h"
#include "huifang/intake/v1/service.grpc.pb.h"
#include "huifang/scheduling/v1/service.grpc.pb.h"
#include "huifang/visit/v1/service.grpc.pb.h"
#include "huifang/testing/local_auth.h"
#include "huifang/testing/process.h"
#include "raw_limits.h"
#include "redis_breakdown.h"

namespace huifang::bench {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
const std::string kTenant = "bench";

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Options {
  fs::path state;
  int grpc_base = 7200, http_base = 8200, redis_port = 6391;
  uint64_t events = 1'000'000;
  double grpc_share = 0.1;       // of the throughput events, sent through the gRPC edge
  double complete_share = 0.02;  // of the planned visits, completed by simulated agents
  int rate = 5000, latency_seconds = 20;
  int customers = 20000, agents = 20;
  int instances = 1;  // of intake, scheduling, visit and complaints (scripts/up's HUIFANG_INSTANCES)
  std::string out = "bench-results.json";
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Percentiles {
  double p50 = 0, p95 = 0, p99 = 0, max = 0;
  size_t n = 0;
};
Percentiles percentiles(std::vector<double> v) {
  Percentiles p;
  p.n = v.size();
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))]; };
  p.p50 = at(0.50), p.p95 = at(0.95), p.p99 = at(0.99), p.max = v.back();
  return p;
}

class Bench {
 public:
  explicit Bench(Options o) : o_(std::move(o)) {
    // redis-cli and redis-benchmark (INFO, DBSIZE, the raw rates) as ./scripts/up's administrator.
    if (const std::string pw = read_file(o_.state / "secrets" / "redis-admin"); !pw.empty())
      ::setenv("REDISCLI_AUTH", pw.c_str(), 1);
    // Signed in with the key ./scripts/up made: the tenant's admin, a supervisor working visits
    // for its agents, and the platform operator who rebuilds.
    testing::LocalAuth auth((o_.state / "auth").string());
    auto ch = [&](int i, const char* role) {
      return auth.channel("127.0.0.1:" + std::to_string(o_.grpc_base + i), role, std::string(role) == "operator" ? "" : kTenant);
    };
    intake_ = intake::v1::IntakeService::NewStub(ch(1, "admin"));
    scheduling_ = scheduling::v1::SchedulingService::NewStub(ch(2, "admin"));
    visit_ = visit::v1::VisitService::NewStub(ch(3, "supervisor"));
    analytics_ = analytics::v1::AnalyticsService::NewStub(ch(5, "admin"));
    operator_ = analytics::v1::AnalyticsService::NewStub(ch(5, "operator"));
    inbound_key_ = auth.api_key(kTenant, "bench-feed");  // binds the inbound events to the tenant
    bootstrap_ = read_file(o_.state / "broker.addr");
    bootstrap_ = bootstrap_.substr(0, bootstrap_.find('\n'));
    producer_ = std::move(*bus::Producer::create({bootstrap_, "bench", {}}));
  }

  int run() {
    set_up();
    start_observer();
    throughput();
    latency();
    footprint_and_rebuild();
    observing_ = false;  // the bench's own consumer is not the cluster's cost
    observer_.join();
    idle();
    raw();
    return report();
  }

 private:
  template <typename Fn>
  bool call(Fn fn) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 60s);
    return fn(ctx).ok();
  }

  void set_up() {
    for (auto [id, parent] : {std::pair{"bench-hq", ""}, std::pair{"bench-ops", "bench-hq"}}) {
      intake::v1::DefineOrgUnitRequest r;
      r.set_tenant_id(kTenant);
      r.mutable_org_unit()->set_id(id);
      r.mutable_org_unit()->set_parent_id(parent);
      r.mutable_org_unit()->set_name(id);
      r.mutable_org_unit()->set_kind(*parent ? intake::v1::ORG_UNIT_KIND_BRANCH : intake::v1::ORG_UNIT_KIND_ENTERPRISE);
      intake::v1::DefineOrgUnitResponse resp;
      if (!call([&](auto& c) { return intake_->DefineOrgUnit(&c, r, &resp); })) die(std::string("org unit ") + id + " refused");
    }
    for (int i = 0; i < o_.agents; ++i) {
      intake::v1::RegisterAgentRequest r;
      r.set_tenant_id(kTenant);
      r.mutable_agent()->set_id("bench-agent-" + std::to_string(i));
      r.mutable_agent()->set_org_unit_id("bench-ops");
      r.mutable_agent()->set_role(common::v1::ROLE_AGENT);
      r.mutable_agent()->set_display_name("bench agent " + std::to_string(i));
      r.mutable_agent()->set_daily_capacity(500);
      r.mutable_agent()->set_active(true);
      intake::v1::RegisterAgentResponse resp;
      if (!call([&](auto& c) { return intake_->RegisterAgent(&c, r, &resp); })) die("agent registration refused");
    }
    scheduling::v1::PutPolicyRequest p;
    p.set_tenant_id(kTenant);
    p.set_yaml(R"(policy: bench
categories: [bench.delivered]
calendar: {skip_weekends: false, skip_holidays: false}
calling_windows: ["00:00-24:00"]
rules:
  - id: delivered
    trigger: bench.delivered
    exempt_from_limits: true
    visits: [{sequence: same_day, delay_days: 0, window_days: 1}]
)");
    scheduling::v1::PutPolicyResponse presp;
    if (!call([&](auto& c) { return scheduling_->PutPolicy(&c, p, &presp); })) die("the bench policy was refused");
    grpc::ClientContext ctx;
    auto stream = intake_->ImportCustomers(&ctx);
    for (int i = 0; i < o_.customers; ++i) {
      intake::v1::ImportCustomerRow row;
      row.set_row(static_cast<uint32_t>(i + 1));
      auto* c = row.mutable_customer();
      c->set_id(customer(i));
      c->set_tenant_id(kTenant);
      c->set_org_unit_id("bench-ops");
      c->set_kind(intake::v1::CUSTOMER_KIND_PERSON);
      c->set_display_name("bench customer " + std::to_string(i));
      c->set_time_zone("Asia/Shanghai");
      stream->Write(row);
    }
    stream->WritesDone();
    for (intake::v1::ImportRowResult r; stream->Read(&r);)
      if (!r.accepted()) die("customer import refused row " + std::to_string(r.row()) + ": " + r.field() + " " + r.reason());
    if (!stream->Finish().ok()) die("customer import failed");
    std::this_thread::sleep_for(2s);  // scheduling has the customers before their events arrive
  }

  static std::string customer(int i) { return "bench-c" + std::to_string(i); }
  [[noreturn]] static void die(const std::string& why) {
    std::cerr << "\nbench: " << why << '\n';
    std::exit(1);
  }

  // Reads every topic as an outside consumer: per-hop arrival times and bytes per event.
  void start_observer() {
    observer_ = std::thread([this] {
      auto consumer = std::move(*bus::Consumer::create(
          {{bootstrap_, "bench-observer", {}}, "bench-observer-" + std::to_string(::getpid()),
           {"huifang.intake.v1", "huifang.scheduling.v1", "huifang.visit.v1", "huifang.complaints.v1"}}));
      while (observing_) {
        auto msgs = consumer->poll_batch(5000, 50ms);
        const int64_t t = now_us();
        std::lock_guard lock(mu_);
        for (const auto& m : msgs) {
          topic_bytes_ += m.value.size();
          events::v1::Envelope e;
          if (!e.ParseFromString(m.value) || e.tenant_id() != kTenant) continue;
          if (e.has_intake() && e.intake().has_service_event_recorded()) {
            const auto& r = e.intake().service_event_recorded();
            auto it = r.attributes().find("bench_sent_us");
            if (it == r.attributes().end()) continue;
            const int64_t sent = std::stoll(it->second);
            sent_of_[r.service_event_id()] = sent;
            if (measuring_) accepted_ms_.push_back((t - sent) / 1000.0);
          } else if (e.has_scheduling() && e.scheduling().has_visit_planned()) {
            const auto& d = e.scheduling().visit_planned().decision();
            planned_visits_.push_back({d.visit_id(), d.customer_id()});
            auto it = sent_of_.find(d.service_event_id());
            if (measuring_ && it != sent_of_.end()) {
              planned_ms_.push_back((t - it->second) / 1000.0);
              planned_order_.push_back(it->second);
              sent_of_visit_[d.visit_id()] = it->second;
            }
          } else if (e.has_visit() && e.visit().has_visit_due()) {
            // The visit service's hop, so the dashboard leg splits into it and analytics' own.
            auto it = sent_of_visit_.find(e.visit().visit_due().visit_id());
            if (measuring_ && it != sent_of_visit_.end()) due_ms_.push_back((t - it->second) / 1000.0);
          }
        }
      }
      consumer->close();
    });
    // Wait for the observer to join its group before anything is sent.
    std::this_thread::sleep_for(5s);
  }

  analytics::v1::Overview overview() {
    analytics::v1::FigureQuery q;
    q.set_tenant_id(kTenant);
    analytics::v1::Overview o;
    call([&](auto& c) { return analytics_->GetOverview(&c, q, &o); });
    return o;
  }

  void send_inbound(uint64_t seq, std::mt19937_64& rng) {
    inbound::v1::InboundServiceEvent ev;
    ev.set_tenant_id(kTenant);
    ev.set_idempotency_key("bench-" + std::to_string(seq));
    ev.set_customer_id(customer(static_cast<int>(rng() % static_cast<uint64_t>(o_.customers))));
    ev.set_category("bench.delivered");
    ev.set_source_system("bench");
    const int64_t t = now_us();
    ev.mutable_occurred_at()->set_seconds(t / 1'000'000);
    (*ev.mutable_attributes())["bench_sent_us"] = std::to_string(t);
    while (!producer_->produce("huifang.inbound.v1", ev.customer_id(), ev.SerializeAsString(), [](const core::Status&) {},
                               {{"x-api-key", inbound_key_}}))
      producer_->poll(10ms);  // queue full: back off
    producer_->poll(0ms);
  }

  // Simulated agents: complete a share of the planned visits (start + survey through the edge).
  void complete_some(uint64_t target, std::atomic<bool>& running) {
    std::mt19937_64 rng(11);
    size_t next = 0;
    while (running && completed_ < target) {
      std::pair<std::string, std::string> v;
      {
        std::lock_guard lock(mu_);
        if (next >= planned_visits_.size()) v = {};
        else v = planned_visits_[next], next += static_cast<size_t>(1.0 / o_.complete_share);
      }
      if (v.first.empty()) {
        std::this_thread::sleep_for(20ms);
        continue;
      }
      // Whoever it was assigned to: find out through the plan, as an agent's agenda would show it.
      scheduling::v1::GetCustomerPlanRequest pr;
      pr.set_tenant_id(kTenant);
      pr.set_customer_id(v.second);
      scheduling::v1::GetCustomerPlanResponse plan;
      if (!call([&](auto& c) { return visit_->GetCustomerPlan(&c, pr, &plan); })) continue;
      std::string agent;
      for (const auto& i : plan.visits())
        if (i.visit_id() == v.first) agent = i.agent_id();
      if (agent.empty()) continue;
      visit::v1::StartVisitRequest s;
      s.set_visit_id(v.first);
      s.set_customer_id(v.second);
      s.set_agent_id(agent);
      visit::v1::StartVisitResponse started;
      for (int tries = 0; tries < 50 && !call([&](auto& c) { return visit_->StartVisit(&c, s, &started); }); ++tries)
        std::this_thread::sleep_for(20ms);
      visit::v1::SubmitSurveyRequest r;
      r.set_visit_id(v.first);
      r.set_customer_id(v.second);
      r.set_agent_id(agent);
      for (const auto& d : started.survey()) {
        auto* rt = r.add_ratings();
        rt->set_dimension(d.key());
        rt->set_score(static_cast<uint32_t>(7 + rng() % 4));
      }
      visit::v1::SubmitSurveyResponse resp;
      if (call([&](auto& c) { return visit_->SubmitSurvey(&c, r, &resp); })) ++completed_;
    }
  }

  void throughput() {
    const uint64_t n = o_.events, by_grpc = static_cast<uint64_t>(static_cast<double>(n) * o_.grpc_share);
    std::cerr << "bench: throughput: " << n << " service events (" << by_grpc << " through gRPC, the rest on the inbound topic)\n";
    const uint64_t base_due = overview().due();
    const auto start = Clock::now();
    std::atomic<bool> agents_on{true};
    std::thread agents([&] { complete_some(static_cast<uint64_t>(static_cast<double>(n) * o_.complete_share), agents_on); });
    std::thread grpc_sender([&] {
      grpc::ClientContext ctx;
      auto stream = intake_->ImportServiceEvents(&ctx);
      std::mt19937_64 rng(5);
      for (uint64_t i = 0; i < by_grpc; ++i) {
        intake::v1::RecordServiceEventRequest r;
        r.set_tenant_id(kTenant);
        r.set_idempotency_key("bench-grpc-" + std::to_string(i));
        r.set_customer_id(customer(static_cast<int>(rng() % static_cast<uint64_t>(o_.customers))));
        r.set_category("bench.delivered");
        r.mutable_occurred_at()->set_seconds(now_us() / 1'000'000);
        (*r.mutable_attributes())["bench_sent_us"] = std::to_string(now_us());
        if (!stream->Write(r)) break;
      }
      stream->WritesDone();
      for (intake::v1::ImportRowResult res; stream->Read(&res);) grpc_accepted_ += res.accepted();
      (void)stream->Finish();
    });
    std::mt19937_64 rng(3);
    for (uint64_t i = 0; i < n - by_grpc; ++i) {
      send_inbound(i, rng);
      if (i % 20000 == 0) progress("sending", start, i + grpc_accepted_, n);
    }
    (void)producer_->flush(120s);
    grpc_sender.join();
    sent_total_ = n;
    uint64_t due = 0;
    while ((due = overview().due() - base_due) < n) {
      progress("counted on the dashboard", start, due, n);
      std::this_thread::sleep_for(500ms);
      if (Clock::now() - start > std::chrono::minutes(60)) die("not all events reached the dashboard within an hour");
    }
    throughput_secs_ = std::chrono::duration<double>(Clock::now() - start).count();
    agents_on = false;
    agents.join();
    std::cerr << "\n";
  }

  void latency() {
    const uint64_t n = static_cast<uint64_t>(o_.rate) * static_cast<uint64_t>(o_.latency_seconds);
    std::cerr << "bench: latency at " << o_.rate << " events/s for " << o_.latency_seconds << " s\n";
    const uint64_t base_due = overview().due();
    {
      std::lock_guard lock(mu_);
      measuring_ = true;
    }
    std::vector<std::pair<int64_t, uint64_t>> counted;  // (time, dashboard due count), the poller's alone
    std::atomic<bool> polling{true}, all_counted{false};
    std::thread poller([&] {
      while (polling) {
        const uint64_t due = overview().due() - base_due;
        counted.push_back({now_us(), due});
        if (due >= n) return void(all_counted = true);
        std::this_thread::sleep_for(10ms);
      }
    });
    std::mt19937_64 rng(9);
    const auto start = Clock::now();
    for (uint64_t i = 0; i < n; ++i) {
      std::this_thread::sleep_until(start + std::chrono::microseconds(static_cast<int64_t>(1e6 * static_cast<double>(i) / o_.rate)));
      send_inbound(10'000'000'000ULL + i, rng);
      if (i % static_cast<uint64_t>(o_.rate) == 0) progress("offered", start, i, n);
    }
    (void)producer_->flush(60s);
    const auto deadline = Clock::now() + 120s;
    while (Clock::now() < deadline && !all_counted) std::this_thread::sleep_for(100ms);
    polling = false;
    poller.join();
    if (!all_counted) std::cerr << "\nbench: not every latency event reached the dashboard within 2 minutes\n";
    sent_total_ += n;
    std::lock_guard lock(mu_);
    measuring_ = false;
    // Dashboard: the k-th visit to be planned is counted once the counter reaches k.
    std::vector<int64_t> sent = planned_order_;
    for (size_t k = 0, j = 0; k < sent.size(); ++k) {
      while (j < counted.size() && counted[j].second < k + 1) ++j;
      if (j == counted.size()) break;
      dashboard_ms_.push_back((counted[j].first - sent[k]) / 1000.0);
    }
    std::cerr << "\n";
  }

  void progress(const char* what, Clock::time_point start, uint64_t done, uint64_t total) {
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    const std::string of = total ? " / " + std::to_string(total) : "";
    std::fprintf(stderr, "\rbench: %-26s %9llu%s  (%.0f/s)    ", what, static_cast<unsigned long long>(done), of.c_str(),
                 secs > 0 ? static_cast<double>(done) / secs : 0.0);
  }

  struct Proc {
    std::string name;
    double cpu_secs = 0;
    double peak_rss_mib = 0;
  };
  std::vector<Proc> processes() {
    std::vector<Proc> out;
    for (const auto& p : fs::directory_iterator("/proc")) {
      const std::string cmd = read_file(p.path() / "cmdline");
      if (cmd.find(o_.state.string()) == std::string::npos) continue;
      std::string name;
      for (const char* n : {"huifang-broker", "huifang-intake", "huifang-scheduling", "huifang-visit", "huifang-complaints",
                            "huifang-analytics", "redis-server"})
        if (cmd.find(n) != std::string::npos) name = n;
      if (name.empty()) continue;
      Proc pr{name};
      std::istringstream stat(read_file(p.path() / "stat"));
      std::string field;
      for (int i = 1; i <= 15 && stat >> field; ++i)
        if (i == 14 || i == 15) pr.cpu_secs += std::stod(field) / static_cast<double>(::sysconf(_SC_CLK_TCK));
      std::istringstream status(read_file(p.path() / "status"));
      for (std::string line; std::getline(status, line);)
        if (line.rfind("VmHWM:", 0) == 0) pr.peak_rss_mib = std::stod(line.substr(6)) / 1024.0;
      out.push_back(pr);
    }
    std::sort(out.begin(), out.end(), [](const Proc& a, const Proc& b) { return a.name < b.name; });
    return out;
  }

  void footprint_and_rebuild() {
    procs_ = processes();
    const std::string info = testing::shell("redis-cli -p " + std::to_string(o_.redis_port) + " INFO memory").out;
    const auto at = info.find("used_memory:");
    redis_bytes_ = at == std::string::npos ? 0 : std::stod(info.substr(at + 12));
    std::cerr << "bench: redis memory by kind of key\n";
    memory_kinds_ = redis_memory_by_kind(o_.redis_port);
    final_ = overview();
    rebuild();
  }

  // Analytics folds every topic from the beginning into a new version and switches to it. The
  // embedded broker keeps about 5 MiB per partition, so after a long run it no longer holds every
  // event: analytics then refuses to switch, and the rate is what it folded until it noticed.
  void rebuild() {
    std::cerr << "bench: rebuild\n";
    analytics::v1::GetProjectionStatusRequest sr;
    analytics::v1::RebuildRequest r;
    analytics::v1::RebuildResponse resp;
    const auto start = Clock::now();
    if (!call([&](auto& c) { return operator_->Rebuild(&c, r, &resp); })) die("rebuild refused");
    analytics::v1::ProjectionStatus s;
    do {
      std::this_thread::sleep_for(100ms);
      if (!call([&](auto& c) { return operator_->GetProjectionStatus(&c, sr, &s); })) die("analytics stopped answering during the rebuild");
      if (Clock::now() - start > std::chrono::minutes(60)) die("the rebuild did not finish within an hour");
      progress("rebuild folded", start, s.building_events_applied(), 0);
    } while (s.serving_version() != resp.building_version() && s.last_rebuild_error().empty());
    std::cerr << "\n";
    rebuild_secs_ = std::chrono::duration<double>(Clock::now() - start).count();
    rebuild_error_ = s.last_rebuild_error();
    if (!rebuild_error_.empty()) {
      rebuild_events_ = s.building_events_applied();
      return;
    }
    rebuild_events_ = s.events_applied();
    const auto after = overview();
    rebuild_identical_ = after.due() == final_.due() && after.completed() == final_.completed();
  }

  // The whole cluster with nothing to do (no traffic, nobody polling): CPU over 10 s, in percent of
  // one core, summed over every process including redis-server and the broker.
  void idle() {
    std::cerr << "bench: idle CPU over 10 s\n";
    std::this_thread::sleep_for(3s);  // let the last saves and relay passes finish
    std::map<std::string, double> before;
    for (const auto& p : processes()) before[p.name] += p.cpu_secs;
    const auto start = Clock::now();
    std::this_thread::sleep_for(10s);
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    for (const auto& p : processes()) idle_by_process_[p.name] += p.cpu_secs;
    for (auto& [name, cpu] : idle_by_process_) {
      cpu = 100.0 * (cpu - before[name]) / secs;
      idle_cpu_percent_ += cpu;
    }
  }

  void raw() {
    std::cerr << "bench: the limits of this machine (redis-benchmark, raw produce->consume)\n";
    raw_redis_1_ = raw_redis(o_.redis_port, 1, 1);
    raw_redis_50_ = raw_redis(o_.redis_port, 1, 50);
    raw_redis_p32_ = raw_redis(o_.redis_port, 32, 1);
    raw_kafka_ = raw_kafka(bootstrap_, "huifang.deadletter.v1", 200000, 250);
  }

  int report() {
    const double tput = static_cast<double>(o_.events) / throughput_secs_;
    const auto acc = percentiles(accepted_ms_), pl = percentiles(planned_ms_), due = percentiles(due_ms_), dash = percentiles(dashboard_ms_);
    const double per_visit = final_.due() ? redis_bytes_ / static_cast<double>(final_.due()) : 0;
    const double per_customer = redis_bytes_ / o_.customers;
    const double broker_per_event = static_cast<double>(topic_bytes_) / static_cast<double>(sent_total_);
    const double rebuild_rate = rebuild_secs_ > 0 && rebuild_error_.empty() ? static_cast<double>(rebuild_events_) / rebuild_secs_ : 0;
    // A rebuild that rightly refused (the broker dropped events) checks nothing; any other outcome must match.
    const bool rebuild_unchecked = rebuild_error_.find("no longer holds every event") != std::string::npos;
    const bool totals_ok = final_.due() == sent_total_ && final_.completed() == completed_ && (rebuild_identical_ || rebuild_unchecked);
    std::printf("\nHuifang whole-cluster benchmark (%llu + %llu events, %d customers, %d agents, %d instance(s) per service)\n",
                static_cast<unsigned long long>(o_.events), static_cast<unsigned long long>(sent_total_ - o_.events), o_.customers, o_.agents,
                o_.instances);
    std::printf("%-52s %14s %16s\n", "figure", "Huifang", "ratio to raw");
    std::printf("%-52s %12.0f/s %15.3fx\n", "throughput, service events end to end (dashboard)", tput, tput / raw_kafka_);
    std::printf("%-52s %14s\n", "  raw produce->consume, same broker, 250 B", (std::to_string(static_cast<int>(raw_kafka_)) + "/s").c_str());
    std::printf("%-52s %14s\n", "  raw redis append-shaped script: 1 client / 50 / P32",
                (std::to_string(static_cast<int>(raw_redis_1_)) + "/" + std::to_string(static_cast<int>(raw_redis_50_)) + "/" +
                 std::to_string(static_cast<int>(raw_redis_p32_)))
                    .c_str());
    std::printf("%-52s %14.2f %15.3fx\n", "  events per append-shaped raw redis op (50 clients)", tput / raw_redis_50_, tput / raw_redis_50_);
    auto lat = [](const char* name, const Percentiles& p) {
      std::printf("%-52s p50 %.0f  p95 %.0f  p99 %.0f  max %.0f ms (n=%zu)\n", name, p.p50, p.p95, p.p99, p.max, p.n);
    };
    std::printf("%-52s %12d/s\n", "latency phase: offered rate", o_.rate);
    lat("latency: accepted by intake (on its topic)", acc);
    lat("latency: planned (VisitPlanned on its topic)", pl);
    lat("latency: due (VisitDue on the visit topic)", due);
    lat("latency: counted on the dashboard", dash);
    if (rebuild_error_.empty())
      std::printf("%-52s %12.0f/s  (%.1f s for %llu events)\n", "analytics rebuild", rebuild_rate, rebuild_secs_,
                  static_cast<unsigned long long>(rebuild_events_));
    else  // it stops at the first gap: what it folded until then says nothing of its speed
      std::printf("%-52s %14s  (did not switch after %llu events: %s)\n", "analytics rebuild", "-",
                  static_cast<unsigned long long>(rebuild_events_), rebuild_error_.c_str());
    for (const auto& p : procs_) std::printf("  %-22s cpu %8.1f s   peak RSS %8.1f MiB\n", p.name.c_str(), p.cpu_secs, p.peak_rss_mib);
    std::printf("%-52s %10.0f B per customer, %.0f B per visit\n", "redis memory (all services)", per_customer, per_visit);
    for (size_t i = 0; i < memory_kinds_.size() && i < 10; ++i)
      std::printf("  %-50s %10.0f B per visit  (%.0f keys)\n", memory_kinds_[i].kind.c_str(),
                  final_.due() ? memory_kinds_[i].bytes / static_cast<double>(final_.due()) : 0, memory_kinds_[i].keys);
    std::printf("%-52s %10.0f B\n", "broker bytes per service event (all topics)", broker_per_event);
    std::printf("%-52s %12.2f %% of one core\n", "idle CPU, whole cluster (10 s, no traffic)", idle_cpu_percent_);
    for (const auto& [name, pct] : idle_by_process_) std::printf("  %-22s %6.2f %%\n", name.c_str(), pct);
    std::printf("%-52s due %llu = sent %llu, completed %llu = %llu, rebuild identical: %s -> %s\n", "totals",
                static_cast<unsigned long long>(final_.due()), static_cast<unsigned long long>(sent_total_),
                static_cast<unsigned long long>(final_.completed()), static_cast<unsigned long long>(completed_.load()),
                rebuild_unchecked ? "not checked" : rebuild_identical_ ? "yes" : "no", totals_ok ? "OK" : "MISMATCH");
    nlohmann::json j = {
        {"events", o_.events}, {"latency_events", sent_total_ - o_.events}, {"customers", o_.customers},
        {"instances_per_service", o_.instances},
        {"throughput_events_per_s", tput}, {"latency_offered_events_per_s", o_.rate},
        {"idle_cpu_percent_of_one_core", idle_cpu_percent_},
        {"latency_ms", {{"accepted", {{"p50", acc.p50}, {"p95", acc.p95}, {"p99", acc.p99}, {"max", acc.max}}},
                        {"planned", {{"p50", pl.p50}, {"p95", pl.p95}, {"p99", pl.p99}, {"max", pl.max}}},
                        {"due", {{"p50", due.p50}, {"p95", due.p95}, {"p99", due.p99}, {"max", due.max}}},
                        {"dashboard", {{"p50", dash.p50}, {"p95", dash.p95}, {"p99", dash.p99}, {"max", dash.max}}}}},
        {"rebuild_events_per_s", rebuild_rate}, {"rebuild_error", rebuild_error_},
        {"redis_bytes_per_customer", per_customer}, {"redis_bytes_per_visit", per_visit},
        {"broker_bytes_per_event", broker_per_event},
        {"raw", {{"redis_1_client", raw_redis_1_}, {"redis_50_clients", raw_redis_50_}, {"redis_pipeline_32", raw_redis_p32_},
                 {"kafka_produce_consume", raw_kafka_}}},
        {"totals_ok", totals_ok}};
    for (const auto& k : memory_kinds_) j["redis_bytes_by_kind"][k.kind] = k.bytes;
    for (const auto& p : procs_) j["processes"][p.name] = {{"cpu_s", p.cpu_secs}, {"peak_rss_mib", p.peak_rss_mib}};
    for (const auto& [name, pct] : idle_by_process_) j["idle_cpu_percent_by_process"][name] = pct;
    std::ofstream(o_.out) << j.dump(2) << '\n';
    std::printf("results: %s\n", o_.out.c_str());
    if (!totals_ok) {
      std::fprintf(stderr, "bench: MISMATCH — events were lost or counted twice\n");
      return 1;
    }
    return 0;
  }

  Options o_;
  std::unique_ptr<intake::v1::IntakeService::Stub> intake_;
  std::unique_ptr<scheduling::v1::SchedulingService::Stub> scheduling_;
  std::unique_ptr<visit::v1::VisitService::Stub> visit_;
  std::unique_ptr<analytics::v1::AnalyticsService::Stub> analytics_;
  std::unique_ptr<analytics::v1::AnalyticsService::Stub> operator_;
  std::string bootstrap_;
  std::string inbound_key_;  // the bench feed's API key, sent with every inbound event
  std::unique_ptr<bus::Producer> producer_;
  std::thread observer_;
  std::atomic<bool> observing_{true};
  std::mutex mu_;
  bool measuring_ = false;
  std::map<std::string, int64_t> sent_of_;
  std::vector<std::pair<std::string, std::string>> planned_visits_;
  std::map<std::string, int64_t> sent_of_visit_;  // visit id -> when its service event was sent
  std::vector<double> accepted_ms_, planned_ms_, due_ms_, dashboard_ms_;
  std::vector<int64_t> planned_order_;
  uint64_t topic_bytes_ = 0, sent_total_ = 0;
  std::atomic<uint64_t> completed_{0}, grpc_accepted_{0};
  double throughput_secs_ = 0, rebuild_secs_ = 0, redis_bytes_ = 0;
  uint64_t rebuild_events_ = 0;
  bool rebuild_identical_ = false;
  std::string rebuild_error_;
  analytics::v1::Overview final_;
  std::vector<Proc> procs_;
  std::vector<KindBytes> memory_kinds_;
  double idle_cpu_percent_ = 0;
  std::map<std::string, double> idle_by_process_;  // percent of one core
  double raw_redis_1_ = 0, raw_redis_50_ = 0, raw_redis_p32_ = 0, raw_kafka_ = 0;
};

}  // namespace
}  // namespace huifang::bench

int main(int argc, char** argv) {
  using namespace huifang::bench;
  huifang::core::log::set_level(huifang::core::log::Level::warn);
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* name) -> std::optional<std::string> {
      const std::string prefix = std::string("--") + name + "=";
      if (a.rfind(prefix, 0) == 0) return a.substr(prefix.size());
      return std::nullopt;
    };
    if (auto v = value("state")) o.state = *v;
    else if (auto v = value("grpc-base")) o.grpc_base = std::stoi(*v);
    else if (auto v = value("http-base")) o.http_base = std::stoi(*v);
    else if (auto v = value("redis-port")) o.redis_port = std::stoi(*v);
    else if (auto v = value("events")) o.events = std::stoull(*v);
    else if (auto v = value("rate")) o.rate = std::stoi(*v);
    else if (auto v = value("latency-seconds")) o.latency_seconds = std::stoi(*v);
    else if (auto v = value("customers")) o.customers = std::stoi(*v);
    else if (auto v = value("out")) o.out = *v;
    else if (auto v = value("instances")) o.instances = std::stoi(*v);
    else if (a == "--quick") o.events = 50'000, o.rate = 1000, o.latency_seconds = 10, o.customers = 5000;
    else {
      std::fprintf(stderr, "usage: cluster_bench --state=DIR [--events=N] [--rate=R] [--latency-seconds=S] [--customers=C] "
                           "[--grpc-base=P] [--http-base=P] [--redis-port=P] [--out=FILE] [--quick] [--instances=N]\n");
      return 2;
    }
  }
  if (o.state.empty()) {
    std::fprintf(stderr, "cluster_bench: --state is required (the cluster's state directory)\n");
    return 2;
  }
  return Bench(o).run();
}
