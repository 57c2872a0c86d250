#include "huifang/privacy/sealing.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cctype>
#include <memory>
#include <stdexcept>

namespace huifang::privacy {
namespace {

constexpr size_t kNonce = 12, kTag = 16;

struct FreeCtx {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, FreeCtx>;

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

core::Error unopenable(const char* why) {
  return core::make_error(core::make_error_code(core::errc::internal), std::string("sealed value does not open: ") + why);
}

}  // namespace

core::Error erased_customer(const std::string& customer_id) {
  return core::make_error(core::make_error_code(core::errc::failed_precondition),
                          "customer " + customer_id + " was erased: nothing can be recorded about them any more");
}

Key random_key() {
  Key k;
  // Without randomness nothing can be sealed safely: a process that gets here cannot go on.
  if (RAND_bytes(k.data(), static_cast<int>(k.size())) != 1) throw std::runtime_error("OpenSSL RAND_bytes failed");
  return k;
}

core::Result<Key> key_from_hex(std::string_view hex) {
  while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.back()))) hex.remove_suffix(1);
  while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.front()))) hex.remove_prefix(1);
  Key k;
  if (hex.size() != 2 * k.size()) return core::invalid_argument("key", "must be 64 hex digits (256 bits)");
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < k.size(); ++i) {
    const int hi = digit(hex[2 * i]), lo = digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return core::invalid_argument("key", "must be 64 hex digits (256 bits)");
    k[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return k;
}

std::string seal(const Key& key, std::string_view plaintext, std::string_view bound_to) {
  std::string out(kNonce + plaintext.size() + kTag, '\0');
  if (RAND_bytes(bytes(out), kNonce) != 1) throw std::runtime_error("OpenSSL RAND_bytes failed");
  Ctx ctx(EVP_CIPHER_CTX_new());
  int n = 0, tail = 0;
  // Each step fails only on allocation failure or misuse, neither of which a caller can handle.
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), bytes(out)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &n, bytes(bound_to), static_cast<int>(bound_to.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), bytes(out) + kNonce, &n, bytes(plaintext), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), bytes(out) + kNonce + n, &tail) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, bytes(out) + kNonce + plaintext.size()) != 1)
    throw std::runtime_error("OpenSSL AES-256-GCM sealing failed");
  return out;
}

core::Result<std::string> open(const Key& key, std::string_view sealed, std::string_view bound_to) {
  if (sealed.size() < kNonce + kTag) return unopenable("too short");
  const size_t length = sealed.size() - kNonce - kTag;
  std::string out(length, '\0');
  std::string tag(sealed.substr(kNonce + length));
  Ctx ctx(EVP_CIPHER_CTX_new());
  int n = 0, tail = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), bytes(sealed)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &n, bytes(bound_to), static_cast<int>(bound_to.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), bytes(out), &n, bytes(sealed) + kNonce, static_cast<int>(length)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, bytes(tag)) != 1)
    return unopenable("cipher error");
  if (EVP_DecryptFinal_ex(ctx.get(), bytes(out) + n, &tail) != 1) return unopenable("wrong key, wrong owner or altered");
  return out;
}

}  // namespace huifang::privacy
