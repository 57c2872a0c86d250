#include "client.h"

#include <filesystem>
#include <iostream>

namespace huifang::ctl {
namespace {

std::shared_ptr<grpc::Channel> channel(const std::string& address, const Endpoints& e) {
  return grpc::CreateChannel(address, e.transport ? e.transport : grpc::InsecureChannelCredentials());
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
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    default: return "ERROR";
  }
}

}  // namespace

Client::Client(const Endpoints& e, Identity id, Credentials credentials, std::chrono::seconds timeout)
    : intake(intake::v1::IntakeService::NewStub(channel(e.intake, e))),
      scheduling(scheduling::v1::SchedulingService::NewStub(channel(e.scheduling, e))),
      visit(visit::v1::VisitService::NewStub(channel(e.visit, e))),
      complaints(complaints::v1::ComplaintService::NewStub(channel(e.complaints, e))),
      analytics(analytics::v1::AnalyticsService::NewStub(channel(e.analytics, e))),
      credentials_(std::move(credentials)),
      timeout_(timeout) {
  for (const auto& [name, address] : {std::pair{"intake", &e.intake}, std::pair{"visit", &e.visit},
                                      std::pair{"complaints", &e.complaints}})
    audit.emplace_back(name, audit::v1::AuditService::NewStub(channel(*address, e)));
  if (!credentials_.token.empty() || !credentials_.api_key.empty()) {
    token_ = credentials_.token;
    return;
  }
  // Without a local key the calls go unauthenticated and the edge says so (failed() adds a hint).
  if (std::filesystem::exists(credentials_.key_dir + "/signing-key.pem")) act_as(id);
}

bool Client::act_as(const Identity& id) {
  if (!issuer_) {
    if (!std::filesystem::exists(credentials_.key_dir + "/signing-key.pem")) {
      std::cerr << "huifangctl: no local signing key in '" << credentials_.key_dir
                << "' (--key-dir; ./scripts/up makes it) to sign in as " << (id.caller.empty() ? id.role : id.caller) << '\n';
      return false;
    }
    auto issuer = auth::open_local_issuer(credentials_.key_dir);
    if (!issuer) {
      std::cerr << "huifangctl: " << issuer.error().message << '\n';
      return false;
    }
    issuer_ = std::make_shared<const auth::LocalIssuer>(std::move(*issuer));
  }
  auth::TokenRequest r;
  r.claims.role = !id.role.empty() ? id.role : id.tenant.empty() ? "operator" : "admin";
  r.claims.tenant = r.claims.role == "operator" || r.claims.role == "service" ? "" : id.tenant;
  r.claims.subject = id.caller.empty() ? "huifangctl-" + r.claims.role : id.caller;
  r.ttl = std::chrono::hours(12);
  const std::string key = r.claims.role + "/" + r.claims.tenant + "/" + r.claims.subject;
  if (auto it = minted_.find(key); it != minted_.end()) {
    token_ = it->second;
    return true;
  }
  auto token = auth::mint_token(*issuer_, r, core::SystemClock().now());
  if (!token) {
    std::cerr << "huifangctl: " << token.error().message << '\n';
    return false;
  }
  token_ = minted_[key] = std::move(*token);
  return true;
}

std::unique_ptr<grpc::ClientContext> Client::context() const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + timeout_);
  if (!token_.empty()) ctx->AddMetadata("authorization", "Bearer " + token_);
  else if (!credentials_.api_key.empty()) ctx->AddMetadata("x-api-key", credentials_.api_key);
  if (!credentials_.purpose.empty()) ctx->AddMetadata("x-huifang-purpose", credentials_.purpose);
  return ctx;
}

int Client::failed(const std::string& what, const grpc::Status& st) {
  std::cerr << "huifangctl: " << what << ": " << code_name(st.error_code()) << ": " << st.error_message() << '\n';
  if (st.error_code() == grpc::StatusCode::UNAVAILABLE || st.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    std::cerr << "  (is the cluster running? ./scripts/up starts it; --help lists the address options)\n";
    return kUnreachable;
  }
  if (st.error_code() == grpc::StatusCode::UNAUTHENTICATED)
    std::cerr << "  (sign in: --token from your identity provider, or --key-dir where ./scripts/up keeps the local key)\n";
  return kRefused;
}

}  // namespace huifang::ctl
