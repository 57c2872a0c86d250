#include "huifang/edge/caller.h"

#include <grpcpp/server_context.h>

namespace huifang::edge {
namespace {

constexpr std::pair<Role, const char*> kRoles[] = {
    {Role::anonymous, "anonymous"}, {Role::agent, "agent"},         {Role::supervisor, "supervisor"},
    {Role::manager, "manager"},     {Role::executive, "executive"}, {Role::integration, "integration"},
    {Role::analyst, "analyst"},     {Role::admin, "admin"}};

std::string metadata(const grpc::ServerContext& ctx, const char* key) {
  const auto& md = ctx.client_metadata();
  auto it = md.find(key);
  return it == md.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

class TrustedMetadataAuthenticator final : public Authenticator {
 public:
  core::Result<Caller> authenticate(const grpc::ServerContext& ctx) const override {
    Caller c;
    c.subject = metadata(ctx, "x-huifang-caller");
    c.tenant_id = metadata(ctx, "x-huifang-tenant");
    const std::string role = metadata(ctx, "x-huifang-role");
    if (role.empty()) {
      c.role = Role::admin;
      if (c.subject.empty()) c.subject = "local-admin";
      return c;
    }
    if (!parse_role(role, c.role))
      return core::make_error(core::make_error_code(core::errc::unauthenticated),
                              "unknown role '" + role + "' in x-huifang-role");
    return c;
  }
};

}  // namespace

const char* role_name(Role r) {
  for (const auto& [role, name] : kRoles)
    if (role == r) return name;
  return "anonymous";
}

bool parse_role(std::string_view text, Role& out) {
  for (const auto& [role, name] : kRoles) {
    if (text == name) {
      out = role;
      return true;
    }
  }
  return false;
}

std::shared_ptr<Authenticator> trusted_metadata_authenticator() {
  return std::make_shared<TrustedMetadataAuthenticator>();
}

}  // namespace huifang::edge
