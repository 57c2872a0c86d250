#include "dashboard.h"

#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "../domain/queries.h"
#include "analytics_service.h"
#include "unit_scope.h"

namespace huifang::analytics {
namespace {

using Param = std::function<std::string(const std::string&)>;

edge::HttpResponse json(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions o;
  o.always_print_primitive_fields = true;
  o.preserve_proto_field_names = true;
  edge::HttpResponse r;
  r.content_type = "application/json; charset=utf-8";
  if (!google::protobuf::util::MessageToJsonString(m, &r.body, o).ok()) r.status = 500, r.body = "{}";
  return r;
}

edge::HttpResponse json(const nlohmann::json& j, int status = 200) {
  edge::HttpResponse r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body = j.dump();
  return r;
}

edge::HttpResponse error(const core::Error& e) {
  const int status = e.kind() == core::condition::invalid_argument    ? 400
                     : e.kind() == core::condition::not_found         ? 404
                     : e.kind() == core::condition::permission_denied ? 403
                                                                      : 500;
  return json(nlohmann::json{{"error", e.field.empty() ? e.message : e.field + ": " + e.message}}, status);
}

core::Result<int32_t> parse_day(const std::string& field, const std::string& text) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
    return core::invalid_argument(field, "'" + text + "' is not a date like 2026-11-24");
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return core::invalid_argument(field, "'" + text + "' is not a calendar date");
  return static_cast<int32_t>(std::chrono::sys_days{ymd}.time_since_epoch().count());
}

core::Result<v1::FigureQuery> figure_query(const Projection& p, const Param& param) {
  v1::FigureQuery q;
  q.set_tenant_id(param("tenant"));
  q.set_org_unit_id(param("org"));
  q.set_category(param("category"));
  if (!param("from").empty()) {
    auto d = parse_day("from", param("from"));
    if (!d) return d.error();
    *q.mutable_period()->mutable_from() = events::to_proto(day_start(p, *d));
  }
  if (!param("to").empty()) {
    auto d = parse_day("to", param("to"));
    if (!d) return d.error();
    *q.mutable_period()->mutable_to() = events::to_proto(day_start(p, *d + 1));
  }
  return q;
}

common::v1::Granularity granularity(const std::string& g) {
  if (g == "week") return common::v1::GRANULARITY_WEEK;
  if (g == "month") return common::v1::GRANULARITY_MONTH;
  if (g == "quarter") return common::v1::GRANULARITY_QUARTER;
  return common::v1::GRANULARITY_DAY;
}

// A JSON endpoint: build the request from the parameters, answer it from the serving projection.
template <typename Build>
edge::HttpHandler endpoint(AnalyticsApp& app, Build build) {
  return [&app, build](const Param& param) {
    return app.read([&](const Projection& p) {
      auto q = figure_query(p, param);
      if (!q) return error(q.error());
      return build(p, *q, param);
    });
  };
}

template <typename Msg>
edge::HttpResponse answer(const core::Result<Msg>& r) {
  return r ? json(*r) : error(r.error());
}

edge::HttpResponse file(const std::string& path, const std::string& type) {
  std::ifstream in(path, std::ios::binary);
  edge::HttpResponse r;
  if (!in) {
    r.status = 404;
    r.body = path + " is missing: build the analytics target (it fetches ECharts from npm)";
    return r;
  }
  std::ostringstream s;
  s << in.rdbuf();
  r.body = s.str();
  r.content_type = type;
  return r;
}

// The same rules as the gRPC edge: `rpc`'s row of the access table, the caller's own tenant
// (a `tenant` parameter naming another is refused; none means the caller's) and, for a caller who
// works in part of it, an `org` of theirs.
edge::SignedInHandler as_rpc(const AnalyticsApp& app, std::string rpc, edge::HttpHandler inner) {
  return [&app, rpc = std::move(rpc), inner = std::move(inner)](const edge::Caller& caller, const Param& param) {
    if (auto st = edge::authorize(rpc, caller); !st) return error(st.error());
    // A caller who works in one unit starts there when the page names none.
    const std::string org = param("org").empty() && caller.org_units.size() == 1 ? caller.org_units[0] : param("org");
    if (edge::is_unit_scoped(caller)) {
      v1::FigureQuery asked_for;
      asked_for.set_org_unit_id(org);
      auto st = app.read([&](const Projection& p) { return check_figure_scope(caller, asked_for, org, p); });
      if (!st) return error(st.error());
    }
    const std::string asked = param("tenant");
    if (!edge::is_platform_role(caller.role) && !asked.empty() && asked != caller.tenant_id)
      return error(core::make_error(core::make_error_code(core::errc::permission_denied),
                                    "must be your tenant '" + caller.tenant_id + "'", "tenant"));
    const std::string tenant = edge::is_platform_role(caller.role) ? asked : caller.tenant_id;
    return inner([&](const std::string& name) { return name == "tenant" ? tenant : name == "org" ? org : param(name); });
  };
}

}  // namespace

std::vector<DashboardRoute> dashboard_routes(AnalyticsApp& app, std::string web_root) {
  std::vector<DashboardRoute> routes;
  auto asset = [&](const std::string& path, const std::string& name, const std::string& type) {
    routes.push_back({path, true, [full = web_root + "/" + name, type](const edge::Caller&, const Param&) {
                        return file(full, type);
                      }});
  };
  asset("/", "index.html", "text/html; charset=utf-8");
  asset("/assets/dashboard.js", "dashboard.js", "application/javascript; charset=utf-8");
  asset("/assets/echarts.min.js", "echarts.min.js", "application/javascript; charset=utf-8");

  // A tenant's people see their own tenant; only the platform sees the list.
  routes.push_back({"/api/tenants", false, [&app](const edge::Caller& caller, const Param&) {
                      if (!edge::is_platform_role(caller.role))
                        return json(nlohmann::json{{"tenants", nlohmann::json::array({caller.tenant_id})}});
                      return app.read([](const Projection& p) { return json(nlohmann::json{{"tenants", p.tenants()}}); });
                    }});
  routes.push_back({"/api/overview", false, as_rpc(app, "GetOverview", endpoint(app, [](const Projection& p, const v1::FigureQuery& q, const Param&) {
    return answer(overview(p, q));
  }))});
  routes.push_back({"/api/satisfaction", false, as_rpc(app, "GetSatisfaction", endpoint(app, [](const Projection& p, const v1::FigureQuery& q, const Param&) {
    return answer(satisfaction(p, q));
  }))});
  routes.push_back({"/api/complaints", false, as_rpc(app, "GetComplaintStats", endpoint(app, [](const Projection& p, const v1::FigureQuery& q, const Param&) {
    return answer(complaint_stats(p, q));
  }))});
  routes.push_back({"/api/agents", false, as_rpc(app, "GetAgentKpis", endpoint(app, [](const Projection& p, const v1::FigureQuery& q, const Param&) {
    return answer(agent_kpis(p, q));
  }))});
  routes.push_back({"/api/visit-rates", false, as_rpc(app, "GetVisitRates", endpoint(app, [](const Projection& p, const v1::FigureQuery& q, const Param& param) {
    v1::GroupedQuery g;
    *g.mutable_filter() = q;
    const std::string by = param("group");
    g.set_group_by(by == "agent" ? v1::GROUP_BY_AGENT : by == "category" ? v1::GROUP_BY_CATEGORY : v1::GROUP_BY_ORG_UNIT);
    if (!param("granularity").empty()) g.set_granularity(granularity(param("granularity")));
    return answer(visit_rates(p, g));
  }))});
  routes.push_back({"/api/trend", false, as_rpc(app, "GetTrend", endpoint(app, [](const Projection& p, const v1::FigureQuery& q, const Param& param) {
    v1::TrendQuery t;
    *t.mutable_filter() = q;
    t.set_granularity(granularity(param("granularity")));
    const std::string f = param("figure");
    t.set_figure(f == "satisfaction" ? v1::TREND_FIGURE_SATISFACTION
                 : f == "complaints" ? v1::TREND_FIGURE_COMPLAINTS
                                     : v1::TREND_FIGURE_VISIT_RATE);
    return answer(trend(p, t));
  }))});
  routes.push_back({"/api/overdue", false, as_rpc(app, "ListOverdueVisits", endpoint(app, [](const Projection& p, const v1::FigureQuery& q, const Param&) {
    v1::ListOverdueVisitsRequest r;
    *r.mutable_filter() = q;
    r.mutable_page()->set_page_size(100);
    return answer(overdue_visits(p, r));
  }))});
  routes.push_back({"/api/org", false, as_rpc(app, "GetOverview", [&app](const Param& param) {
    return app.read([&](const Projection& p) {
      // The drill-down step: the unit's children with labels; a leaf (no children) drills to agents.
      const std::string tenant = param("tenant");
      auto units = nlohmann::json::array();
      for (const auto& id : p.children(tenant, param("org")))
        units.push_back({{"id", id}, {"label", p.org_label(tenant, id)}, {"leaf", p.children(tenant, id).empty()}});
      return json(nlohmann::json{{"org", param("org")}, {"label", p.org_label(tenant, param("org"))}, {"units", units}});
    });
  })});
  routes.push_back({"/api/status", false, as_rpc(app, "GetProjectionStatus", [&app](const Param&) { return json(app.status()); })});
  routes.push_back({"/reports/summary", false, as_rpc(app, "ExportReport", endpoint(app, [](const Projection& p, const v1::FigureQuery& q, const Param& param) {
    v1::ExportReportRequest r;
    *r.mutable_filter() = q;
    r.set_kind(param("kind") == "quarterly" ? v1::REPORT_KIND_QUARTERLY : v1::REPORT_KIND_MONTHLY_SUMMARY);
    r.set_format(param("format") == "xlsx" ? v1::REPORT_FORMAT_XLSX : v1::REPORT_FORMAT_CSV);
    auto file = export_report(p, r);
    if (!file) return error(file.error());
    edge::HttpResponse resp;
    resp.content_type = file->content_type();
    resp.body = file->content();
    resp.content_disposition = "attachment; filename=\"" + file->file_name() + "\"";
    return resp;
  }))});
  return routes;
}

}  // namespace huifang::analytics
