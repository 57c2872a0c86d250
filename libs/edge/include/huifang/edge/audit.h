#pragma once
// The audit trail of personal-data reads (PIPL): who read which customer, visit or complaint,
// in which role, why, and when. Declared once in the access table (which RPCs serve personal
// data), recorded by the edge for every such call before its answer leaves — a read that cannot
// be recorded is not served. Where records are kept is the service's (AuditTrail).
#include <memory>
#include <string>

#include <grpcpp/server_context.h>

#include "huifang/core/clock.h"
#include "huifang/core/result.h"
#include "huifang/edge/caller.h"

namespace huifang::edge {

struct PersonalRead {
  core::Timestamp at{};
  std::string tenant_id;
  std::string reader;  // the verified caller's subject
  std::string role;
  std::string rpc;
  std::string purpose;
  // What the request named (top-level fields of these names); empty for a list.
  std::string customer_id, visit_id, complaint_id;
};

class AuditTrail {
 public:
  virtual ~AuditTrail() = default;
  virtual core::Status record(const PersonalRead& read) = 0;
};

// Wraps `inner`: each personal read `handle` reports is written to `trail`, stamped by `wall`
// (real time, not a simulated clock).
std::shared_ptr<Authenticator> audited(std::shared_ptr<Authenticator> inner, std::shared_ptr<AuditTrail> trail,
                                       const core::Clock& wall);

// Why the caller reads: the `x-huifang-purpose` header (at most 64 printable ASCII bytes, else
// INVALID_ARGUMENT), else the role's usual purpose — "execution" for agents, "spot_check" for
// supervisors, "review" for the rest.
core::Result<std::string> read_purpose(const grpc::ServerContext& ctx, const Caller& caller);

}  // namespace huifang::edge
