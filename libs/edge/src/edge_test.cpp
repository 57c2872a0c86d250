#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <httplib.h>

#include "huifang/edge/handle.h"
#include "huifang/edge/http.h"
#include "huifang/edge/server.h"

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

TEST(EdgeServer, ServesStandardHealthChecking) {
  auto server = EdgeServer::start({}, {});
  ASSERT_TRUE(server) << server.error().to_string();
  auto channel = grpc::CreateChannel((*server)->address(), grpc::InsecureChannelCredentials());
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
  ASSERT_TRUE(cq.Next(&tag, &ok));
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  EXPECT_EQ(bytes, std::string("\x08\x01", 2));  // status: SERVING
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

}  // namespace
}  // namespace huifang::edge
