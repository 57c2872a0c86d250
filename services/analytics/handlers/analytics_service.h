#pragma once
// AnalyticsService: figures, trends, overdue visits, reports, rebuild and status over gRPC.
#include "analytics_app.h"
#include "huifang/analytics/v1/service.grpc.pb.h"
#include "huifang/edge/caller.h"

namespace huifang::analytics {

class AnalyticsService final : public v1::AnalyticsService::Service {
 public:
  AnalyticsService(AnalyticsApp& app, const edge::Authenticator& auth) : app_(app), auth_(auth) {}
  grpc::Status GetOverview(grpc::ServerContext*, const v1::FigureQuery*, v1::Overview*) override;
  grpc::Status GetVisitRates(grpc::ServerContext*, const v1::GroupedQuery*, v1::VisitRates*) override;
  grpc::Status GetSatisfaction(grpc::ServerContext*, const v1::FigureQuery*, v1::Satisfaction*) override;
  grpc::Status GetComplaintStats(grpc::ServerContext*, const v1::FigureQuery*, v1::ComplaintStats*) override;
  grpc::Status GetAgentKpis(grpc::ServerContext*, const v1::FigureQuery*, v1::AgentKpis*) override;
  grpc::Status GetTrend(grpc::ServerContext*, const v1::TrendQuery*, v1::Trend*) override;
  grpc::Status ListOverdueVisits(grpc::ServerContext*, const v1::ListOverdueVisitsRequest*, v1::ListOverdueVisitsResponse*) override;
  grpc::Status ExportReport(grpc::ServerContext*, const v1::ExportReportRequest*, v1::ExportReportResponse*) override;
  grpc::Status Rebuild(grpc::ServerContext*, const v1::RebuildRequest*, v1::RebuildResponse*) override;
  grpc::Status GetProjectionStatus(grpc::ServerContext*, const v1::GetProjectionStatusRequest*, v1::ProjectionStatus*) override;
  grpc::Status GetCampaignStats(grpc::ServerContext*, const v1::FigureQuery*, v1::CampaignStats*) override;

 private:
  AnalyticsApp& app_;
  const edge::Authenticator& auth_;
};

// The report as a file: name, content type and bytes.
core::Result<v1::ExportReportResponse> export_report(const Projection& p, const v1::ExportReportRequest& r);

}  // namespace huifang::analytics
