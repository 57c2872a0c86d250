#include "huifang/edge/http.h"

#include <httplib.h>

#include <mutex>
#include <thread>
#include <vector>

namespace huifang::edge {

struct HttpServer::Impl {
  httplib::Server server;
  std::thread thread;
  std::mutex health_mu;
  std::vector<std::function<std::string()>> health_checks;

  std::string health() {
    std::string problems;
    std::lock_guard lock(health_mu);
    for (const auto& check : health_checks)
      if (std::string p = check(); !p.empty()) problems += "- " + p + "\n";
    return problems.empty() ? "ok\n" : "degraded:\n" + problems;
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl, int port) : impl_(std::move(impl)), port_(port) {}

HttpServer::~HttpServer() { stop(); }

core::Result<std::unique_ptr<HttpServer>> HttpServer::start(const std::string& host, int port,
                                                            const core::MetricsRegistry& metrics) {
  auto impl = std::make_unique<Impl>();
  impl->server.Get("/metrics", [&metrics](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics.expose(), "text/plain; version=0.0.4");
  });
  Impl* raw = impl.get();
  impl->server.Get("/healthz", [raw](const httplib::Request&, httplib::Response& res) {
    res.set_content(raw->health(), "text/plain");
  });
  const int bound = port == 0 ? impl->server.bind_to_any_port(host) : (impl->server.bind_to_port(host, port) ? port : -1);
  if (bound <= 0)
    return core::make_error(core::make_error_code(core::errc::unavailable),
                            "cannot listen for HTTP on " + host + ":" + std::to_string(port) + " (address in use?)");
  impl->thread = std::thread([raw] { raw->server.listen_after_bind(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl), bound));
}

void HttpServer::get(const std::string& path, HttpHandler handler) {
  impl_->server.Get(path, [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    const HttpResponse r = handler([&req](const std::string& name) { return req.get_param_value(name); });
    res.status = r.status;
    if (!r.content_disposition.empty()) res.set_header("Content-Disposition", r.content_disposition);
    res.set_content(r.body, r.content_type);
  });
}

void HttpServer::add_health_check(std::function<std::string()> problem) {
  std::lock_guard lock(impl_->health_mu);
  impl_->health_checks.push_back(std::move(problem));
}

void HttpServer::stop() {
  if (!impl_) return;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace huifang::edge
