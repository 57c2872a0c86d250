#pragma once
// Who is calling. Established once per call by the edge, from verified credentials only, before
// any handler runs; handlers take the tenant and the acting agent from here, never from a request.
#include <memory>
#include <string>
#include <vector>

#include "huifang/auth/api_keys.h"
#include "huifang/auth/token.h"
#include "huifang/core/clock.h"
#include "huifang/core/result.h"

namespace grpc {
class ServerContext;
}
namespace google::protobuf {
class Message;
}

namespace huifang::edge {

// People's roles are bound to one tenant; `operator` (platform operations: rebuilds, republish)
// and `service` (one service calling another) are platform roles with no tenant.
enum class Role { anonymous, agent, supervisor, manager, executive, analyst, auditor, admin, integration, platform_operator, service };

struct Caller {
  std::string subject;                 // the agent id for agents; user, integration or service name
  Role role = Role::anonymous;
  std::string tenant_id;               // empty only for platform roles
  std::vector<std::string> org_units;  // the units (with their subtrees) the caller works in
};

const char* role_name(Role r);
bool parse_role(std::string_view text, Role& out);
bool is_platform_role(Role r);

// Turns a call's metadata, or a token presented another way (the dashboard's session cookie),
// into a Caller, or UNAUTHENTICATED as an Error. `peer` is the address the token came from (the
// HTTP client's), for limits on guessing; empty when unknown.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual core::Result<Caller> authenticate(const grpc::ServerContext& ctx) const = 0;
  virtual core::Result<Caller> verify(std::string_view token, std::string_view peer) const = 0;
  // `handle` calls this once an RPC that serves personal data (access.h) has its answer ready,
  // before it leaves; an error withholds the answer. Only the auditing decorator (audit.h)
  // records anything; decorators pass it on.
  virtual core::Status record_read(std::string_view rpc, const Caller& reader, const std::string& purpose,
                                   const google::protobuf::Message* request) const;
};

// `authorization: Bearer <JWT>`, verified against `keys` (the IdP's JWKS) with `options`, judged by
// `wall` — real time, never a service's simulated clock. The token's role must be known and bind
// a tenant exactly when the role is a tenant's. With `api_keys`, a call may instead carry
// `x-api-key: <key>`: its holder calls as an `integration` of the key's tenant.
std::shared_ptr<Authenticator> bearer_authenticator(std::shared_ptr<auth::KeyProvider> keys,
                                                    auth::VerifyOptions options, const core::Clock& wall,
                                                    std::shared_ptr<auth::ApiKeyFile> api_keys = nullptr);

// Every call is `caller`. For tests that drive handlers in-process; no server is built with it.
std::shared_ptr<Authenticator> fixed_caller_authenticator(Caller caller);

}  // namespace huifang::edge
