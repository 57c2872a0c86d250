#pragma once
// Where token verification finds the identity provider's keys, and how it follows a rotation
// without a restart. An IdP rotating keys publishes the new one in its JWKS before signing with
// it, and keeps the old one there while tokens signed with it live; a verifier must therefore
// read the JWKS again from time to time, and at once when a token names a key it has not seen.
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "huifang/auth/keys.h"
#include "huifang/core/result.h"

namespace huifang::auth {

struct JwksOptions {
  std::chrono::seconds refresh{300};          // a URL is fetched again this often
  std::chrono::seconds unknown_key_gap{30};   // and early for an unknown `kid`, at most this often
  std::chrono::seconds fetch_timeout{5};
};

// A JWKS file (read again when it changes, looked at no more than once a second) or an http(s)://
// URL such as Keycloak's .../protocol/openid-connect/certs (fetched at start, every `refresh`, and
// early when a token names an unknown key; https verifies the server against the system's CAs).
// The first load must succeed; a later one that fails or does not parse is logged and the keys
// before it stay in force.
class JwksSource final : public KeyProvider {
 public:
  static core::Result<std::shared_ptr<JwksSource>> open(std::string where, JwksOptions options = {});
  std::shared_ptr<const KeySet> keys_for(std::string_view kid) override;

 private:
  JwksSource(std::string where, JwksOptions options);
  core::Result<KeySet> fetch() const;
  bool is_url() const;

  const std::string where_;
  const JwksOptions options_;
  std::mutex mu_;
  std::shared_ptr<const KeySet> keys_;
  std::chrono::steady_clock::time_point fetched_{}, checked_{};
  std::filesystem::file_time_type mtime_{};
};

}  // namespace huifang::auth
