#include "huifang/auth/token.h"

#include <jwt.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>

namespace huifang::auth {
namespace {

// Bearer tokens of real IdPs are 1–4 KiB; anything far larger is not one and is not parsed.
constexpr size_t kMaxTokenBytes = 16 * 1024;

core::Error unauthenticated(std::string reason) {
  return core::make_error(core::make_error_code(core::errc::unauthenticated), "bearer token refused: " + std::move(reason));
}

struct JwtFree {
  void operator()(jwt_t* j) const { jwt_free(j); }
};

// The header, read before any verification, only to pick the key: libjwt 1.10 would otherwise
// let the token choose its own algorithm.
core::Result<nlohmann::json> unverified_header(std::string_view token) {
  const size_t dot = token.find('.');
  if (dot == std::string_view::npos || token.find('.', dot + 1) == std::string_view::npos ||
      std::count(token.begin(), token.end(), '.') != 2)
    return unauthenticated("not a JWT (three dot-separated parts)");
  auto bytes = base64url_decode(token.substr(0, dot));
  if (!bytes) return unauthenticated("header is not base64url");
  auto header = nlohmann::json::parse(*bytes, nullptr, false);
  if (header.is_discarded() || !header.is_object()) return unauthenticated("header is not a JSON object");
  return header;
}

std::string string_claim(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool audience_matches(const nlohmann::json& claims, const std::string& audience) {
  auto it = claims.find("aud");
  if (it == claims.end()) return false;
  if (it->is_string()) return *it == audience;
  if (it->is_array())
    for (const auto& a : *it)
      if (a.is_string() && a == audience) return true;
  return false;
}

// The NumericDate claim `name` in seconds, if present and a number.
std::optional<int64_t> time_claim(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end() || !it->is_number()) return std::nullopt;
  return static_cast<int64_t>(it->get<double>());
}

core::Result<Claims> read_claims(const nlohmann::json& c, const VerifyOptions& options, core::Timestamp now) {
  if (string_claim(c, "iss") != options.issuer) return unauthenticated("issued by another issuer");
  if (!audience_matches(c, options.audience)) return unauthenticated("meant for another audience");
  const int64_t t = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const int64_t leeway = options.leeway.count();
  const auto exp = time_claim(c, "exp");
  if (!exp) return unauthenticated("no expiry (exp)");
  if (t > *exp + leeway) return unauthenticated("expired");
  if (auto nbf = time_claim(c, "nbf"); nbf && t + leeway < *nbf) return unauthenticated("not valid yet (nbf)");
  if (auto iat = time_claim(c, "iat"); iat && t + leeway < *iat) return unauthenticated("issued in the future (iat)");
  Claims out;
  out.subject = string_claim(c, "agent_id");
  if (out.subject.empty()) out.subject = string_claim(c, "sub");
  if (out.subject.empty()) return unauthenticated("no subject (sub)");
  out.tenant = string_claim(c, "tenant");
  out.role = string_claim(c, "role");
  if (out.role.empty()) return unauthenticated("no role claim");
  if (auto it = c.find("org_units"); it != c.end()) {
    if (!it->is_array()) return unauthenticated("org_units is not a list");
    for (const auto& u : *it) {
      if (!u.is_string()) return unauthenticated("org_units holds a non-string");
      out.org_units.push_back(u.get<std::string>());
    }
  }
  return out;
}

}  // namespace

core::Result<Claims> verify_token(std::string_view token, const KeySet& keys, const VerifyOptions& options,
                                  core::Timestamp now) {
  // The caller's set, borrowed for this call (an aliasing pointer that owns nothing).
  struct Borrowed final : KeyProvider {
    explicit Borrowed(const KeySet& s) : set(s) {}
    std::shared_ptr<const KeySet> keys_for(std::string_view) override { return {std::shared_ptr<const KeySet>(), &set}; }
    const KeySet& set;
  } borrowed(keys);
  return verify_token(token, borrowed, options, now);
}

core::Result<Claims> verify_token(std::string_view token, KeyProvider& keys, const VerifyOptions& options,
                                  core::Timestamp now) {
  if (token.empty()) return unauthenticated("empty");
  if (token.size() > kMaxTokenBytes) return unauthenticated("larger than 16 KiB");
  auto header = unverified_header(token);
  if (!header) return header.error();
  const std::string alg = (*header).value("alg", std::string());
  if (alg != kRs256 && alg != kEs256) return unauthenticated("algorithm '" + alg + "' is not accepted (RS256, ES256)");
  const std::string kid = header->contains("kid") && (*header)["kid"].is_string() ? (*header)["kid"].get<std::string>() : "";
  const std::shared_ptr<const KeySet> set = keys.keys_for(kid);
  const PublicKey* key = set->find(kid);
  if (!key) return unauthenticated("signed with an unknown key");
  if (key->alg != alg) return unauthenticated("algorithm does not match its key");

  const std::string text(token);
  jwt_t* raw = nullptr;
  const int rc = jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(key->pem.data()),
                            static_cast<int>(key->pem.size()));
  std::unique_ptr<jwt_t, JwtFree> jwt(raw);
  if (rc != 0 || !jwt) return unauthenticated("signature does not verify");
  if (jwt_alg_str(jwt_get_alg(jwt.get())) != alg) return unauthenticated("algorithm does not match its key");

  std::unique_ptr<char, decltype(&free)> grants(jwt_get_grants_json(jwt.get(), nullptr), &free);
  if (!grants) return unauthenticated("no claims");
  auto claims = nlohmann::json::parse(grants.get(), nullptr, false);
  if (claims.is_discarded() || !claims.is_object()) return unauthenticated("claims are not a JSON object");
  return read_claims(claims, options, now);
}

}  // namespace huifang::auth
