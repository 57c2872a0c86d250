// Token verification against what attackers send: tokens that are expired, early, for another
// audience or issuer, signed by another key, altered after signing, "alg: none", HS256 keyed with
// the public key, and tokens signed outside libjwt (plain OpenSSL) to show interoperability with
// what an IdP produces.
#include <gtest/gtest.h>
#include <jwt.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/pem.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "huifang/auth/local_issuer.h"
#include "huifang/auth/token.h"
#include "ossl.h"

namespace huifang::auth {
namespace {

using namespace std::chrono_literals;

const core::Timestamp kNow = core::Timestamp(std::chrono::seconds(1'800'000'000));

std::string temp_dir(const char* name) {
  auto dir = std::filesystem::temp_directory_path() / ("huifang-auth-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  return dir.string();
}

class TokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto issuer = open_local_issuer(temp_dir("main"));
    ASSERT_TRUE(issuer) << issuer.error().to_string();
    issuer_ = *issuer;
    auto keys = KeySet::parse_jwks(issuer_.jwks);
    ASSERT_TRUE(keys) << keys.error().to_string();
    keys_ = *keys;
    options_ = {std::string(kLocalIssuer), std::string(kAudience), 60s};
  }

  TokenRequest request() const {
    TokenRequest r;
    r.claims = {"agent-7", "anju-property", "agent", {"east", "east-2"}};
    r.ttl = 1h;
    return r;
  }
  std::string mint(const TokenRequest& r, core::Timestamp at = kNow) const {
    auto t = mint_token(issuer_, r, at);
    EXPECT_TRUE(t) << t.error().to_string();
    return t ? *t : std::string();
  }
  core::Result<Claims> verify(const std::string& token, core::Timestamp at = kNow) const {
    return verify_token(token, keys_, options_, at);
  }
  // The refusal's message, or "accepted".
  std::string refusal(const std::string& token, core::Timestamp at = kNow) const {
    auto r = verify(token, at);
    if (r) return "accepted";
    EXPECT_EQ(r.error().kind(), core::condition::unauthenticated);
    return r.error().message;
  }

  LocalIssuer issuer_;
  KeySet keys_;
  VerifyOptions options_;
};

TEST_F(TokenTest, AcceptsItsOwnTokenAndReadsTheClaims) {
  auto claims = verify(mint(request()));
  ASSERT_TRUE(claims) << claims.error().to_string();
  EXPECT_EQ(claims->subject, "agent-7");
  EXPECT_EQ(claims->tenant, "anju-property");
  EXPECT_EQ(claims->role, "agent");
  EXPECT_EQ(claims->org_units, (std::vector<std::string>{"east", "east-2"}));
}

TEST_F(TokenTest, ReopeningTheDirectoryKeepsTheKeyAndItsFilesPrivate) {
  const std::string dir = temp_dir("reopen");
  auto first = open_local_issuer(dir);
  auto second = open_local_issuer(dir);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->kid, second->kid);
  EXPECT_EQ(first->private_pem, second->private_pem);
  const auto perms = std::filesystem::status(dir + "/signing-key.pem").permissions();
  EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all), std::filesystem::perms::none);
}

TEST_F(TokenTest, JudgesTimeWithLeeway) {
  const std::string token = mint(request());
  EXPECT_EQ(refusal(token, kNow + 1h + 59s), "accepted");
  EXPECT_NE(refusal(token, kNow + 1h + 61s).find("expired"), std::string::npos);
  EXPECT_EQ(refusal(token, kNow - 59s), "accepted");
  EXPECT_NE(refusal(token, kNow - 61s).find("not valid yet"), std::string::npos);
}

TEST_F(TokenTest, RefusesAnotherIssuerOrAudience) {
  auto r = request();
  r.audience = "someone-else";
  EXPECT_NE(refusal(mint(r)).find("audience"), std::string::npos);
  r = request();
  r.issuer = "https://evil.example/realms/x";
  EXPECT_NE(refusal(mint(r)).find("issuer"), std::string::npos);
}

TEST_F(TokenTest, RefusesTokensWithoutRoleOrSubject) {
  auto r = request();
  r.claims.role.clear();
  EXPECT_NE(refusal(mint(r)).find("role"), std::string::npos);
  r = request();
  r.claims.subject.clear();
  EXPECT_NE(refusal(mint(r)).find("subject"), std::string::npos);
}

TEST_F(TokenTest, RefusesAnotherKeyEvenUnderTheTrustedKeyId) {
  auto other = open_local_issuer(temp_dir("other"));
  ASSERT_TRUE(other);
  auto stranger = mint_token(*other, request(), kNow);
  ASSERT_TRUE(stranger);
  EXPECT_NE(refusal(*stranger).find("unknown key"), std::string::npos);
  other->kid = issuer_.kid;  // claims to be the trusted key
  auto forged = mint_token(*other, request(), kNow);
  ASSERT_TRUE(forged);
  EXPECT_NE(refusal(*forged).find("signature"), std::string::npos);
}

std::string segment(const nlohmann::json& j) { return base64url_encode(j.dump()); }

TEST_F(TokenTest, RefusesAlteredClaims) {
  const std::string token = mint(request());
  const size_t a = token.find('.'), b = token.rfind('.');
  auto payload = nlohmann::json::parse(*base64url_decode(token.substr(a + 1, b - a - 1)));
  payload["role"] = "admin";
  const std::string altered = token.substr(0, a + 1) + segment(payload) + token.substr(b);
  EXPECT_NE(refusal(altered).find("signature"), std::string::npos);
}

TEST_F(TokenTest, RefusesAlgNoneAndHmacKeyedWithThePublicKey) {
  const std::string token = mint(request());
  const std::string payload = token.substr(token.find('.') + 1, token.rfind('.') - token.find('.') - 1);
  const std::string none = segment({{"alg", "none"}, {"kid", issuer_.kid}}) + "." + payload + ".";
  EXPECT_NE(refusal(none).find("'none' is not accepted"), std::string::npos);

  // The classic confusion: HS256 with the (public) PEM as the shared secret.
  const std::string& pem = keys_.find(issuer_.kid)->pem;
  jwt_t* raw = nullptr;
  ASSERT_EQ(jwt_new(&raw), 0);
  std::unique_ptr<jwt_t, void (*)(jwt_t*)> jwt(raw, jwt_free);
  const std::string claims = *base64url_decode(payload);
  ASSERT_EQ(jwt_add_grants_json(jwt.get(), claims.c_str()), 0);
  ASSERT_EQ(jwt_add_header(jwt.get(), "kid", issuer_.kid.c_str()), 0);
  ASSERT_EQ(jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(pem.data()),
                        static_cast<int>(pem.size())),
            0);
  std::unique_ptr<char, decltype(&free)> hs(jwt_encode_str(jwt.get()), &free);
  ASSERT_TRUE(hs);
  EXPECT_NE(refusal(hs.get()).find("'HS256' is not accepted"), std::string::npos);
}

TEST_F(TokenTest, RefusesGarbageWithoutParsingIt) {
  EXPECT_NE(refusal("").find("empty"), std::string::npos);
  EXPECT_NE(refusal("abc").find("not a JWT"), std::string::npos);
  EXPECT_NE(refusal("a.b.c.d").find("not a JWT"), std::string::npos);
  EXPECT_NE(refusal("%%%.e30.x").find("base64url"), std::string::npos);
  EXPECT_NE(refusal(std::string(20'000, 'a')).find("16 KiB"), std::string::npos);
}

// Signs `header.payload` with OpenSSL alone, as any IdP would, in JWS form (ES256: raw r||s).
std::string sign_outside_libjwt(EVP_PKEY* key, const nlohmann::json& header, const nlohmann::json& payload) {
  const std::string input = segment(header) + "." + segment(payload);
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t len = 0;
  EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key), 1);
  EXPECT_EQ(EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size()), 1);
  std::string sig(len, '\0');
  EXPECT_EQ(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()),
            1);
  sig.resize(len);
  if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
    const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
    std::unique_ptr<ECDSA_SIG, void (*)(ECDSA_SIG*)> der(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size())),
                                                         ECDSA_SIG_free);
    std::string rs(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(der.get()), reinterpret_cast<unsigned char*>(rs.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(der.get()), reinterpret_cast<unsigned char*>(rs.data()) + 32, 32);
    sig = rs;
  }
  return input + "." + base64url_encode(sig);
}

std::string bn_bytes(EVP_PKEY* key, const char* name, int pad = 0) {
  BIGNUM* raw = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, name, &raw), 1);
  ossl::Ptr<BIGNUM> bn(raw);
  std::string out(static_cast<size_t>(pad ? pad : BN_num_bytes(bn.get())), '\0');
  BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
  return out;
}

nlohmann::json idp_claims() {
  return {{"iss", std::string(kLocalIssuer)}, {"aud", {"account", std::string(kAudience)}}, {"sub", "5f1c"},
          {"exp", 1'800'000'600}, {"tenant", "qiaoxin-hospital"}, {"role", "analyst"}};
}

TEST_F(TokenTest, VerifiesRs256AndEs256TokensSignedByPlainOpenSsl) {
  ossl::Ptr<EVP_PKEY> rsa(EVP_RSA_gen(2048));
  ossl::Ptr<EVP_PKEY> ec(EVP_EC_gen("P-256"));
  ASSERT_TRUE(rsa && ec);
  const nlohmann::json jwks = {
      {"keys",
       {{{"kty", "RSA"}, {"kid", "r1"}, {"n", base64url_encode(bn_bytes(rsa.get(), OSSL_PKEY_PARAM_RSA_N))},
         {"e", base64url_encode(bn_bytes(rsa.get(), OSSL_PKEY_PARAM_RSA_E))}},
        {{"kty", "EC"}, {"crv", "P-256"}, {"kid", "e1"},
         {"x", base64url_encode(bn_bytes(ec.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32))},
         {"y", base64url_encode(bn_bytes(ec.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32))}},
        {{"kty", "RSA"}, {"use", "enc"}, {"kid", "encryption-key"}}}}};  // skipped, not an error
  auto keys = KeySet::parse_jwks(jwks.dump());
  ASSERT_TRUE(keys) << keys.error().to_string();
  EXPECT_EQ(keys->size(), 2u);

  auto rs = verify_token(sign_outside_libjwt(rsa.get(), {{"alg", "RS256"}, {"kid", "r1"}}, idp_claims()), *keys, options_, kNow);
  ASSERT_TRUE(rs) << rs.error().to_string();
  EXPECT_EQ(rs->tenant, "qiaoxin-hospital");
  auto es = verify_token(sign_outside_libjwt(ec.get(), {{"alg", "ES256"}, {"kid", "e1"}}, idp_claims()), *keys, options_, kNow);
  ASSERT_TRUE(es) << es.error().to_string();
  EXPECT_EQ(es->role, "analyst");
  // The RSA key's id with an ES256 header: the algorithm must be the key's own.
  auto mixed = verify_token(sign_outside_libjwt(ec.get(), {{"alg", "ES256"}, {"kid", "r1"}}, idp_claims()), *keys, options_, kNow);
  ASSERT_FALSE(mixed);
  EXPECT_NE(mixed.error().message.find("does not match its key"), std::string::npos);
}

TEST(Jwks, RefusesDocumentsItCannotTrust) {
  EXPECT_FALSE(KeySet::parse_jwks("not json"));
  EXPECT_FALSE(KeySet::parse_jwks(R"({"keys":[]})"));
  EXPECT_FALSE(KeySet::parse_jwks(R"({"keys":[{"kty":"oct","k":"c2VjcmV0"}]})"));  // HMAC secret: skipped, none left
  auto short_rsa = KeySet::parse_jwks(R"({"keys":[{"kty":"RSA","kid":"k","n":"AQAB","e":"AQAB"}]})");
  ASSERT_FALSE(short_rsa);
  EXPECT_NE(short_rsa.error().message.find("2048"), std::string::npos);
  EXPECT_FALSE(KeySet::load_jwks("/nonexistent/jwks.json"));
}

TEST(Base64Url, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    auto back = base64url_decode(base64url_encode(bytes));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, bytes);
    bytes.push_back(static_cast<char>(i * 37 + 251));
  }
  EXPECT_FALSE(base64url_decode("ab+c"));
  EXPECT_FALSE(base64url_decode("abcde"));
}

}  // namespace
}  // namespace huifang::auth
