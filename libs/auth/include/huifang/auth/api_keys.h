#pragma once
// API keys for integrations (an HIS, a WMS, a CRM pushing service events): a long random secret
// bound to one tenant and one integration name. Services keep only each key's SHA-256, in a file
// of lines `<sha256-hex> <tenant> <name>` (`#` starts a comment), so the file does not give the
// keys away. What an integration may do is the access table's business (role `integration`).
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "huifang/core/result.h"

namespace huifang::auth {

struct KeyHolder {
  std::string tenant;
  std::string name;
};

class ApiKeys {
 public:
  static core::Result<ApiKeys> load(const std::string& path);
  static core::Result<ApiKeys> parse(std::string_view text);

  // The holder of `key`, or nullptr.
  const KeyHolder* find(std::string_view key) const;
  size_t size() const { return by_hash_.size(); }

 private:
  std::map<std::string, KeyHolder, std::less<>> by_hash_;
};

// The keys file as services use it: read at start, and again when it changes (looked at no more
// than once a second), so a key added or revoked takes effect without a restart. A change that
// does not parse is reported and the keys before it stay in force.
class ApiKeyFile {
 public:
  static core::Result<std::shared_ptr<ApiKeyFile>> open(std::string path);
  std::optional<KeyHolder> find(std::string_view key);

 private:
  explicit ApiKeyFile(std::string path) : path_(std::move(path)) {}
  void refresh();
  std::string path_;
  std::mutex mu_;
  ApiKeys keys_;
  std::filesystem::file_time_type loaded_mtime_{};
  std::chrono::steady_clock::time_point checked_{};
};

// A new key ("hfk_" + 32 random bytes, base64url) and the line that registers it.
struct NewApiKey {
  std::string key;
  std::string line;
};
core::Result<NewApiKey> make_api_key(const std::string& tenant, const std::string& name);

std::string sha256_hex(std::string_view bytes);

}  // namespace huifang::auth
