#pragma once
// Every RPC body runs inside `handle`: it refuses calls whose deadline has already passed or that
// were cancelled, establishes the caller from verified credentials, applies the access table
// (access.h), refuses a request with an oversized field (bounds.h) or another tenant's id, runs
// the body, has a personal-data read recorded in the audit trail before it is answered (audit.h),
// maps its core::Error to a gRPC status, and turns an escaped exception (a bug) into
// INTERNAL with a log line instead of killing the server.
#include <grpcpp/server_context.h>

#include <exception>
#include <optional>
#include <string_view>

#include "huifang/core/log.h"
#include "huifang/core/result.h"
#include "huifang/edge/access.h"
#include "huifang/edge/audit.h"
#include "huifang/edge/bounds.h"
#include "huifang/edge/caller.h"
#include "huifang/edge/status.h"

namespace huifang::edge {

// What every request passes once its caller is known; streaming RPCs call it per message.
inline core::Status admit(const google::protobuf::Message& request, const Caller& caller) {
  if (auto st = check_bounds(request); !st) return st;
  return check_tenant_fields(request, caller);
}

// For a unary RPC, `request` is admitted once the caller is known. A streaming RPC passes nullptr
// and admits each message it reads.
template <typename Body>  // Body: core::Status(const Caller&)
grpc::Status handle(grpc::ServerContext* ctx, const Authenticator& auth, std::string_view rpc,
                    const google::protobuf::Message* request, Body&& body) {
  if (ctx->IsCancelled()) return {grpc::StatusCode::CANCELLED, "call cancelled by the client"};
  if (ctx->deadline() <= std::chrono::system_clock::now())
    return {grpc::StatusCode::DEADLINE_EXCEEDED, "deadline passed before the call was handled"};
  auto caller = auth.authenticate(*ctx);
  if (!caller) {
    if (caller.error().retry_after.count() > 0)
      ctx->AddTrailingMetadata("retry-after-ms", std::to_string(caller.error().retry_after.count()));
    return to_grpc_status(caller.error());
  }
  if (auto st = authorize(rpc, *caller); !st) return to_grpc_status(st.error());
  if (request)
    if (auto st = admit(*request, *caller); !st) return to_grpc_status(st.error());
  std::optional<std::string> purpose;  // set for a personal read: checked before, recorded after
  if (is_personal_read(rpc)) {
    auto p = read_purpose(*ctx, *caller);
    if (!p) return to_grpc_status(p.error());
    purpose = std::move(*p);
  }
  try {
    core::Status st = body(*caller);
    if (!st) return to_grpc_status(st.error());
    if (purpose)
      if (auto rec = auth.record_read(rpc, *caller, *purpose, request); !rec) return to_grpc_status(rec.error());
    return grpc::Status::OK;
  } catch (const std::exception& e) {
    core::log::error("rpc failed with an exception", {{"rpc", rpc}, {"what", e.what()}});
    return {grpc::StatusCode::INTERNAL, std::string("internal error in ") + std::string(rpc)};
  }
}

// The common shape of a query or command RPC: `fn` (called with the caller) returns
// core::Result<Resp>, whose value becomes the response.
template <typename Resp, typename Fn>
grpc::Status reply(grpc::ServerContext* ctx, const Authenticator& auth, std::string_view rpc,
                   const google::protobuf::Message& request, Resp* resp, Fn&& fn) {
  return handle(ctx, auth, rpc, &request, [&](const Caller& caller) -> core::Status {
    auto r = fn(caller);
    if (!r) return r.error();
    *resp = std::move(*r);
    return core::ok_status();
  });
}

}  // namespace huifang::edge
