#pragma once
// The public keys that may sign tokens, in the form identity providers publish them: a JWKS
// document (RFC 7517), e.g. Keycloak's /realms/<realm>/protocol/openid-connect/certs. Each key is
// turned into a PEM public key once, at load, by OpenSSL; verification then only looks one up.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "huifang/core/result.h"

namespace huifang::auth {

// The signature algorithms Huifang accepts. Asymmetric only: a verifier holding a shared secret
// could also forge, and "none" proves nothing.
inline constexpr std::string_view kRs256 = "RS256";
inline constexpr std::string_view kEs256 = "ES256";

struct PublicKey {
  std::string kid;
  std::string alg;  // RS256 (kty RSA) or ES256 (kty EC, crv P-256)
  std::string pem;  // SubjectPublicKeyInfo, as libjwt wants it
};

class KeySet {
 public:
  // Keys other than RSA and P-256 signing keys (an IdP's encryption keys, HMAC secrets) are
  // skipped so they cannot stop a load; a document with no usable key is an error.
  static core::Result<KeySet> parse_jwks(std::string_view json);
  static core::Result<KeySet> load_jwks(const std::string& path);

  // The key named by a token's `kid`; a token without `kid` may use the only key of a one-key set.
  const PublicKey* find(std::string_view kid) const;
  size_t size() const { return keys_.size(); }

 private:
  std::vector<PublicKey> keys_;
};

// Where verification finds the keys for a token's `kid` (jwks_source.h follows an IdP's rotation).
class KeyProvider {
 public:
  virtual ~KeyProvider() = default;
  // The keys to verify a token whose header names `kid` ("" when it names none).
  virtual std::shared_ptr<const KeySet> keys_for(std::string_view kid) = 0;
};

// One set, never changing (tests, tools).
std::shared_ptr<KeyProvider> fixed_keys(KeySet keys);

// Base64url without padding (RFC 7515 §2), the encoding of JWK members and JWT segments.
std::string base64url_encode(std::string_view bytes);
core::Result<std::string> base64url_decode(std::string_view text);

}  // namespace huifang::auth
