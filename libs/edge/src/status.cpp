#include "huifang/edge/status.h"

namespace huifang::edge {

grpc::StatusCode to_grpc_code(core::condition c) {
  using core::condition;
  switch (c) {
    case condition::ok: return grpc::StatusCode::OK;
    case condition::invalid_argument: return grpc::StatusCode::INVALID_ARGUMENT;
    case condition::not_found: return grpc::StatusCode::NOT_FOUND;
    case condition::already_exists: return grpc::StatusCode::ALREADY_EXISTS;
    case condition::failed_precondition: return grpc::StatusCode::FAILED_PRECONDITION;
    case condition::permission_denied: return grpc::StatusCode::PERMISSION_DENIED;
    case condition::unauthenticated: return grpc::StatusCode::UNAUTHENTICATED;
    case condition::aborted: return grpc::StatusCode::ABORTED;
    case condition::unavailable: return grpc::StatusCode::UNAVAILABLE;
    case condition::deadline_exceeded: return grpc::StatusCode::DEADLINE_EXCEEDED;
    case condition::internal: return grpc::StatusCode::INTERNAL;
    case condition::resource_exhausted: return grpc::StatusCode::RESOURCE_EXHAUSTED;
  }
  return grpc::StatusCode::INTERNAL;
}

grpc::Status to_grpc_status(const core::Error& e) {
  std::string msg = e.message.empty() ? e.code.message() : e.message;
  if (!e.field.empty()) msg = e.field + ": " + msg;
  return {to_grpc_code(e.kind()), msg};
}

}  // namespace huifang::edge
