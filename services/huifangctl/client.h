#pragma once
// huifangctl's connection to the five edges: one channel per service, the caller's identity sent
// as the metadata the edges' authenticator reads, a deadline on every call, and failures turned
// into a message a person can act on plus an exit code.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "huifang/analytics/v1/service.grpc.pb.h"
#include "huifang/complaints/v1/service.grpc.pb.h"
#include "huifang/intake/v1/service.grpc.pb.h"
#include "huifang/scheduling/v1/service.grpc.pb.h"
#include "huifang/visit/v1/service.grpc.pb.h"

namespace huifang::ctl {

// Exit codes: 0 done, 1 the service refused (bad input, wrong state, not found), 2 usage,
// 3 a service could not be reached.
inline constexpr int kRefused = 1;
inline constexpr int kUsage = 2;
inline constexpr int kUnreachable = 3;

struct Endpoints {
  std::string intake = "127.0.0.1:7101";
  std::string scheduling = "127.0.0.1:7102";
  std::string visit = "127.0.0.1:7103";
  std::string complaints = "127.0.0.1:7104";
  std::string analytics = "127.0.0.1:7105";
};

struct Identity {
  std::string caller;  // x-huifang-caller
  std::string role;    // x-huifang-role
  std::string tenant;  // x-huifang-tenant
};

class Client {
 public:
  Client(const Endpoints& e, Identity id, std::chrono::seconds timeout = std::chrono::seconds(30));

  std::unique_ptr<intake::v1::IntakeService::Stub> intake;
  std::unique_ptr<scheduling::v1::SchedulingService::Stub> scheduling;
  std::unique_ptr<visit::v1::VisitService::Stub> visit;
  std::unique_ptr<complaints::v1::ComplaintService::Stub> complaints;
  std::unique_ptr<analytics::v1::AnalyticsService::Stub> analytics;

  // A context with the deadline and the caller's metadata.
  std::unique_ptr<grpc::ClientContext> context() const;
  // Prints why a call failed ("what: NOT_FOUND: complaint x does not exist") and returns the exit code.
  static int failed(const std::string& what, const grpc::Status& st);

  // Calls `rpc(ctx, request, response)`; 0 or the exit code of the failure.
  template <typename Stub, typename Req, typename Resp>
  int call(const std::string& what, Stub& stub, grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*),
           const Req& req, Resp* resp) const {
    auto ctx = context();
    const grpc::Status st = (stub.*rpc)(ctx.get(), req, resp);
    return st.ok() ? 0 : failed(what, st);
  }

 private:
  Identity id_;
  std::chrono::seconds timeout_;
};

}  // namespace huifang::ctl
