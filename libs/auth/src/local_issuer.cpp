#include "huifang/auth/local_issuer.h"

#include <fcntl.h>
#include <jwt.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ossl.h"

namespace huifang::auth {
namespace {

core::Error failed(std::string message) {
  return core::make_error(core::make_error_code(core::errc::failed_precondition), std::move(message));
}

// Writes `text` to `path` readable by the owner only, replacing it atomically.
core::Status write_private(const std::string& path, const std::string& text, mode_t mode) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return failed("cannot write '" + tmp + "': " + std::strerror(errno));
  const bool ok = ::fchmod(fd, mode) == 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) return failed("cannot write '" + path + "'");
  return core::ok_status();
}

core::Result<ossl::Ptr<EVP_PKEY>> read_or_make_key(const std::string& path) {
  if (std::ifstream in(path); in) {
    std::ostringstream text;
    text << in.rdbuf();
    const std::string pem = text.str();
    ossl::Ptr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    ossl::Ptr<EVP_PKEY> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) return failed("'" + path + "' is not an RSA private key");
    return key;
  }
  ossl::Ptr<EVP_PKEY> key(EVP_RSA_gen(2048));
  if (!key) return failed("OpenSSL could not generate an RSA key");
  ossl::Ptr<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return failed("OpenSSL could not encode the new key");
  if (auto st = write_private(path, ossl::drain(bio.get()), 0600); !st) return st.error();
  return key;
}

std::string bignum_param(EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return {};
  ossl::Ptr<BIGNUM> bn(raw);
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn.get())), '\0');
  BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()));
  return bytes;
}

// A key id that names this key and no other: the first 12 bytes of SHA-256 over its modulus.
std::string key_id(const std::string& modulus) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(modulus.data(), modulus.size(), digest, &n, EVP_sha256(), nullptr);
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), 12));
}

}  // namespace

core::Result<LocalIssuer> open_local_issuer(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || ::chmod(dir.c_str(), 0700) != 0) return failed("cannot make the key directory '" + dir + "'");
  auto key = read_or_make_key(dir + "/signing-key.pem");
  if (!key) return key.error();
  const std::string n = bignum_param(key->get(), OSSL_PKEY_PARAM_RSA_N), e = bignum_param(key->get(), OSSL_PKEY_PARAM_RSA_E);
  if (n.empty() || e.empty()) return failed("cannot read the signing key's public half");
  LocalIssuer issuer;
  issuer.kid = key_id(n);
  ossl::Ptr<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key->get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return failed("OpenSSL could not encode the signing key");
  issuer.private_pem = ossl::drain(bio.get());
  nlohmann::json jwk = {{"kty", "RSA"}, {"use", "sig"}, {"alg", kRs256}, {"kid", issuer.kid},
                        {"n", base64url_encode(n)}, {"e", base64url_encode(e)}};
  issuer.jwks = nlohmann::json{{"keys", nlohmann::json::array({jwk})}}.dump(2) + "\n";
  if (auto st = write_private(dir + "/jwks.json", issuer.jwks, 0644); !st) return st.error();
  return issuer;
}

core::Result<std::string> mint_token(const LocalIssuer& issuer, const TokenRequest& request, core::Timestamp now) {
  const int64_t t = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  nlohmann::json claims = {{"iss", request.issuer}, {"aud", request.audience}, {"sub", request.claims.subject},
                           {"role", request.claims.role}, {"iat", t}, {"nbf", t}, {"exp", t + request.ttl.count()}};
  if (!request.claims.tenant.empty()) claims["tenant"] = request.claims.tenant;
  if (!request.claims.org_units.empty()) claims["org_units"] = request.claims.org_units;

  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return failed("libjwt could not allocate a token");
  std::unique_ptr<jwt_t, void (*)(jwt_t*)> jwt(raw, jwt_free);
  const std::string body = claims.dump();
  if (jwt_add_grants_json(jwt.get(), body.c_str()) != 0 || jwt_add_header(jwt.get(), "kid", issuer.kid.c_str()) != 0 ||
      jwt_set_alg(jwt.get(), JWT_ALG_RS256, reinterpret_cast<const unsigned char*>(issuer.private_pem.data()),
                  static_cast<int>(issuer.private_pem.size())) != 0)
    return failed("libjwt could not prepare the token");
  std::unique_ptr<char, decltype(&free)> token(jwt_encode_str(jwt.get()), &free);
  if (!token) return failed("libjwt could not sign the token");
  return std::string(token.get());
}

}  // namespace huifang::auth
