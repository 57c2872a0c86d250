#include "huifang/auth/keys.h"

#include <openssl/core_names.h>
#include <openssl/pem.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ossl.h"

namespace huifang::auth {
namespace {

core::Error bad_jwks(std::string message) {
  return core::make_error(core::make_error_code(core::errc::invalid_argument), "JWKS: " + std::move(message), "jwks");
}

// The JWK member `name` as bytes, or an error naming it.
core::Result<std::string> member_bytes(const nlohmann::json& jwk, const char* name) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) return bad_jwks(std::string("key without '") + name + "'");
  auto bytes = base64url_decode(it->get<std::string>());
  if (!bytes) return bad_jwks(std::string("'") + name + "' is not base64url");
  return bytes;
}

ossl::Ptr<BIGNUM> to_bignum(const std::string& bytes) {
  return ossl::Ptr<BIGNUM>(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr));
}

// An EVP_PKEY of `type` ("RSA" or "EC") from the parameters `build` pushes.
template <typename Build>
core::Result<ossl::Ptr<EVP_PKEY>> from_params(const char* type, Build&& build) {
  ossl::Ptr<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
  if (!bld || !build(bld.get())) return bad_jwks(std::string("cannot read the ") + type + " key's parameters");
  ossl::Ptr<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(bld.get()));
  ossl::Ptr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0)
    return bad_jwks(std::string("not a valid ") + type + " public key");
  return ossl::Ptr<EVP_PKEY>(key);
}

core::Result<ossl::Ptr<EVP_PKEY>> rsa_key(const nlohmann::json& jwk) {
  auto n = member_bytes(jwk, "n");
  if (!n) return n.error();
  auto e = member_bytes(jwk, "e");
  if (!e) return e.error();
  if (n->size() < 256) return bad_jwks("RSA keys shorter than 2048 bits are refused");
  auto bn_n = to_bignum(*n), bn_e = to_bignum(*e);
  return from_params("RSA", [&](OSSL_PARAM_BLD* b) {
    return bn_n && bn_e && OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, bn_n.get()) &&
           OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, bn_e.get());
  });
}

core::Result<ossl::Ptr<EVP_PKEY>> p256_key(const nlohmann::json& jwk) {
  auto x = member_bytes(jwk, "x");
  if (!x) return x.error();
  auto y = member_bytes(jwk, "y");
  if (!y) return y.error();
  if (x->size() != 32 || y->size() != 32) return bad_jwks("P-256 coordinates must be 32 bytes");
  const std::string point = "\x04" + *x + *y;  // uncompressed SEC1 point
  return from_params("EC", [&](OSSL_PARAM_BLD* b) {
    return OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) &&
           OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  });
}

std::string string_member(const nlohmann::json& jwk, const char* name) {
  auto it = jwk.find(name);
  return it != jwk.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

namespace ossl {

std::string drain(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

std::string public_pem(EVP_PKEY* key) {
  Ptr<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) return {};
  return drain(bio.get());
}

}  // namespace ossl

core::Result<KeySet> KeySet::parse_jwks(std::string_view json) {
  const auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array())
    return bad_jwks("not a JSON object with a 'keys' array");
  KeySet set;
  for (const auto& jwk : doc["keys"]) {
    if (!jwk.is_object()) return bad_jwks("a key is not an object");
    const std::string kty = string_member(jwk, "kty"), use = string_member(jwk, "use");
    if (!use.empty() && use != "sig") continue;
    PublicKey key{string_member(jwk, "kid"), string_member(jwk, "alg"), {}};
    core::Result<ossl::Ptr<EVP_PKEY>> pkey = bad_jwks("unused");
    if (kty == "RSA" && (key.alg.empty() || key.alg == kRs256)) {
      key.alg = kRs256;
      pkey = rsa_key(jwk);
    } else if (kty == "EC" && string_member(jwk, "crv") == "P-256" && (key.alg.empty() || key.alg == kEs256)) {
      key.alg = kEs256;
      pkey = p256_key(jwk);
    } else {
      continue;  // another algorithm or curve: not ours to accept
    }
    if (!pkey) return core::make_error(pkey.error().code, pkey.error().message + " (kid '" + key.kid + "')", "jwks");
    key.pem = ossl::public_pem(pkey->get());
    if (key.pem.empty()) return bad_jwks("cannot encode key '" + key.kid + "'");
    set.keys_.push_back(std::move(key));
  }
  if (set.keys_.empty()) return bad_jwks("no RS256 or ES256 signing key in the document");
  return set;
}

core::Result<KeySet> KeySet::load_jwks(const std::string& path) {
  std::ifstream in(path);
  if (!in) return bad_jwks("cannot read '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  auto set = parse_jwks(text.str());
  if (!set) return core::make_error(set.error().code, set.error().message + " in '" + path + "'", "jwks");
  return set;
}

namespace {

class FixedKeys final : public KeyProvider {
 public:
  explicit FixedKeys(KeySet keys) : keys_(std::make_shared<const KeySet>(std::move(keys))) {}
  std::shared_ptr<const KeySet> keys_for(std::string_view) override { return keys_; }

 private:
  std::shared_ptr<const KeySet> keys_;
};

}  // namespace

std::shared_ptr<KeyProvider> fixed_keys(KeySet keys) { return std::make_shared<FixedKeys>(std::move(keys)); }

const PublicKey* KeySet::find(std::string_view kid) const {
  if (kid.empty()) return keys_.size() == 1 ? &keys_.front() : nullptr;
  for (const auto& k : keys_)
    if (k.kid == kid) return &k;
  return nullptr;
}

std::string base64url_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

core::Result<std::string> base64url_decode(std::string_view text) {
  std::string in(text);
  for (char& c : in) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
    else if (c == '+' || c == '/' || c == '=') return core::invalid_argument("base64url", "not base64url");
  }
  const size_t pad = (4 - in.size() % 4) % 4;
  if (pad == 3) return core::invalid_argument("base64url", "truncated base64url");
  in.append(pad, '=');
  std::string out(in.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  if (n < 0) return core::invalid_argument("base64url", "not base64url");
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

}  // namespace huifang::auth
