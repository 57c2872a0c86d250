#pragma once
// Who is calling. Established once per call by the edge, before any handler runs, so that
// authentication (TLS client certs, signed bearer tokens, API keys) and authorisation per role and
// org unit can be added in one place without touching handlers.
#include <memory>
#include <string>
#include <vector>

#include "huifang/core/result.h"

namespace grpc {
class ServerContext;
}

namespace huifang::edge {

enum class Role { anonymous, agent, supervisor, manager, executive, integration, analyst, admin };

struct Caller {
  std::string subject;                 // agent id, integration name, user name
  Role role = Role::anonymous;
  std::string tenant_id;               // empty = any tenant (admin tooling on one machine)
  std::vector<std::string> org_units;  // org units the caller may act on; empty = all
};

const char* role_name(Role r);
bool parse_role(std::string_view text, Role& out);

// Turns a call's metadata into a Caller, or UNAUTHENTICATED/PERMISSION_DENIED as an Error.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual core::Result<Caller> authenticate(const grpc::ServerContext& ctx) const = 0;
};

// The embedded (one-machine) default: trusts `x-huifang-caller` / `x-huifang-role` /
// `x-huifang-tenant` metadata from loopback clients; a call without them is an admin call from
// local tooling. Production replaces it with a verifying Authenticator.
std::shared_ptr<Authenticator> trusted_metadata_authenticator();

}  // namespace huifang::edge
