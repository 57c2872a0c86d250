#pragma once
// Owning handles for the OpenSSL objects this library touches, and the step both key files take:
// an EVP_PKEY's public half as PEM.
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <string>

namespace huifang::auth::ossl {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
template <typename T>
using Ptr = std::unique_ptr<T, Free>;

// What a memory BIO holds, as a string.
std::string drain(BIO* bio);

// "" when OpenSSL cannot write it (never expected for a key it made or parsed).
std::string public_pem(EVP_PKEY* key);

}  // namespace huifang::auth::ossl
