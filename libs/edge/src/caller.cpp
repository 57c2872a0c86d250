#include "huifang/edge/caller.h"

#include "huifang/core/tenant.h"

#include <grpcpp/server_context.h>

namespace huifang::edge {
namespace {

constexpr std::pair<Role, const char*> kRoles[] = {
    {Role::anonymous, "anonymous"}, {Role::agent, "agent"},       {Role::supervisor, "supervisor"},
    {Role::manager, "manager"},     {Role::executive, "executive"}, {Role::analyst, "analyst"},
    {Role::auditor, "auditor"},     {Role::admin, "admin"},         {Role::integration, "integration"},
    {Role::platform_operator, "operator"},  {Role::service, "service"}};

core::Error unauthenticated(std::string message) {
  return core::make_error(core::make_error_code(core::errc::unauthenticated), std::move(message));
}

// A verified token's claims as a caller: the role must be known and bind a tenant exactly when it
// is a tenant's role.
core::Result<Caller> caller_from_claims(auth::Claims claims) {
  Caller c;
  if (!parse_role(claims.role, c.role)) return unauthenticated("bearer token refused: unknown role");
  if (is_platform_role(c.role) != claims.tenant.empty())
    return unauthenticated(is_platform_role(c.role) ? "bearer token refused: a platform role carries no tenant"
                                                    : "bearer token refused: no tenant claim");
  if (!claims.tenant.empty() && !core::is_tenant_name(claims.tenant))
    return unauthenticated("bearer token refused: the tenant claim must be 1 to 64 letters, digits, '-', '_' or '.'");
  c.subject = std::move(claims.subject);
  c.tenant_id = std::move(claims.tenant);
  c.org_units = std::move(claims.org_units);
  return c;
}

class BearerAuthenticator final : public Authenticator {
 public:
  BearerAuthenticator(std::shared_ptr<auth::KeyProvider> keys, auth::VerifyOptions options, const core::Clock& wall,
                      std::shared_ptr<auth::ApiKeyFile> api_keys)
      : keys_(std::move(keys)), options_(std::move(options)), wall_(wall), api_keys_(std::move(api_keys)) {}

  core::Result<Caller> authenticate(const grpc::ServerContext& ctx) const override {
    const auto& md = ctx.client_metadata();
    auto it = md.find("authorization");
    if (it == md.end()) {
      if (auto key = md.find("x-api-key"); key != md.end()) return integration(std::string_view(key->second.data(), key->second.size()));
      return unauthenticated("no credentials: send 'authorization: Bearer <token>' (huifangctl auth token makes one)");
    }
    const std::string_view value(it->second.data(), it->second.size());
    constexpr std::string_view kScheme = "Bearer ";
    if (value.substr(0, kScheme.size()) != kScheme) return unauthenticated("authorization must be 'Bearer <token>'");
    return verify(value.substr(kScheme.size()), ctx.peer());
  }

  core::Result<Caller> verify(std::string_view token, std::string_view) const override {
    auto claims = auth::verify_token(token, *keys_, options_, wall_.now());
    if (!claims) return claims.error();
    return caller_from_claims(std::move(*claims));
  }

 private:
  core::Result<Caller> integration(std::string_view key) const {
    auto holder = api_keys_ ? api_keys_->find(key) : std::nullopt;
    if (!holder) return unauthenticated("API key refused");
    return Caller{holder->name, Role::integration, holder->tenant, {}};
  }

  std::shared_ptr<auth::KeyProvider> keys_;
  auth::VerifyOptions options_;
  const core::Clock& wall_;
  std::shared_ptr<auth::ApiKeyFile> api_keys_;
};

class FixedCallerAuthenticator final : public Authenticator {
 public:
  explicit FixedCallerAuthenticator(Caller c) : caller_(std::move(c)) {}
  core::Result<Caller> authenticate(const grpc::ServerContext&) const override { return caller_; }
  core::Result<Caller> verify(std::string_view, std::string_view) const override { return caller_; }

 private:
  Caller caller_;
};

}  // namespace

const char* role_name(Role r) {
  for (const auto& [role, name] : kRoles)
    if (role == r) return name;
  return "anonymous";
}

bool parse_role(std::string_view text, Role& out) {
  for (const auto& [role, name] : kRoles) {
    if (text == name && role != Role::anonymous) {
      out = role;
      return true;
    }
  }
  return false;
}

core::Status Authenticator::record_read(std::string_view, const Caller&, const std::string&,
                                        const google::protobuf::Message*) const {
  return core::ok_status();
}

bool is_platform_role(Role r) { return r == Role::platform_operator || r == Role::service; }


std::shared_ptr<Authenticator> bearer_authenticator(std::shared_ptr<auth::KeyProvider> keys,
                                                    auth::VerifyOptions options, const core::Clock& wall,
                                                    std::shared_ptr<auth::ApiKeyFile> api_keys) {
  return std::make_shared<BearerAuthenticator>(std::move(keys), std::move(options), wall, std::move(api_keys));
}

std::shared_ptr<Authenticator> fixed_caller_authenticator(Caller caller) {
  return std::make_shared<FixedCallerAuthenticator>(std::move(caller));
}

}  // namespace huifang::edge
