#include "huifang/auth/jwks_source.h"

#include <httplib.h>

#include "huifang/core/log.h"

namespace huifang::auth {
namespace {

core::Error bad_source(std::string message) {
  return core::make_error(core::make_error_code(core::errc::invalid_argument), std::move(message), "jwks");
}

}  // namespace

JwksSource::JwksSource(std::string where, JwksOptions options) : where_(std::move(where)), options_(options) {}

bool JwksSource::is_url() const { return where_.starts_with("https://") || where_.starts_with("http://"); }

core::Result<std::shared_ptr<JwksSource>> JwksSource::open(std::string where, JwksOptions options) {
  std::shared_ptr<JwksSource> source(new JwksSource(std::move(where), options));
  auto keys = source->fetch();
  if (!keys) return keys.error();
  source->keys_ = std::make_shared<const KeySet>(std::move(*keys));
  source->fetched_ = source->checked_ = std::chrono::steady_clock::now();
  if (!source->is_url()) {
    std::error_code ec;
    source->mtime_ = std::filesystem::last_write_time(source->where_, ec);
  }
  return source;
}

core::Result<KeySet> JwksSource::fetch() const {
  if (!is_url()) return KeySet::load_jwks(where_);
  const auto path_at = where_.find('/', where_.find("://") + 3);
  const std::string origin = where_.substr(0, path_at);
  const std::string path = path_at == std::string::npos ? "/" : where_.substr(path_at);
  httplib::Client client(origin);
  if (!client.is_valid()) return bad_source("cannot fetch keys from '" + where_ + "': not a usable URL");
  client.enable_server_certificate_verification(true);
  client.set_connection_timeout(options_.fetch_timeout);
  client.set_read_timeout(options_.fetch_timeout);
  client.set_follow_location(false);
  auto r = client.Get(path);
  if (!r) return bad_source("cannot fetch keys from '" + where_ + "': " + httplib::to_string(r.error()));
  if (r->status != 200) return bad_source("cannot fetch keys from '" + where_ + "': HTTP " + std::to_string(r->status));
  auto set = KeySet::parse_jwks(r->body);
  if (!set) return bad_source(set.error().message + " from '" + where_ + "'");
  return set;
}

std::shared_ptr<const KeySet> JwksSource::keys_for(std::string_view kid) {
  std::lock_guard lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  bool due = false;
  if (is_url()) {
    const bool unknown = !keys_->find(kid) && now - fetched_ >= options_.unknown_key_gap;
    due = unknown || now - fetched_ >= options_.refresh;
  } else if (now - checked_ >= std::chrono::seconds(1)) {
    checked_ = now;
    std::error_code ec;
    const auto mtime = std::filesystem::last_write_time(where_, ec);
    due = !ec && mtime != mtime_;
    if (due) mtime_ = mtime;
  }
  if (!due) return keys_;
  fetched_ = now;
  auto fresh = fetch();
  if (!fresh) {
    core::log::error("identity provider's keys could not be read again; the previous keys stay in force",
                     {{"error", fresh.error().message}});
    return keys_;
  }
  keys_ = std::make_shared<const KeySet>(std::move(*fresh));
  core::log::info("identity provider's keys reloaded", {{"source", where_}, {"keys", std::to_string(keys_->size())}});
  return keys_;
}

}  // namespace huifang::auth
