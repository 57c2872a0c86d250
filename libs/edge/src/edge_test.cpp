#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "huifang/auth/local_issuer.h"
#include "huifang/edge/handle.h"
#include "huifang/edge/http.h"
#include "huifang/edge/server.h"
#include "huifang/edge/tls.h"
#include "sign_in.h"

namespace huifang::edge {
namespace {

TEST(EdgeStatus, MapsEveryConditionToItsGrpcCode) {
  EXPECT_EQ(to_grpc_code(core::condition::invalid_argument), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(to_grpc_code(core::condition::failed_precondition), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(to_grpc_code(core::condition::aborted), grpc::StatusCode::ABORTED);
  EXPECT_EQ(to_grpc_code(core::condition::unavailable), grpc::StatusCode::UNAVAILABLE);
  const auto st = to_grpc_status(core::invalid_argument("customer.phone", "must be digits"));
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message(), "customer.phone: must be digits");
}

TEST(EdgeHandle, RunsTheBodyWithTheCallerAndMapsItsError) {
  grpc::ServerContext ctx;
  auto auth = fixed_caller_authenticator({"agent-1", Role::agent, "t", {}});
  std::string seen;
  auto st = handle(&ctx, *auth, "GetCustomer", nullptr, [&](const Caller& c) -> core::Status {
    seen = c.subject;
    return core::make_error(core::make_error_code(core::errc::not_found), "customer c-9 not found");
  });
  EXPECT_EQ(seen, "agent-1");
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(st.error_message(), "customer c-9 not found");
}

TEST(EdgeHandle, AnEscapedExceptionBecomesInternal) {
  grpc::ServerContext ctx;
  auto st = handle(&ctx, *fixed_caller_authenticator({"ops", Role::admin, "t", {}}), "GetCustomer", nullptr,
                   [](const Caller&) -> core::Status { throw std::runtime_error("bug"); });
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INTERNAL);
}

// grpc.health.v1.Health/Check for the whole server, by a generic stub (no generated health
// client in Debian's packages): the status, and the answer's bytes.
grpc::Status health_check(const std::shared_ptr<grpc::Channel>& channel, std::string* answer = nullptr) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::Slice empty(std::string{});
  grpc::ByteBuffer request(&empty, 1);  // an empty HealthCheckRequest: the whole server
  grpc::ByteBuffer response;
  grpc::CompletionQueue cq;
  auto call = stub.PrepareUnaryCall(&ctx, "/grpc.health.v1.Health/Check", request, &cq);
  call->StartCall();
  grpc::Status status;
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag;
  bool ok;
  if (!cq.Next(&tag, &ok)) return {grpc::StatusCode::INTERNAL, "no completion"};
  std::vector<grpc::Slice> slices;
  if (answer && status.ok() && response.Dump(&slices).ok())
    for (auto& s : slices) answer->append(reinterpret_cast<const char*>(s.begin()), s.size());
  return status;
}

TEST(EdgeServer, ServesStandardHealthChecking) {
  auto server = EdgeServer::start({}, {});
  ASSERT_TRUE(server) << server.error().to_string();
  std::string bytes;
  const auto status = health_check(grpc::CreateChannel((*server)->address(), grpc::InsecureChannelCredentials()), &bytes);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(bytes, std::string("\x08\x01", 2));  // status: SERVING
}

// A CA, a server certificate for 127.0.0.1 and a client certificate, made with the openssl tool
// (as an operator or ./scripts/up would) in a temporary directory.
class EdgeTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() / ("huifang-edge-tls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    const std::string d = dir_.string();
    const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    std::ofstream(d + "/server.ext") << "subjectAltName=IP:127.0.0.1\n";
    const std::string script =
        "cd " + d + " && openssl req -x509" + key + " -keyout ca.key -out ca.pem -days 1 -subj /CN=test-ca" +
        " && openssl req" + key + " -keyout server.key -out server.csr -subj /CN=127.0.0.1" +
        " && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 1 -extfile server.ext" +
        " && openssl req" + key + " -keyout client.key -out client.csr -subj /CN=analytics" +
        " && openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 1" +
        " && openssl req -x509" + key + " -keyout other.key -out other.pem -days 1 -subj /CN=stranger";
    ASSERT_EQ(std::system((script + " >/dev/null 2>&1").c_str()), 0) << script;
    auto issuer = auth::open_local_issuer(d + "/issuer");
    ASSERT_TRUE(issuer) << issuer.error().to_string();
    issuer_ = *issuer;
  }
  static const auth::LocalIssuer& issuer() { return issuer_; }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  static std::string file(const char* name) { return (dir_ / name).string(); }
  static std::shared_ptr<grpc::Channel> channel(const EdgeServer& server, const ClientTls& tls) {
    auto credentials = channel_credentials(tls);
    EXPECT_TRUE(credentials) << credentials.error().to_string();
    return grpc::CreateChannel(server.address(), *credentials);
  }
  static std::filesystem::path dir_;
  static auth::LocalIssuer issuer_;
};
std::filesystem::path EdgeTls::dir_;
auth::LocalIssuer EdgeTls::issuer_;

TEST_F(EdgeTls, ATlsEdgeAnswersOnlyClientsThatSpeakTlsAndTrustItsCa) {
  ServerOptions o;
  o.tls = {file("server.pem"), file("server.key"), ""};
  auto server = EdgeServer::start(o, {});
  ASSERT_TRUE(server) << server.error().to_string();
  EXPECT_TRUE(health_check(channel(**server, {file("ca.pem"), "", ""})).ok());
  EXPECT_EQ(health_check(grpc::CreateChannel((*server)->address(), grpc::InsecureChannelCredentials())).error_code(),
            grpc::StatusCode::UNAVAILABLE);  // plaintext never reaches a handler
  EXPECT_EQ(health_check(channel(**server, {file("other.pem"), "", ""})).error_code(),
            grpc::StatusCode::UNAVAILABLE);  // a server this client's CA did not sign is not trusted
}

TEST_F(EdgeTls, WithAClientCaOnlyCallersWithACertificateItSignedGetIn) {
  ServerOptions o;
  o.tls = {file("server.pem"), file("server.key"), file("ca.pem")};
  auto server = EdgeServer::start(o, {});
  ASSERT_TRUE(server) << server.error().to_string();
  EXPECT_TRUE(health_check(channel(**server, {file("ca.pem"), file("client.pem"), file("client.key")})).ok());
  EXPECT_EQ(health_check(channel(**server, {file("ca.pem"), "", ""})).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(health_check(channel(**server, {file("ca.pem"), file("other.pem"), file("other.key")})).error_code(),
            grpc::StatusCode::UNAVAILABLE);  // self-signed: not the CA's
}

TEST_F(EdgeTls, TheHttpSideSpeaksHttpsWithTheSameCertificateAndItsSessionCookieIsSecure) {
  core::MetricsRegistry metrics;
  auto http = HttpServer::start("127.0.0.1", 0, metrics, {file("server.pem"), file("server.key"), ""});
  ASSERT_TRUE(http) << http.error().to_string();
  auto keys = auth::KeySet::parse_jwks(issuer().jwks);
  ASSERT_TRUE(keys);
  core::SystemClock clock;
  (*http)->use_sign_in(bearer_authenticator(auth::fixed_keys(*keys), {std::string(auth::kLocalIssuer), std::string(auth::kAudience)}, clock));
  httplib::SSLClient trusted("127.0.0.1", (*http)->port());
  trusted.set_ca_cert_path(file("ca.pem").c_str());
  trusted.enable_server_certificate_verification(true);
  auto health = trusted.Get("/healthz");
  ASSERT_TRUE(health) << httplib::to_string(health.error());
  EXPECT_EQ(health->status, 200);
  auth::TokenRequest r;
  r.claims = {"mgr-1", "anju", "manager", {}};
  auto login = trusted.Post("/login", "token=" + *auth::mint_token(issuer(), r, clock.now()), "application/x-www-form-urlencoded");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 303);
  EXPECT_NE(login->get_header_value("Set-Cookie").find("; Secure"), std::string::npos);
  httplib::Client plain("127.0.0.1", (*http)->port());
  EXPECT_FALSE(plain.Get("/healthz"));  // no plaintext answer on an HTTPS port
}

TEST_F(EdgeTls, MissingOrHalfGivenFilesAreClearErrorsNamingTheOption) {
  ServerOptions o;
  o.tls = {file("server.pem"), "", ""};
  auto half = EdgeServer::start(o, {});
  ASSERT_FALSE(half);
  EXPECT_EQ(half.error().field, "tls-key");
  o.tls = {file("server.pem"), file("absent.key"), ""};
  auto absent = EdgeServer::start(o, {});
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().field, "tls-key");
  EXPECT_NE(absent.error().message.find("absent.key"), std::string::npos);
  EXPECT_EQ(channel_credentials({"", file("client.pem"), file("client.key")}).error().field, "tls-ca");
  core::MetricsRegistry metrics;
  auto http = HttpServer::start("127.0.0.1", 0, metrics, {file("ca.pem"), file("server.key"), ""});  // key of another certificate
  ASSERT_FALSE(http);
  EXPECT_EQ(http.error().field, "tls-cert");
}

TEST(HttpServer, ServesMetricsHealthAndAddedRoutes) {
  core::MetricsRegistry metrics;
  metrics.counter("huifang_test_total", "test").inc(5);
  auto http = HttpServer::start("127.0.0.1", 0, metrics);
  ASSERT_TRUE(http) << http.error().to_string();
  (*http)->get("/hello", [](const auto& param) { return HttpResponse{200, "text/plain", "hi " + param("name"), ""}; });
  httplib::Client client("127.0.0.1", (*http)->port());
  auto m = client.Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_NE(m->body.find("huifang_test_total 5"), std::string::npos);
  EXPECT_EQ(client.Get("/healthz")->body, "ok\n");
  EXPECT_EQ(client.Get("/hello?name=ops")->body, "hi ops");
  // A check with something to say makes health "degraded", one line each; a quiet one adds none.
  std::atomic<int> set_aside{0};
  (*http)->add_health_check([] { return std::string(); });
  (*http)->add_health_check([&] { return set_aside ? std::to_string(set_aside) + " event(s) set aside" : ""; });
  EXPECT_EQ(client.Get("/healthz")->body, "ok\n");
  set_aside = 2;
  auto h = client.Get("/healthz");
  EXPECT_EQ(h->status, 200);
  EXPECT_EQ(h->body, "degraded:\n- 2 event(s) set aside\n");
}

TEST(SignIn, FindsTheSessionAmongOtherCookies) {
  EXPECT_EQ(sign_in::token_in_cookies("a=1; huifang_session=t.o.k; b=2"), "t.o.k");
  EXPECT_EQ(sign_in::token_in_cookies("huifang_session_x=no; huifang_sessio=no"), "");
  EXPECT_EQ(sign_in::token_in_cookies(""), "");
  EXPECT_NE(sign_in::start_session("t", false).find("HttpOnly; SameSite=Strict"), std::string::npos);
  EXPECT_EQ(sign_in::start_session("t", false).find("Secure"), std::string::npos);
  EXPECT_NE(sign_in::start_session("t", true).find("; Secure"), std::string::npos);
  EXPECT_NE(sign_in::end_session(true).find("; Secure"), std::string::npos);
  EXPECT_EQ(sign_in::login_page("<script>x</script>").find("<script>x"), std::string::npos);  // the reason is text
}

// The dashboard's side of the edge: nothing but the login page without a session.
class HttpSignIn : public ::testing::Test {
 protected:
  void SetUp() override {
    auto issuer = auth::open_local_issuer((std::filesystem::temp_directory_path() /
                                           ("huifang-http-auth-" + std::to_string(::getpid()))).string());
    ASSERT_TRUE(issuer);
    issuer_ = *issuer;
    auto keys = auth::KeySet::parse_jwks(issuer_.jwks);
    ASSERT_TRUE(keys);
    auto http = HttpServer::start("127.0.0.1", 0, metrics_);
    ASSERT_TRUE(http);
    http_ = std::move(*http);
    http_->use_sign_in(bearer_authenticator(auth::fixed_keys(*keys),
                                            {std::string(auth::kLocalIssuer), std::string(auth::kAudience)}, clock_));
    http_->get_signed_in("/", [](const Caller& c, const HttpParam&) { return HttpResponse{200, "text/html", "page of " + c.subject, ""}; }, true);
    http_->get_signed_in("/api/x", [](const Caller& c, const HttpParam&) { return HttpResponse{200, "application/json", "{\"t\":\"" + c.tenant_id + "\"}", ""}; }, false);
  }
  std::string token(const std::string& subject) {
    auth::TokenRequest r;
    r.claims = {subject, "anju", "manager", {}};
    return *auth::mint_token(issuer_, r, clock_.now());
  }
  httplib::Client client() { return httplib::Client("127.0.0.1", http_->port()); }

  core::SystemClock clock_;
  core::MetricsRegistry metrics_;
  auth::LocalIssuer issuer_;
  std::unique_ptr<HttpServer> http_;
};

// Tenant ids become part of keys (core/tenant.h): a token whose tenant is not a plain name is
// refused however well it is signed.
TEST_F(HttpSignIn, ATokenWhoseTenantIsNotANameIsRefused) {
  auto keys = auth::KeySet::parse_jwks(issuer_.jwks);
  ASSERT_TRUE(keys);
  auto auth = bearer_authenticator(auth::fixed_keys(*keys),
                                   {std::string(auth::kLocalIssuer), std::string(auth::kAudience)}, clock_);
  auth::TokenRequest r;
  r.claims = {"mgr-1", "anju", "manager", {}};
  EXPECT_TRUE(auth->verify(*auth::mint_token(issuer_, r, clock_.now()), "peer"));
  for (const std::string& tenant : {std::string("anju|c1"), std::string("an ju"), std::string(65, 'a')}) {
    r.claims.tenant = tenant;
    auto refused = auth->verify(*auth::mint_token(issuer_, r, clock_.now()), "peer");
    ASSERT_FALSE(refused) << tenant;
    EXPECT_EQ(refused.error().kind(), core::condition::unauthenticated);
    EXPECT_NE(refused.error().message.find("tenant claim"), std::string::npos) << refused.error().message;
  }
}

TEST_F(HttpSignIn, AStrangerGetsOnlyTheLoginPage) {
  auto c = client();
  auto page = c.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 303);
  EXPECT_EQ(page->get_header_value("Location"), "/login");
  auto data = c.Get("/api/x");
  EXPECT_EQ(data->status, 401);
  EXPECT_EQ(data->body.find("anju"), std::string::npos);
  EXPECT_EQ(c.Get("/api/x", {{"Cookie", "huifang_session=forged.token.here"}})->status, 401);
  EXPECT_EQ(c.Get("/login")->status, 200);
  EXPECT_EQ(c.Get("/healthz")->status, 200);  // probes stay open, and say nothing about tenants
}

TEST_F(HttpSignIn, ATokenSignsInOnceAndTheCookieCarriesTheSession) {
  auto c = client();
  auto bad = c.Post("/login", "token=not-a-token", "application/x-www-form-urlencoded");
  EXPECT_EQ(bad->status, 401);
  EXPECT_NE(bad->body.find("bearer token refused"), std::string::npos);
  EXPECT_TRUE(bad->get_header_value("Set-Cookie").empty());

  auto ok = c.Post("/login", "token=" + token("mgr-1"), "application/x-www-form-urlencoded");
  ASSERT_EQ(ok->status, 303);
  const std::string cookie = ok->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  const std::string session = cookie.substr(0, cookie.find(';'));
  EXPECT_EQ(c.Get("/", {{"Cookie", session}})->body, "page of mgr-1");
  EXPECT_EQ(c.Get("/api/x", {{"Authorization", "Bearer " + token("script")}})->body, "{\"t\":\"anju\"}");
  EXPECT_NE(c.Post("/logout", "", "application/x-www-form-urlencoded")->get_header_value("Set-Cookie").find("Max-Age=0"),
            std::string::npos);
}

TEST_F(HttpSignIn, ALoginPostedFromAnotherSiteIsRefused) {
  auto c = client();
  auto r = c.Post("/login", {{"Origin", "http://evil.example"}}, "token=" + token("mgr-1"), "application/x-www-form-urlencoded");
  EXPECT_EQ(r->status, 403);
  EXPECT_TRUE(r->get_header_value("Set-Cookie").empty());
  auto out = c.Post("/logout", {{"Origin", "http://evil.example"}}, "", "application/x-www-form-urlencoded");
  EXPECT_EQ(out->status, 403);  // nor signed out from another site
  EXPECT_TRUE(out->get_header_value("Set-Cookie").empty());
}

}  // namespace
}  // namespace huifang::edge
