#pragma once
// The HTTP side of every service: /metrics (Prometheus text), /healthz, and any routes a service
// adds (analytics' dashboard and JSON). cpp-httplib is used because a small, well-kept embedded
// HTTP server beats writing one; it stays behind this header.
#include <functional>
#include <memory>
#include <string>

#include "huifang/core/metrics.h"
#include "huifang/core/result.h"

namespace huifang::edge {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::string content_disposition;  // e.g. attachment; filename="report.csv"
};
// Query parameters in, response out.
using HttpHandler = std::function<HttpResponse(const std::function<std::string(const std::string&)>& param)>;

class HttpServer {
 public:
  // Listens on host:port (port 0 = any free port) with /metrics from `metrics` and /healthz.
  static core::Result<std::unique_ptr<HttpServer>> start(const std::string& host, int port,
                                                         const core::MetricsRegistry& metrics);
  ~HttpServer();
  // Adds a GET route; call before traffic arrives.
  void get(const std::string& path, HttpHandler handler);
  // What /healthz says besides "ok": each non-empty answer of `problem` is a line after "degraded:"
  // (the process still serves, so the status stays 200). Call before traffic arrives.
  void add_health_check(std::function<std::string()> problem);
  int port() const { return port_; }
  void stop();

 private:
  struct Impl;
  HttpServer(std::unique_ptr<Impl> impl, int port);
  std::unique_ptr<Impl> impl_;
  int port_;
};

}  // namespace huifang::edge
