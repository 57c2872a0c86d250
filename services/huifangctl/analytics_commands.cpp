// huifangctl figures / trend / overdue / report / rebuild / status: the analytics edge.
#include <fstream>
#include <iostream>

#include "commands.h"
#include "render.h"

namespace huifang::ctl {
namespace {

struct FigureArgs {
  std::string org, category, from, to, group = "org", granularity = "", figure = "visit_rate";
};

void add_filter(CLI::App* cmd, FigureArgs& a) {
  cmd->add_option("--org", a.org, "org unit (with everything under it)");
  cmd->add_option("--category", a.category, "category");
  cmd->add_option("--from", a.from, "first day, YYYY-MM-DD");
  cmd->add_option("--to", a.to, "last day (inclusive), YYYY-MM-DD");
}

// The query the flags describe; false (with a message) when a date is unreadable.
bool query(const Run& run, const FigureArgs& a, analytics::v1::FigureQuery* q) {
  q->set_tenant_id(run.identity.tenant);
  q->set_org_unit_id(a.org);
  q->set_category(a.category);
  if (!a.from.empty() && !parse_time(a.from, q->mutable_period()->mutable_from())) {
    std::cerr << "huifangctl: --from: '" << a.from << "' is not a date\n";
    return false;
  }
  if (!a.to.empty()) {
    if (!parse_time(a.to, q->mutable_period()->mutable_to())) {
      std::cerr << "huifangctl: --to: '" << a.to << "' is not a date\n";
      return false;
    }
    q->mutable_period()->mutable_to()->set_seconds(q->period().to().seconds() + 86400);  // inclusive
  }
  return true;
}

common::v1::Granularity granularity(const std::string& g) {
  if (g == "day") return common::v1::GRANULARITY_DAY;
  if (g == "week") return common::v1::GRANULARITY_WEEK;
  if (g == "month") return common::v1::GRANULARITY_MONTH;
  if (g == "quarter") return common::v1::GRANULARITY_QUARTER;
  return common::v1::GRANULARITY_UNSPECIFIED;
}

}  // namespace

void add_analytics_commands(CLI::App& app, Run& run) {
  using Stub = analytics::v1::AnalyticsService::Stub;
  static FigureArgs a;
  auto* figures = app.add_subcommand("figures", "dashboard figures (exactly as DOMAIN.md defines them)")->require_subcommand(1);
  auto simple = [&](const char* name, const char* help, auto rpc, auto resp_type) {
    auto* cmd = figures->add_subcommand(name, help);
    add_filter(cmd, a);
    cmd->callback([&run, rpc, name] {
      analytics::v1::FigureQuery q;
      if (!query(run, a, &q)) return void(run.code = kUsage);
      auto c = run.client();
      decltype(resp_type) resp;
      if ((run.code = c.call(std::string("figures ") + name, *c.analytics, rpc, q, &resp)) == 0) render(std::cout, resp, run.json);
    });
  };
  simple("overview", "due, completed, visit rate, overall satisfaction, complaints, overdue", &Stub::GetOverview, analytics::v1::Overview{});
  simple("satisfaction", "satisfaction per dimension and overall", &Stub::GetSatisfaction, analytics::v1::Satisfaction{});
  simple("complaints", "complaint rates, per responsible, follow-ups within 3 days, funnel", &Stub::GetComplaintStats,
         analytics::v1::ComplaintStats{});
  simple("agents", "agent KPI: visit rate against the standard, points lost", &Stub::GetAgentKpis, analytics::v1::AgentKpis{});
  auto* rates = figures->add_subcommand("rates", "visit rates by org unit (one level down), agent or category");
  add_filter(rates, a);
  rates->add_option("--group", a.group, "org, agent or category")->check(CLI::IsMember({"org", "agent", "category"}))->capture_default_str();
  rates->add_option("--granularity", a.granularity, "day, week, month or quarter (default: the whole period)");
  rates->callback([&run] {
    analytics::v1::GroupedQuery g;
    if (!query(run, a, g.mutable_filter())) return void(run.code = kUsage);
    g.set_group_by(a.group == "agent" ? analytics::v1::GROUP_BY_AGENT
                   : a.group == "category" ? analytics::v1::GROUP_BY_CATEGORY
                                           : analytics::v1::GROUP_BY_ORG_UNIT);
    g.set_granularity(granularity(a.granularity));
    auto c = run.client();
    analytics::v1::VisitRates resp;
    if ((run.code = c.call("figures rates", *c.analytics, &Stub::GetVisitRates, g, &resp)) == 0) render(std::cout, resp, run.json);
  });
  auto* trend = figures->add_subcommand("trend", "one figure per day, week, month or quarter");
  add_filter(trend, a);
  trend->add_option("--figure", a.figure, "visit_rate, satisfaction or complaints")
      ->check(CLI::IsMember({"visit_rate", "satisfaction", "complaints"}))->capture_default_str();
  trend->add_option("--granularity", a.granularity, "day, week, month or quarter");
  trend->callback([&run] {
    analytics::v1::TrendQuery t;
    if (!query(run, a, t.mutable_filter())) return void(run.code = kUsage);
    t.set_granularity(granularity(a.granularity.empty() ? "week" : a.granularity));
    t.set_figure(a.figure == "satisfaction" ? analytics::v1::TREND_FIGURE_SATISFACTION
                 : a.figure == "complaints" ? analytics::v1::TREND_FIGURE_COMPLAINTS
                                            : analytics::v1::TREND_FIGURE_VISIT_RATE);
    auto c = run.client();
    analytics::v1::Trend resp;
    if ((run.code = c.call("figures trend", *c.analytics, &Stub::GetTrend, t, &resp)) == 0) render(std::cout, resp, run.json);
  });
  auto* overdue = figures->add_subcommand("overdue", "visits past their due time, oldest first");
  add_filter(overdue, a);
  overdue->callback([&run] {
    analytics::v1::ListOverdueVisitsRequest r;
    if (!query(run, a, r.mutable_filter())) return void(run.code = kUsage);
    r.mutable_page()->set_page_size(500);
    auto c = run.client();
    analytics::v1::ListOverdueVisitsResponse resp;
    if ((run.code = c.call("figures overdue", *c.analytics, &Stub::ListOverdueVisits, r, &resp)) == 0) render(std::cout, resp, run.json);
  });

  static std::string kind = "monthly", format = "csv", out;
  auto* report = app.add_subcommand("report", "export the monthly summary (月回访汇总表) or the quarterly report");
  add_filter(report, a);
  report->add_option("--kind", kind, "monthly or quarterly")->check(CLI::IsMember({"monthly", "quarterly"}))->capture_default_str();
  report->add_option("--format", format, "csv or xlsx")->check(CLI::IsMember({"csv", "xlsx"}))->capture_default_str();
  report->add_option("--out", out, "file to write (default: the report's own name)");
  report->callback([&run] {
    analytics::v1::ExportReportRequest r;
    if (!query(run, a, r.mutable_filter())) return void(run.code = kUsage);
    r.set_kind(kind == "quarterly" ? analytics::v1::REPORT_KIND_QUARTERLY : analytics::v1::REPORT_KIND_MONTHLY_SUMMARY);
    r.set_format(format == "xlsx" ? analytics::v1::REPORT_FORMAT_XLSX : analytics::v1::REPORT_FORMAT_CSV);
    auto c = run.client();
    analytics::v1::ExportReportResponse resp;
    if ((run.code = c.call("report", *c.analytics, &Stub::ExportReport, r, &resp)) != 0) return;
    const std::string path = out.empty() ? resp.file_name() : out;
    std::ofstream f(path, std::ios::binary);
    f << resp.content();
    if (!f) {
      std::cerr << "huifangctl: cannot write " << path << '\n';
      return void(run.code = kUsage);
    }
    std::cout << "wrote " << path << " (" << resp.content().size() << " bytes)\n";
  });

  static bool republish = false;
  auto* rebuild = app.add_subcommand("rebuild", "recompute every figure from the events into a new projection version");
  rebuild->add_flag("--republish", republish, "first ask every service to republish (after the embedded broker restarted)");
  rebuild->callback([&run] {
    analytics::v1::RebuildRequest r;
    r.set_republish(republish);
    auto c = run.client();
    analytics::v1::RebuildResponse resp;
    if ((run.code = c.call("rebuild", *c.analytics, &Stub::Rebuild, r, &resp)) == 0) render(std::cout, resp, run.json);
  });
  app.add_subcommand("status", "the projection: serving and building versions, events applied, checkpoints")->callback([&run] {
    analytics::v1::GetProjectionStatusRequest r;
    auto c = run.client();
    analytics::v1::ProjectionStatus resp;
    if ((run.code = c.call("status", *c.analytics, &Stub::GetProjectionStatus, r, &resp)) == 0) render(std::cout, resp, run.json);
  });
}

int usage(const std::string& message) {
  std::cerr << "huifangctl: " << message << '\n';
  return kUsage;
}

bool parse_time(const std::string& text, google::protobuf::Timestamp* out) {
  int y, mo, d, h = 0, mi = 0;
  char tail[8] = {};
  const int n = std::sscanf(text.c_str(), "%4d-%2d-%2d%*[T ]%2d:%2d%7s", &y, &mo, &d, &h, &mi, tail);
  if (n != 3 && n != 5 && n != 6) return false;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59) return false;
  int offset_minutes = 8 * 60;  // the reporting zone unless the text says otherwise
  if (n == 6) {
    const std::string t = tail;
    if (t == "Z") offset_minutes = 0;
    else if (int oh, om; std::sscanf(t.c_str(), "+%2d:%2d", &oh, &om) == 2) offset_minutes = oh * 60 + om;
    else if (std::sscanf(t.c_str(), "-%2d:%2d", &oh, &om) == 2) offset_minutes = -(oh * 60 + om);
    else if (t.rfind(":", 0) != 0) return false;
  }
  const auto days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  out->set_seconds(days * 86400LL + h * 3600 + mi * 60 - offset_minutes * 60LL);
  out->set_nanos(0);
  return true;
}

}  // namespace huifang::ctl
