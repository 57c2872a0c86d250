#include "huifang/auth/api_keys.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <fstream>
#include <sstream>

#include "huifang/auth/keys.h"
#include "huifang/core/log.h"

namespace huifang::auth {
namespace {

core::Error bad_file(size_t line, std::string message) {
  return core::invalid_argument("api-keys", "line " + std::to_string(line) + ": " + std::move(message));
}

bool is_name(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &n, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

core::Result<ApiKeys> ApiKeys::parse(std::string_view text) {
  ApiKeys keys;
  std::istringstream in{std::string(text)};
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream fields(line);
    std::string digest, tenant, name, extra;
    if (!(fields >> digest)) continue;  // blank or comment
    if (!(fields >> tenant >> name) || (fields >> extra)) return bad_file(n, "expected '<sha256-hex> <tenant> <name>'");
    if (digest.size() != 64 || digest.find_first_not_of("0123456789abcdef") != std::string::npos)
      return bad_file(n, "the first field must be a key's SHA-256 in lowercase hex");
    if (!is_name(tenant) || !is_name(name)) return bad_file(n, "tenant and name are letters, digits, '-', '_' or '.'");
    if (!keys.by_hash_.emplace(digest, KeyHolder{tenant, name}).second) return bad_file(n, "the same key twice");
  }
  return keys;
}

core::Result<ApiKeys> ApiKeys::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::invalid_argument("api-keys", "cannot read '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str());
}

const KeyHolder* ApiKeys::find(std::string_view key) const {
  if (key.size() < 16 || key.size() > 256) return nullptr;
  auto it = by_hash_.find(sha256_hex(key));
  return it == by_hash_.end() ? nullptr : &it->second;
}

core::Result<std::shared_ptr<ApiKeyFile>> ApiKeyFile::open(std::string path) {
  auto keys = ApiKeys::load(path);
  if (!keys) return keys.error();
  std::shared_ptr<ApiKeyFile> file(new ApiKeyFile(std::move(path)));
  file->keys_ = std::move(*keys);
  std::error_code ec;
  file->loaded_mtime_ = std::filesystem::last_write_time(file->path_, ec);
  file->checked_ = std::chrono::steady_clock::now();
  return file;
}

void ApiKeyFile::refresh() {
  const auto now = std::chrono::steady_clock::now();
  if (now - checked_ < std::chrono::seconds(1)) return;
  checked_ = now;
  std::error_code ec;
  const auto mtime = std::filesystem::last_write_time(path_, ec);
  if (ec || mtime == loaded_mtime_) return;
  auto keys = ApiKeys::load(path_);
  if (!keys) {
    core::log::error("API keys file changed but does not load; the previous keys stay in force",
                     {{"error", keys.error().message}});
    return;
  }
  keys_ = std::move(*keys);
  loaded_mtime_ = mtime;
  core::log::info("API keys reloaded", {{"keys", std::to_string(keys_.size())}});
}

std::optional<KeyHolder> ApiKeyFile::find(std::string_view key) {
  std::lock_guard lock(mu_);
  refresh();
  const KeyHolder* holder = keys_.find(key);
  return holder ? std::optional<KeyHolder>(*holder) : std::nullopt;
}

core::Result<NewApiKey> make_api_key(const std::string& tenant, const std::string& name) {
  if (!is_name(tenant)) return core::invalid_argument("tenant", "letters, digits, '-', '_' or '.'");
  if (!is_name(name)) return core::invalid_argument("name", "letters, digits, '-', '_' or '.'");
  unsigned char random[32];
  if (RAND_bytes(random, sizeof random) != 1)
    return core::make_error(core::make_error_code(core::errc::internal), "OpenSSL could not make random bytes");
  NewApiKey k;
  k.key = "hfk_" + base64url_encode(std::string_view(reinterpret_cast<const char*>(random), sizeof random));
  k.line = sha256_hex(k.key) + " " + tenant + " " + name;
  return k;
}

}  // namespace huifang::auth
