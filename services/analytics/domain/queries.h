#pragma once
// The AnalyticsService queries answered from a projection: request filters become a Filter, totals
// become the figures of figures.h. Shared by the gRPC edge and the dashboard's JSON, so both always
// show the same numbers. Rates with nothing to divide by are left unset in JSON (and 0 with the
// counts beside them in protobuf), never shown as 0 % or 100 %.
#include "huifang/analytics/v1/service.pb.h"
#include "huifang/core/result.h"
#include "projection.h"

namespace huifang::analytics {

core::Result<Filter> filter_of(const Projection& p, const v1::FigureQuery& q);
Granularity granularity_of(common::v1::Granularity g);

core::Result<v1::Overview> overview(const Projection& p, const v1::FigureQuery& q);
core::Result<v1::VisitRates> visit_rates(const Projection& p, const v1::GroupedQuery& q);
core::Result<v1::Satisfaction> satisfaction(const Projection& p, const v1::FigureQuery& q);
core::Result<v1::ComplaintStats> complaint_stats(const Projection& p, const v1::FigureQuery& q);
core::Result<v1::AgentKpis> agent_kpis(const Projection& p, const v1::FigureQuery& q);
core::Result<v1::Trend> trend(const Projection& p, const v1::TrendQuery& q);
core::Result<v1::ListOverdueVisitsResponse> overdue_visits(const Projection& p, const v1::ListOverdueVisitsRequest& r);

// Figures of one Totals, for reports.
v1::Satisfaction satisfaction_of(const Totals& t);
core::Timestamp day_start(const Projection& p, int32_t day);

}  // namespace huifang::analytics
