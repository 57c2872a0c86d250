#pragma once
// Signed bearer tokens (JWT, RFC 7519) for people and services. Verification is strict: the
// header's algorithm must be RS256 or ES256 *and* match the key its `kid` names (so a token cannot
// pick HS256 and use the public key as a shared secret, nor "none"); issuer and audience must be
// the configured ones; `exp` is required, `exp`/`nbf`/`iat` are judged against the wall clock with
// a small leeway. Crypto is libjwt over OpenSSL.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "huifang/auth/keys.h"
#include "huifang/core/clock.h"
#include "huifang/core/result.h"

namespace huifang::auth {

// What Huifang reads from a verified token. An IdP puts these in with claim mappers (README:
// "Keycloak"): `tenant`, `role`, `org_units` and optionally `agent_id` (else `sub` is the actor).
struct Claims {
  std::string subject;
  std::string tenant;  // empty for platform callers (operators, services)
  std::string role;
  std::vector<std::string> org_units;
};

struct VerifyOptions {
  std::string issuer;
  std::string audience;
  std::chrono::seconds leeway{60};  // clock skew tolerated between the IdP and this machine
};

// UNAUTHENTICATED with a reason a client can act on ("expired", "wrong audience"); the reason
// never repeats claim values, so a token's personal content does not land in logs.
core::Result<Claims> verify_token(std::string_view token, const KeySet& keys, const VerifyOptions& options,
                                  core::Timestamp now);
// The same, asking `keys` for the set that should hold the key the token's header names — only
// once the header has been read and its algorithm accepted, so garbage never makes a provider
// look again.
core::Result<Claims> verify_token(std::string_view token, KeyProvider& keys, const VerifyOptions& options,
                                  core::Timestamp now);

}  // namespace huifang::auth
