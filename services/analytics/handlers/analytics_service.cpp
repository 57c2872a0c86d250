#include "analytics_service.h"

#include "../domain/queries.h"
#include "../domain/reports.h"
#include "huifang/edge/handle.h"
#include "unit_scope.h"

namespace huifang::analytics {

using edge::Caller;
using edge::reply;

namespace {
// The figure filter of a query: itself, or the `filter` it carries.
const v1::FigureQuery& figure_filter(const v1::FigureQuery& q) { return q; }
template <typename Req>
const v1::FigureQuery& figure_filter(const Req& r) {
  return r.filter();
}

// A query answered from the serving projection, within the caller's org units.
template <typename Req, typename Resp, typename Fn>
grpc::Status answer(grpc::ServerContext* ctx, const edge::Authenticator& auth, const AnalyticsApp& app, const char* rpc,
                    const Req& req, Resp* resp, Fn fn) {
  return reply(ctx, auth, rpc, req, resp, [&](const Caller& c) {
    return app.read([&](const Projection& p) -> decltype(fn(p, req)) {
      if (auto st = check_figure_scope(c, req, figure_filter(req).org_unit_id(), p); !st) return st.error();
      return fn(p, req);
    });
  });
}
}  // namespace

grpc::Status AnalyticsService::GetOverview(grpc::ServerContext* ctx, const v1::FigureQuery* req, v1::Overview* resp) {
  return answer(ctx, auth_, app_, "GetOverview", *req, resp, overview);
}
grpc::Status AnalyticsService::GetVisitRates(grpc::ServerContext* ctx, const v1::GroupedQuery* req, v1::VisitRates* resp) {
  return answer(ctx, auth_, app_, "GetVisitRates", *req, resp, visit_rates);
}
grpc::Status AnalyticsService::GetSatisfaction(grpc::ServerContext* ctx, const v1::FigureQuery* req, v1::Satisfaction* resp) {
  return answer(ctx, auth_, app_, "GetSatisfaction", *req, resp, satisfaction);
}
grpc::Status AnalyticsService::GetComplaintStats(grpc::ServerContext* ctx, const v1::FigureQuery* req,
                                                 v1::ComplaintStats* resp) {
  return answer(ctx, auth_, app_, "GetComplaintStats", *req, resp, complaint_stats);
}
grpc::Status AnalyticsService::GetAgentKpis(grpc::ServerContext* ctx, const v1::FigureQuery* req, v1::AgentKpis* resp) {
  return answer(ctx, auth_, app_, "GetAgentKpis", *req, resp, agent_kpis);
}
grpc::Status AnalyticsService::GetTrend(grpc::ServerContext* ctx, const v1::TrendQuery* req, v1::Trend* resp) {
  return answer(ctx, auth_, app_, "GetTrend", *req, resp, trend);
}
grpc::Status AnalyticsService::ListOverdueVisits(grpc::ServerContext* ctx, const v1::ListOverdueVisitsRequest* req,
                                                 v1::ListOverdueVisitsResponse* resp) {
  return answer(ctx, auth_, app_, "ListOverdueVisits", *req, resp, overdue_visits);
}
grpc::Status AnalyticsService::ExportReport(grpc::ServerContext* ctx, const v1::ExportReportRequest* req,
                                            v1::ExportReportResponse* resp) {
  return answer(ctx, auth_, app_, "ExportReport", *req, resp, export_report);
}

grpc::Status AnalyticsService::Rebuild(grpc::ServerContext* ctx, const v1::RebuildRequest* req, v1::RebuildResponse* resp) {
  return reply(ctx, auth_, "Rebuild", *req, resp, [&](const Caller&) { return app_.rebuild(req->republish()); });
}
grpc::Status AnalyticsService::GetProjectionStatus(grpc::ServerContext* ctx, const v1::GetProjectionStatusRequest* req,
                                                   v1::ProjectionStatus* resp) {
  return edge::handle(ctx, auth_, "GetProjectionStatus", req, [&](const Caller&) {
    *resp = app_.status();
    return core::ok_status();
  });
}
grpc::Status AnalyticsService::GetCampaignStats(grpc::ServerContext*, const v1::FigureQuery*, v1::CampaignStats*) {
  return {grpc::StatusCode::UNIMPLEMENTED,
          "questionnaire campaigns are not tracked yet: no service emits campaign events"};
}

core::Result<v1::ExportReportResponse> export_report(const Projection& p, const v1::ExportReportRequest& r) {
  auto table = summary_report(p, r);
  if (!table) return table.error();
  const std::string base = r.kind() == v1::REPORT_KIND_QUARTERLY ? "quarterly-report" : "monthly-summary";
  v1::ExportReportResponse out;
  if (r.format() == v1::REPORT_FORMAT_XLSX) {
    auto bytes = to_xlsx(*table);
    if (!bytes) return bytes.error();
    out.set_file_name(base + ".xlsx");
    out.set_content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    out.set_content(std::move(*bytes));
  } else {
    out.set_file_name(base + ".csv");
    out.set_content_type("text/csv; charset=utf-8");
    out.set_content(to_csv(*table));
  }
  return out;
}

}  // namespace huifang::analytics
