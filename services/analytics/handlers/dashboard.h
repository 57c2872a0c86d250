#pragma once
// The HTTP side of analytics: the dashboard page and its assets (from the web root, built with
// Apache ECharts from npm), JSON endpoints answering the same queries as the gRPC edge, and the
// report downloads. Query parameters: tenant, org, category, from / to (YYYY-MM-DD, `to`
// inclusive), granularity (day|week|month|quarter), group (org|agent|category), figure
// (visit_rate|satisfaction|complaints), kind (monthly|quarterly), format (csv|xlsx).
#include <string>
#include <utility>
#include <vector>

#include "analytics_app.h"
#include "huifang/edge/http.h"

namespace huifang::analytics {

std::vector<std::pair<std::string, edge::HttpHandler>> dashboard_routes(AnalyticsApp& app, std::string web_root);

}  // namespace huifang::analytics
