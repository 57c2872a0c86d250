#pragma once
// The embedded default's identity provider: one RSA signing key kept in a directory readable by
// its owner only, whose public half is published as `jwks.json` for the services to trust. It
// lets one machine run with real signed tokens (./scripts/up, the demo, huifangctl, the tests);
// production trusts the enterprise IdP's JWKS instead and never holds a signing key.
#include <chrono>
#include <string>

#include "huifang/auth/token.h"
#include "huifang/core/clock.h"
#include "huifang/core/result.h"

namespace huifang::auth {

inline constexpr std::string_view kLocalIssuer = "huifang-local";
inline constexpr std::string_view kAudience = "huifang";

struct LocalIssuer {
  std::string kid;
  std::string private_pem;
  std::string jwks;  // the public key as a JWKS document
};

// Loads `dir`/signing-key.pem, or makes it (RSA 2048, mode 0600, directory 0700) when absent,
// and (re)writes `dir`/jwks.json from it, so the two can never disagree.
core::Result<LocalIssuer> open_local_issuer(const std::string& dir);

struct TokenRequest {
  Claims claims;
  std::string issuer{kLocalIssuer};
  std::string audience{kAudience};
  std::chrono::seconds ttl{std::chrono::hours(12)};
};

// An RS256 token for `request`, valid from `now` for `ttl`.
core::Result<std::string> mint_token(const LocalIssuer& issuer, const TokenRequest& request, core::Timestamp now);

}  // namespace huifang::auth
