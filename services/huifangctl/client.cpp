#include "client.h"

#include <iostream>

namespace huifang::ctl {
namespace {

std::shared_ptr<grpc::Channel> channel(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

const char* code_name(grpc::StatusCode c) {
  switch (c) {
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    default: return "ERROR";
  }
}

}  // namespace

Client::Client(const Endpoints& e, Identity id, std::chrono::seconds timeout)
    : intake(intake::v1::IntakeService::NewStub(channel(e.intake))),
      scheduling(scheduling::v1::SchedulingService::NewStub(channel(e.scheduling))),
      visit(visit::v1::VisitService::NewStub(channel(e.visit))),
      complaints(complaints::v1::ComplaintService::NewStub(channel(e.complaints))),
      analytics(analytics::v1::AnalyticsService::NewStub(channel(e.analytics))),
      id_(std::move(id)),
      timeout_(timeout) {}

std::unique_ptr<grpc::ClientContext> Client::context() const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + timeout_);
  if (!id_.caller.empty()) ctx->AddMetadata("x-huifang-caller", id_.caller);
  if (!id_.role.empty()) ctx->AddMetadata("x-huifang-role", id_.role);
  if (!id_.tenant.empty()) ctx->AddMetadata("x-huifang-tenant", id_.tenant);
  return ctx;
}

int Client::failed(const std::string& what, const grpc::Status& st) {
  std::cerr << "huifangctl: " << what << ": " << code_name(st.error_code()) << ": " << st.error_message() << '\n';
  if (st.error_code() == grpc::StatusCode::UNAVAILABLE || st.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    std::cerr << "  (is the cluster running? ./scripts/up starts it; --help lists the address options)\n";
    return kUnreachable;
  }
  return kRefused;
}

}  // namespace huifang::ctl
