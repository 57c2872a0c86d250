#include "huifang/edge/http.h"

#include <httplib.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "sign_in.h"

namespace huifang::edge {

namespace {

// Sign-in forms and query strings are small; nothing larger is read.
constexpr size_t kMaxRequestBody = 64 * 1024;

void respond(httplib::Response& res, const HttpResponse& r) {
  res.status = r.status;
  if (!r.content_disposition.empty()) res.set_header("Content-Disposition", r.content_disposition);
  res.set_content(r.body, r.content_type);
}

HttpParam params_of(const httplib::Request& req) {
  return [&req](const std::string& name) { return req.get_param_value(name); };
}

// A form posted from another site (login CSRF) names another origin; browsers always send Origin
// on POST, tools may not (and carry no cookies of ours).
bool same_origin(const httplib::Request& req, bool secure) {
  const std::string origin = req.get_header_value("Origin");
  return origin.empty() || origin == (secure ? "https://" : "http://") + req.get_header_value("Host");
}

// The caller of a request: `Authorization: Bearer` (scripts), else the session cookie (browsers).
core::Result<Caller> caller_of(const httplib::Request& req, const Authenticator* verifier) {
  if (!verifier)
    return core::make_error(core::make_error_code(core::errc::internal), "sign-in is not set up on this server");
  const std::string bearer = req.get_header_value("Authorization");
  const std::string token =
      bearer.rfind("Bearer ", 0) == 0 ? bearer.substr(7) : sign_in::token_in_cookies(req.get_header_value("Cookie"));
  if (token.empty()) return core::make_error(core::make_error_code(core::errc::unauthenticated), "not signed in");
  return verifier->verify(token, req.remote_addr);
}

// 429 with Retry-After (whole seconds, at least 1) for a caller over its rate.
void too_many(httplib::Response& res, const core::Error& e) {
  res.status = 429;
  res.set_header("Retry-After", std::to_string(std::max<int64_t>(1, (e.retry_after.count() + 999) / 1000)));
  res.set_content(nlohmann::json{{"error", e.message}}.dump(), "application/json; charset=utf-8");
}

}  // namespace

struct HttpServer::Impl {
  std::unique_ptr<httplib::Server> server;  // an httplib::SSLServer when given a certificate
  bool secure = false;
  std::shared_ptr<const Authenticator> auth;
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
                                                            const core::MetricsRegistry& metrics, const ServerTls& tls) {
  auto impl = std::make_unique<Impl>();
  if (auto st = check_pair(tls.cert_file, tls.key_file); !st) return st.error();
  if (tls.cert_file.empty()) {
    impl->server = std::make_unique<httplib::Server>();
  } else {
    auto secure = std::make_unique<httplib::SSLServer>(tls.cert_file.c_str(), tls.key_file.c_str());
    if (!secure->is_valid())
      return core::invalid_argument("tls-cert", "'" + tls.cert_file + "' and '" + tls.key_file +
                                                    "' are not a usable certificate and key for HTTPS");
    impl->server = std::move(secure);
    impl->secure = true;
  }
  impl->server->set_payload_max_length(kMaxRequestBody);
  impl->server->Get("/metrics", [&metrics](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics.expose(), "text/plain; version=0.0.4");
  });
  Impl* raw = impl.get();
  impl->server->Get("/healthz", [raw](const httplib::Request&, httplib::Response& res) {
    res.set_content(raw->health(), "text/plain");
  });
  const int bound = port == 0 ? impl->server->bind_to_any_port(host) : (impl->server->bind_to_port(host, port) ? port : -1);
  if (bound <= 0)
    return core::make_error(core::make_error_code(core::errc::unavailable),
                            "cannot listen for HTTP on " + host + ":" + std::to_string(port) + " (address in use?)");
  impl->thread = std::thread([raw] { raw->server->listen_after_bind(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl), bound));
}

void HttpServer::get(const std::string& path, HttpHandler handler) {
  impl_->server->Get(path, [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    respond(res, handler(params_of(req)));
  });
}

void HttpServer::use_sign_in(std::shared_ptr<const Authenticator> auth) {
  impl_->auth = std::move(auth);
  const Authenticator* verifier = impl_->auth.get();
  auto page = [](httplib::Response& res, int status, std::string_view problem) {
    res.status = status;
    res.set_header("Cache-Control", "no-store");
    res.set_content(sign_in::login_page(problem), "text/html; charset=utf-8");
  };
  impl_->server->Get("/login", [page](const httplib::Request&, httplib::Response& res) { page(res, 200, ""); });
  const bool secure = impl_->secure;
  impl_->server->Post("/login", [verifier, page, secure](const httplib::Request& req, httplib::Response& res) {
    if (!same_origin(req, secure)) return page(res, 403, "This form was posted from another site.");
    std::string token = req.get_param_value("token");
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.front()))) token.erase(0, 1);
    auto caller = verifier->verify(token, req.remote_addr);
    if (!caller && caller.error().kind() == core::condition::resource_exhausted) return too_many(res, caller.error());
    if (!caller) return page(res, 401, caller.error().message);
    res.set_header("Set-Cookie", sign_in::start_session(token, secure));
    res.set_redirect("/", 303);
  });
  impl_->server->Post("/logout", [secure](const httplib::Request& req, httplib::Response& res) {
    if (!same_origin(req, secure)) {
      res.status = 403;
      return;
    }
    res.set_header("Set-Cookie", sign_in::end_session(secure));
    res.set_redirect("/login", 303);
  });
}

void HttpServer::get_signed_in(const std::string& path, SignedInHandler handler, bool page) {
  const Authenticator* verifier = impl_->auth.get();
  impl_->server->Get(path, [verifier, page, handler = std::move(handler)](const httplib::Request& req,
                                                                        httplib::Response& res) {
    auto caller = caller_of(req, verifier);
    if (!caller && caller.error().kind() == core::condition::resource_exhausted) return too_many(res, caller.error());
    if (!caller) {
      if (page) return res.set_redirect("/login", 303);
      res.status = 401;
      res.set_header("WWW-Authenticate", "Bearer");
      return res.set_content(nlohmann::json{{"error", caller.error().message + " (sign in at /login)"}}.dump(),
                             "application/json; charset=utf-8");
    }
    res.set_header("Cache-Control", "no-store");
    respond(res, handler(*caller, params_of(req)));
  });
}

void HttpServer::add_health_check(std::function<std::string()> problem) {
  std::lock_guard lock(impl_->health_mu);
  impl_->health_checks.push_back(std::move(problem));
}

void HttpServer::stop() {
  if (!impl_) return;
  impl_->server->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace huifang::edge
