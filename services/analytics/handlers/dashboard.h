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
#include "huifang/edge/access.h"
#include "huifang/edge/http.h"

namespace huifang::analytics {

// Every route is for signed-in callers, under the same access table and tenant rule as the gRPC
// edge; `page` routes send a visitor who is not signed in to the login page.
struct DashboardRoute {
  std::string path;
  bool page;
  edge::SignedInHandler handler;
};
std::vector<DashboardRoute> dashboard_routes(AnalyticsApp& app, std::string web_root);

}  // namespace huifang::analytics
