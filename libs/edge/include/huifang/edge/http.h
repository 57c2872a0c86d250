#pragma once
// The HTTP side of every service: /metrics (Prometheus text), /healthz, and any routes a service
// adds (analytics' dashboard and JSON). cpp-httplib is used because a small, well-kept embedded
// HTTP server beats writing one; it stays behind this header.
#include <functional>
#include <memory>
#include <string>

#include "huifang/core/metrics.h"
#include "huifang/core/result.h"
#include "huifang/edge/caller.h"
#include "huifang/edge/tls.h"

namespace huifang::edge {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::string content_disposition;  // e.g. attachment; filename="report.csv"
};
// Query parameters in, response out.
using HttpParam = std::function<std::string(const std::string&)>;
using HttpHandler = std::function<HttpResponse(const HttpParam& param)>;
// The same, for a verified caller.
using SignedInHandler = std::function<HttpResponse(const Caller& caller, const HttpParam& param)>;

class HttpServer {
 public:
  // Listens on host:port (port 0 = any free port) with /metrics from `metrics` and /healthz; over
  // HTTPS when `tls` has a certificate (its client CA is for gRPC only: browsers sign in with
  // tokens), and then the session cookie is Secure.
  static core::Result<std::unique_ptr<HttpServer>> start(const std::string& host, int port,
                                                         const core::MetricsRegistry& metrics, const ServerTls& tls = {});
  ~HttpServer();
  // Adds a GET route open to anyone (health, metrics); call before traffic arrives.
  void get(const std::string& path, HttpHandler handler);
  // Serves GET/POST /login and POST /logout, verifying tokens with `auth`: a browser signs in
  // once and carries the token in a session cookie. Call before adding signed-in routes.
  void use_sign_in(std::shared_ptr<const Authenticator> auth);
  // Adds a GET route for signed-in callers only (the session cookie, or `Authorization: Bearer`
  // for scripts). Anyone else gets nothing but a way to sign in: pages redirect to /login, data
  // answers 401.
  void get_signed_in(const std::string& path, SignedInHandler handler, bool page);
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
