// huifang-analytics: the projection service — satisfaction dashboards, figures, reports, rebuild.
#include <grpcpp/grpcpp.h>

#include <fstream>

#include "handlers/analytics_service.h"
#include "handlers/dashboard.h"
#include "huifang/core/log.h"
#include "huifang/edge/client.h"
#include "huifang/complaints/v1/service.grpc.pb.h"
#include "huifang/intake/v1/service.grpc.pb.h"
#include "huifang/runtime/runtime.h"
#include "huifang/scheduling/v1/service.grpc.pb.h"
#include "huifang/visit/v1/service.grpc.pb.h"

namespace {

using namespace huifang;

// Analytics' own credential for calling the other services, read at each use so that whatever
// renews it (a sidecar, ./scripts/up) only has to replace the file.
core::Result<std::string> service_token(const std::string& path) {
  std::ifstream in(path);
  std::string token;
  if (path.empty() || !in || !std::getline(in, token) || token.empty())
    return core::make_error(core::make_error_code(core::errc::failed_precondition),
                            "no service token in '" + path + "' (--service-token-file): cannot ask for a republish");
  return token;
}

// Asks one service to republish its outbox (the embedded broker forgets everything on restart).
template <typename Service, typename Req, typename Resp>
core::Status republish(const std::string& name, const std::string& address, const std::string& token_file,
                       const std::shared_ptr<grpc::ChannelCredentials>& transport) {
  auto token = service_token(token_file);
  if (!token) return token.error();
  auto stub = Service::NewStub(edge::bearer_channel(address, *token, transport));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  Req req;
  Resp resp;
  const grpc::Status st = stub->RepublishEvents(&ctx, req, &resp);
  if (!st.ok())
    return core::make_error(core::make_error_code(core::errc::unavailable),
                            name + " at " + address + " did not republish: " + st.error_message());
  core::log::info("republish requested", {{"service", name}, {"pending", resp.pending()}});
  return core::ok_status();
}

}  // namespace

int main(int argc, char** argv) {
  auto rt = runtime::must(
      runtime::Runtime::create({"analytics", "huifang.analytics.v1", 7105, 8105,
                                {{"web-root", HUIFANG_WEB_ROOT, "directory with the dashboard page and ECharts"},
                                 {"utc-offset-hours", "8", "reporting zone: which local day an event counts in"},
                                 {"save-interval", "100ms", "how often the projection and its checkpoints are saved"},
                                 {"intake-grpc", "127.0.0.1:7101", "intake's gRPC address (rebuild with republish)"},
                                 {"scheduling-grpc", "127.0.0.1:7102", "scheduling's gRPC address"},
                                 {"visit-grpc", "127.0.0.1:7103", "visit's gRPC address"},
                                 {"complaints-grpc", "127.0.0.1:7104", "complaints' gRPC address"},
                                 {"service-token-file", "", "analytics' own bearer token (role service) for asking the others to republish"}}},
                               argc, argv),
      "huifang-analytics");
  const auto& cfg = rt->config();
  const std::vector<std::string> topics = {"huifang.intake.v1", "huifang.scheduling.v1", "huifang.visit.v1",
                                           "huifang.complaints.v1"};
  analytics::AnalyticsOptions options;
  options.utc_offset_hours = static_cast<int>(runtime::must(cfg.get_int("utc-offset-hours", -12, 14), "huifang-analytics"));
  options.kafka = rt->kafka();
  options.topics = topics;
  options.republish = [&cfg, transport = rt->client_credentials()] {
    if (auto st = republish<intake::v1::IntakeService, intake::v1::RepublishEventsRequest, intake::v1::RepublishEventsResponse>(
            "intake", cfg.get("intake-grpc"), cfg.get("service-token-file"), transport); !st)
      return st;
    if (auto st = republish<scheduling::v1::SchedulingService, scheduling::v1::RepublishEventsRequest,
                            scheduling::v1::RepublishEventsResponse>("scheduling", cfg.get("scheduling-grpc"), cfg.get("service-token-file"), transport); !st)
      return st;
    if (auto st = republish<visit::v1::VisitService, visit::v1::RepublishEventsRequest, visit::v1::RepublishEventsResponse>(
            "visit", cfg.get("visit-grpc"), cfg.get("service-token-file"), transport); !st)
      return st;
    return republish<complaints::v1::ComplaintService, complaints::v1::RepublishEventsRequest,
                     complaints::v1::RepublishEventsResponse>("complaints", cfg.get("complaints-grpc"), cfg.get("service-token-file"), transport);
  };
  analytics::ProjectionStore store(rt->redis(), cfg.get("key-prefix"));
  analytics::AnalyticsApp app(store, options);
  runtime::must(app.start(), "huifang-analytics: loading the projection");
  analytics::AnalyticsService service(app, rt->auth());
  bus::Consumer* consumer = runtime::must(
      rt->consume_storing_offsets_myself(
          topics, [&app](std::span<const runtime::Incoming> batch) { return app.apply(batch); }, &analytics::Projection::handles),
      "huifang-analytics: consumer");
  // Offsets are stored only for what a save made durable: a crash replays the rest.
  auto save = [&app, consumer]() -> core::Status {
    auto saved = app.save();
    if (!saved) return saved.error();
    for (const auto& [tp, offset] : *saved) {
      const auto slash = tp.rfind('/');
      if (auto st = consumer->store(tp.substr(0, slash), std::stoi(tp.substr(slash + 1)), offset); !st) return st;
    }
    return core::ok_status();
  };
  const auto save_interval = runtime::must(cfg.get_duration("save-interval"), "huifang-analytics");
  rt->add_periodic(std::chrono::duration_cast<std::chrono::milliseconds>(save_interval), "projection save", save);
  for (auto& r : analytics::dashboard_routes(app, cfg.get("web-root"))) rt->add_signed_in_route(r.path, r.handler, r.page);
  const int code = rt->run({&service});
  app.join_rebuild();
  if (auto saved = app.save(); !saved)  // what the last interval applied; replayed on start if this fails
    core::log::warn("final projection save failed", {{"error", saved.error().to_string()}});
  return code;
}
