// huifangctl demo: a realistic follow-up operation loaded through the public edges only. Three
// tenants (a hospital, a property-management company, a logistics company with RDCs) get an org
// tree, agents, thousands of customers and their industry's policy pack; then `--days` of
// simulated time pass: each day integrations record service events, agents work their agendas
// (some customers unreachable or busy, ratings mostly good, some poor), handlers work the
// complaints the poor ratings open (some late, so they escalate). The shared clock file moves the
// whole cluster through the days. Deterministic for a seed.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

#include "commands.h"
#include "huifang/core/file_clock.h"
#include "huifang/events/envelope.h"

namespace huifang::ctl {
namespace {

using namespace std::chrono_literals;

struct Unit {
  std::string id, parent, name;
  intake::v1::OrgUnitKind kind;
};
struct TenantPlan {
  std::string id, pack;
  std::vector<Unit> units;
  std::vector<std::string> leaves;                                  // units that own customers and agents
  std::vector<std::pair<std::string, double>> daily_events;         // category, events per 1,000 customers a day
  std::vector<std::string> tiers;                                   // tiers to hand out
  double diligence;                                                 // share of the agenda an agent gets through
};

std::vector<TenantPlan> tenants() {
  using K = intake::v1::OrgUnitKind;
  TenantPlan h{"renmin-hospital", "hospital.yaml", {{"renmin", "", "人民医院 Renmin Hospital", K::ORG_UNIT_KIND_ENTERPRISE}}, {}, {}, {""}, 0.93};
  for (auto [campus, cname] : {std::pair{"east", "东院 East campus"}, std::pair{"west", "西院 West campus"}}) {
    h.units.push_back({std::string("renmin-") + campus, "renmin", cname, K::ORG_UNIT_KIND_REGION});
    for (auto [dep, dname] : {std::pair{"cardiology", "心内科 Cardiology"}, std::pair{"orthopedics", "骨科 Orthopedics"},
                              std::pair{"oncology", "肿瘤科 Oncology"}}) {
      const std::string id = std::string(campus) + "-" + dep;
      h.units.push_back({id, std::string("renmin-") + campus, std::string(cname).substr(0, 6) + dname, K::ORG_UNIT_KIND_DEPARTMENT});
      h.leaves.push_back(id);
    }
  }
  h.daily_events = {{"hospital.inpatient_discharged", 6}, {"hospital.specialist_first_visit", 3}, {"hospital.outpatient_surgery", 2}};

  TenantPlan p{"anju-property", "property.yaml", {{"anju", "", "安居物业 Anju Property", K::ORG_UNIT_KIND_ENTERPRISE}}, {}, {}, {"household"}, 0.85};
  for (auto [region, rname] : {std::pair{"north", "北区 North"}, std::pair{"south", "南区 South"}}) {
    p.units.push_back({std::string("anju-") + region, "anju", rname, K::ORG_UNIT_KIND_REGION});
    for (int i = 1; i <= 3; ++i) {
      const std::string id = std::string(region) + "-garden-" + std::to_string(i);
      p.units.push_back({id, std::string("anju-") + region, std::string(rname).substr(0, 6) + "花园" + std::to_string(i) + "期 Garden " + std::to_string(i), K::ORG_UNIT_KIND_PROJECT});
      p.leaves.push_back(id);
    }
  }
  p.daily_events = {{"property.repair_completed", 8}, {"property.emergency_aid", 0.5}, {"property.community_event", 2}};

  TenantPlan l{"xinda-logistics", "logistics.yaml", {{"xinda", "", "信达物流 Xinda Logistics", K::ORG_UNIT_KIND_ENTERPRISE}}, {}, {}, {"branch", "branch", "branch", "key_account"}, 0.9};
  for (auto [rdc, rname] : {std::pair{"shanghai", "上海RDC Shanghai RDC"}, std::pair{"guangzhou", "广州RDC Guangzhou RDC"}}) {
    l.units.push_back({std::string("rdc-") + rdc, "xinda", rname, K::ORG_UNIT_KIND_RDC});
    for (auto [team, tname] : {std::pair{"dealers", "经销商组 Dealers"}, std::pair{"branches", "分公司组 Branches"}}) {
      const std::string id = std::string(rdc) + "-" + team;
      l.units.push_back({id, std::string("rdc-") + rdc, tname, K::ORG_UNIT_KIND_TEAM});
      l.leaves.push_back(id);
    }
  }
  l.daily_events = {{"logistics.delivery_completed", 10}};
  return {h, p, l};
}

class Demo {
 public:
  Demo(const Run& run, uint64_t seed, int customers, int days, std::string clock_file, std::string packs,
       core::Timestamp start)
      : client_(run.client()), rng_(seed), customers_(customers), days_(days), clock_file_(std::move(clock_file)),
        packs_(std::move(packs)), start_(start) {}

  int load() {
    const auto plans = tenants();
    for (const auto& t : plans)
      if (int rc = set_up(t, customers_ / static_cast<int>(plans.size())); rc) return rc;
    for (int day = 0; day < days_; ++day) {
      const core::Timestamp morning = start_ + std::chrono::hours(24 * day);
      if (int rc = advance(morning); rc) return rc;
      for (const auto& t : plans) record_events(t, morning - 1h);
      std::this_thread::sleep_for(300ms);  // let scheduling plan the day's events
      for (int pass = 0; pass < 2; ++pass) {
        if (int rc = advance(morning + std::chrono::hours(2 + 5 * pass)); rc) return rc;
        std::this_thread::sleep_for(150ms);
        for (const auto& t : plans) work_agendas(t);
      }
      for (const auto& t : plans) handle_complaints(t, day);
      progress(day);
    }
    std::cerr << '\n';
    std::cout << "demo loaded: " << events_ << " service events, " << visits_done_ << " visits completed, " << unreachable_
              << " calls unanswered, " << complaints_handled_ << " complaint steps by handlers, over " << days_ << " days\n";
    return 0;
  }

 private:
  int advance(core::Timestamp t) {
    if (clock_file_.empty()) return 0;
    if (auto st = core::FileClock::write(clock_file_, t); !st) {
      std::cerr << "huifangctl demo: " << st.error().message << '\n';
      return kUsage;
    }
    return 0;
  }

  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  template <typename T>
  const T& pick(const std::vector<T>& v) { return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng_)]; }

  int set_up(const TenantPlan& t, int customers) {
    std::cerr << "demo: " << t.id << ": org tree, agents, " << customers << " customers, policy " << t.pack << '\n';
    if (!client_.act_as({"demo-admin", "admin", t.id})) return kUsage;  // each demo user signs in with the local key
    for (const auto& u : t.units) {
      intake::v1::DefineOrgUnitRequest r;
      r.set_tenant_id(t.id);
      r.mutable_org_unit()->set_id(u.id);
      r.mutable_org_unit()->set_parent_id(u.parent);
      r.mutable_org_unit()->set_kind(u.kind);
      r.mutable_org_unit()->set_name(u.name);
      r.mutable_org_unit()->set_time_zone("Asia/Shanghai");
      intake::v1::DefineOrgUnitResponse resp;
      if (int rc = client_.call("demo org", *client_.intake, &intake::v1::IntakeService::Stub::DefineOrgUnit, r, &resp)) return rc;
    }
    static const std::vector<std::string> surnames = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"};
    for (const auto& leaf : t.leaves) {
      for (int i = 0; i < 3; ++i) {  // two agents and a manager per unit
        intake::v1::RegisterAgentRequest r;
        r.set_tenant_id(t.id);
        auto* a = r.mutable_agent();
        a->set_id(leaf + (i == 2 ? "-manager" : "-agent-" + std::to_string(i + 1)));
        a->set_org_unit_id(leaf);
        a->set_display_name(pick(surnames) + (i == 2 ? "经理" : "回访员") + std::to_string(i + 1));
        a->set_role(i == 2 ? common::v1::ROLE_MANAGER : common::v1::ROLE_AGENT);
        a->set_manager(i == 2);
        a->set_daily_capacity(i == 2 ? 10 : 25);
        a->set_active(true);
        intake::v1::RegisterAgentResponse resp;
        if (int rc = client_.call("demo agent", *client_.intake, &intake::v1::IntakeService::Stub::RegisterAgent, r, &resp)) return rc;
        agents_[t.id].push_back(a->id());
      }
    }
    std::ifstream in(packs_ + "/" + t.pack);
    if (!in) {
      std::cerr << "huifangctl demo: cannot read " << packs_ << "/" << t.pack << " (--packs names the policy folder)\n";
      return kUsage;
    }
    std::stringstream yaml;
    yaml << in.rdbuf();
    scheduling::v1::PutPolicyRequest pr;
    pr.set_tenant_id(t.id);
    pr.set_yaml(yaml.str());
    scheduling::v1::PutPolicyResponse presp;
    if (int rc = client_.call("demo policy", *client_.scheduling, &scheduling::v1::SchedulingService::Stub::PutPolicy, pr, &presp)) return rc;
    if (int rc = advance(start_ - 24h); rc) return rc;
    auto ctx = client_.context();
    auto stream = client_.intake->ImportCustomers(ctx.get());
    static const std::vector<std::string> given = {"伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰"};
    for (int i = 0; i < customers; ++i) {
      intake::v1::ImportCustomerRow row;
      row.set_row(static_cast<uint32_t>(i + 1));
      auto* c = row.mutable_customer();
      c->set_id(t.id + "-c" + std::to_string(i + 1));
      c->set_tenant_id(t.id);
      c->set_org_unit_id(pick(t.leaves));
      c->set_display_name(pick(surnames) + pick(given));
      c->set_kind(t.id == "xinda-logistics" ? intake::v1::CUSTOMER_KIND_ORGANISATION : intake::v1::CUSTOMER_KIND_PERSON);
      c->set_tier(pick(t.tiers));
      c->set_key_household(t.id == "anju-property" && chance(0.03));
      c->set_time_zone("Asia/Shanghai");
      auto* phone = c->add_contacts();
      phone->set_kind(intake::v1::CONTACT_KIND_PHONE);
      phone->set_value("13" + std::to_string(100000000 + std::uniform_int_distribution<int>(0, 899999999)(rng_)));
      phone->set_relation("self");
      customers_of_[t.id].push_back({c->id(), c->org_unit_id()});
      if (!stream->Write(row)) break;
    }
    stream->WritesDone();
    size_t refused = 0;
    for (intake::v1::ImportRowResult res; stream->Read(&res);) refused += !res.accepted();
    const auto st = stream->Finish();
    if (!st.ok()) return Client::failed("demo customers", st);
    if (refused) std::cerr << "demo: " << refused << " customers refused\n";
    return 0;
  }

  void record_events(const TenantPlan& t, core::Timestamp at) {
    if (!client_.act_as({"demo-his", "integration", t.id})) return;  // the hospital's HIS, the RDC's WMS ...
    const auto& people = customers_of_[t.id];
    const double scale = static_cast<double>(people.size()) / 1000.0;
    for (const auto& [category, per_thousand] : t.daily_events) {
      std::poisson_distribution<int> n(per_thousand * scale);
      for (int i = n(rng_); i > 0; --i) {
        const auto& who = pick(people);
        intake::v1::RecordServiceEventRequest r;
        r.set_tenant_id(t.id);
        r.set_idempotency_key("demo-" + t.id + "-" + std::to_string(++event_seq_));
        r.set_customer_id(who.first);
        r.set_category(category);
        r.set_source_system("demo");
        *r.mutable_occurred_at() = events::to_proto(at - std::chrono::minutes(std::uniform_int_distribution<int>(0, 600)(rng_)));
        if (category == "hospital.inpatient_discharged" && chance(0.05)) (*r.mutable_attributes())["condition"] = "very_ill";
        intake::v1::RecordServiceEventResponse resp;
        if (client_.call("demo event", *client_.intake, &intake::v1::IntakeService::Stub::RecordServiceEvent, r, &resp) == 0) ++events_;
      }
    }
  }

  uint32_t score() {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (u < 0.04) return 0;  // unrated
    if (u < 0.09) return std::uniform_int_distribution<uint32_t>(2, 5)(rng_);
    if (u < 0.20) return 6 + (u < 0.15);
    return std::uniform_int_distribution<uint32_t>(8, 10)(rng_);
  }

  void work_agendas(const TenantPlan& t) {
    for (const auto& agent : agents_[t.id]) {
      if (!client_.act_as({agent, "agent", t.id})) return;
      scheduling::v1::GetAgendaResponse today;
      for (auto view : {scheduling::v1::AGENDA_VIEW_OVERDUE, scheduling::v1::AGENDA_VIEW_TODAY}) {
        scheduling::v1::GetAgendaRequest r;
        r.set_tenant_id(t.id);
        r.set_agent_id(agent);
        r.set_view(view);
        r.mutable_page()->set_page_size(200);
        scheduling::v1::GetAgendaResponse resp;
        auto ctx = client_.context();
        if (client_.visit->GetAgenda(ctx.get(), r, &resp).ok())
          for (auto& item : *resp.mutable_items()) *today.add_items() = std::move(item);
      }
      // Visits an agent gets through in one half-day; each tenant's first unit is understaffed, so
      // the dashboard has rates below target and overdue visits to show.
      int budget = agent.rfind(t.leaves[0], 0) == 0 ? 2 : 12;
      for (const auto& item : today.items()) {
        if (budget-- <= 0 || !chance(t.diligence)) continue;
        work(agent, item);
      }
    }
  }

  void work(const std::string& agent, const scheduling::v1::AgendaItem& item) {
    visit::v1::StartVisitRequest s;
    s.set_visit_id(item.visit_id());
    s.set_customer_id(item.customer_id());
    s.set_agent_id(agent);
    visit::v1::StartVisitResponse started;
    auto ctx = client_.context();
    if (!client_.visit->StartVisit(ctx.get(), s, &started).ok()) return;  // not known to visit yet: next pass
    const bool call = item.channel() == common::v1::CHANNEL_PHONE || item.channel() == common::v1::CHANNEL_UNSPECIFIED;
    if (call && chance(0.12)) {  // nobody answers
      visit::v1::RecordAttemptRequest a;
      a.set_visit_id(item.visit_id());
      a.set_customer_id(item.customer_id());
      a.set_agent_id(agent);
      a.set_outcome(visit::v1::ATTEMPT_OUTCOME_NO_ANSWER);
      visit::v1::RecordAttemptResponse ar;
      auto actx = client_.context();
      if (client_.visit->RecordAttempt(actx.get(), a, &ar).ok()) ++unreachable_;
      return;
    }
    if (started.survey_size() == 0 || !call) {
      visit::v1::CompleteVisitRequest c;
      c.set_visit_id(item.visit_id());
      c.set_customer_id(item.customer_id());
      c.set_agent_id(agent);
      c.set_note("delivered");
      visit::v1::CompleteVisitResponse cr;
      auto cctx = client_.context();
      if (client_.visit->CompleteVisit(cctx.get(), c, &cr).ok()) ++visits_done_;
      return;
    }
    visit::v1::SubmitSurveyRequest r;
    r.set_visit_id(item.visit_id());
    r.set_customer_id(item.customer_id());
    r.set_agent_id(agent);
    for (const auto& d : started.survey()) {
      auto* rt = r.add_ratings();
      rt->set_dimension(d.key());
      rt->set_score(score());
    }
    if (chance(0.1)) r.set_opinions("希望回访时间更灵活 / more flexible call times");
    if (chance(0.08)) r.set_suggestions("增加线上预约 / online booking");
    if (chance(0.05)) r.set_needs("需要上门服务 / needs a home visit");
    visit::v1::SubmitSurveyResponse resp;
    auto sctx = client_.context();
    if (client_.visit->SubmitSurvey(sctx.get(), r, &resp).ok()) ++visits_done_;
  }

  // Handlers: most cases are taken the same day and resolved within a few days; some wait (and
  // escalate when the same-day or promised-reply deadline passes).
  void handle_complaints(const TenantPlan& t, int day) {
    if (!client_.act_as({"demo-supervisor", "supervisor", t.id})) return;
    complaints::v1::ListComplaintsRequest r;
    r.set_tenant_id(t.id);
    r.mutable_page()->set_page_size(500);
    complaints::v1::ListComplaintsResponse resp;
    auto ctx = client_.context();
    if (!client_.complaints->ListComplaints(ctx.get(), r, &resp).ok()) return;
    for (const auto& c : resp.complaints()) {
      const std::string& s = c.state();
      complaints::v1::CaseResponse out;
      auto cctx = client_.context();
      if ((s == "opened" || s == "reopened") && chance(0.75)) {
        complaints::v1::AssignComplaintRequest a;
        a.set_complaint_id(c.complaint_id());
        a.set_customer_id(c.customer_id());
        a.set_handler_id(c.org_unit_id() + "-manager");
        complaints_handled_ += client_.complaints->AssignComplaint(cctx.get(), a, &out).ok();
      } else if (s == "assigned") {
        complaints::v1::CaseActionRequest a;
        a.set_complaint_id(c.complaint_id());
        a.set_customer_id(c.customer_id());
        complaints_handled_ += client_.complaints->StartInvestigation(cctx.get(), a, &out).ok();
      } else if (s == "investigating" && (chance(0.6) || day + 3 >= days_)) {
        complaints::v1::ResolveComplaintRequest a;
        a.set_complaint_id(c.complaint_id());
        a.set_customer_id(c.customer_id());
        a.set_resolution("已与客户沟通并整改 / talked it through with the customer and fixed it");
        a.set_effective(chance(0.6));
        complaints_handled_ += client_.complaints->ResolveComplaint(cctx.get(), a, &out).ok();
      }
    }
  }

  void progress(int day) {
    const auto date = std::chrono::floor<std::chrono::days>(start_ + std::chrono::hours(24 * day + 8));
    const std::chrono::year_month_day ymd{date};
    std::fprintf(stderr, "\rdemo: day %d/%d (%04d-%02u-%02u): %llu events, %llu visits completed, %llu unanswered   ",
                 day + 1, days_, static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                 static_cast<unsigned long long>(events_), static_cast<unsigned long long>(visits_done_),
                 static_cast<unsigned long long>(unreachable_));
  }

  Client client_;
  std::mt19937_64 rng_;
  int customers_, days_;
  std::string clock_file_, packs_;
  core::Timestamp start_;
  std::map<std::string, std::vector<std::string>> agents_;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> customers_of_;
  uint64_t events_ = 0, visits_done_ = 0, unreachable_ = 0, complaints_handled_ = 0, event_seq_ = 0;
};

}  // namespace

void add_demo_command(CLI::App& app, Run& run) {
  static uint64_t seed = 7;
  static int customers = 3000, days = 90;
  static std::string clock_file, packs = "services/scheduling/policies", start;
  auto* demo = app.add_subcommand("demo", "load the demo: three tenants, thousands of customers, days of simulated operation");
  demo->add_option("--seed", seed, "random seed (same seed, same demo)")->capture_default_str();
  demo->add_option("--customers", customers, "customers across the three tenants")->check(CLI::Range(30, 1000000))->capture_default_str();
  demo->add_option("--days", days, "days of simulated operation")->check(CLI::Range(1, 3650))->capture_default_str();
  demo->add_option("--clock-file", clock_file, "the cluster's simulated clock (the services' --clock-file)")->required();
  demo->add_option("--packs", packs, "folder with the policy packs")->capture_default_str();
  demo->add_option("--start", start, "first simulated day, YYYY-MM-DD (default: --days before today)");
  demo->callback([&run] {
    if (run.identity.tenant.size()) std::cerr << "huifangctl demo: --tenant is ignored; the demo makes its own three tenants\n";
    google::protobuf::Timestamp first;
    if (start.empty()) {
      const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now() + 8h);
      first.set_seconds(std::chrono::duration_cast<std::chrono::seconds>((today - std::chrono::days(days)).time_since_epoch()).count() - 8 * 3600);
    } else if (!parse_time(start, &first)) {
      std::cerr << "huifangctl demo: --start: '" << start << "' is not a date\n";
      return void(run.code = kUsage);
    }
    // Mornings at 08:00 local.
    Demo d(run, seed, customers, days, clock_file, packs, events::from_proto(first) + 8h);
    run.code = d.load();
  });
}

}  // namespace huifang::ctl
