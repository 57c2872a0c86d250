#include "huifang/privacy/keyring.h"

#include <fstream>
#include <sstream>

#include "huifang/core/log.h"
#include "huifang/core/tenant.h"
#include "huifang/store/errc.h"
#include "huifang/store/event_store.h"

namespace huifang::privacy {
namespace {

// A stored value's first byte says what follows.
constexpr char kWrapped = 'W', kPlain = 'P', kDestroyed = 'X';

}  // namespace

Keyring::Keyring(store::RedisPool& pool, uint32_t partitions, std::optional<Key> master)
    : pool_(pool), partitions_(partitions), master_(master) {}

std::string Keyring::hash_of(const Owner& owner) const {
  return "keyring:{p" + std::to_string(store::logical_partition(owner.customer_id, partitions_)) + "}:keys";
}

std::string Keyring::field_of(const Owner& owner) { return core::of_tenant(owner.tenant_id, owner.customer_id); }

core::Result<FoundKey> Keyring::decode(const store::Reply& reply, const Owner& owner) const {
  if (reply.is_error()) return store::bad_reply("keyring: " + reply.str);
  if (reply.type != store::Reply::Type::string || reply.str.empty()) return FoundKey{};
  const std::string_view body = std::string_view(reply.str).substr(1);
  FoundKey found{FoundKey::State::live, {}};
  switch (reply.str[0]) {
    case kDestroyed: return FoundKey{FoundKey::State::destroyed, {}};
    case kPlain:
      if (body.size() != found.key.size()) break;
      std::copy(body.begin(), body.end(), found.key.begin());
      return found;
    case kWrapped: {
      if (!master_)
        return core::make_error(core::make_error_code(core::errc::failed_precondition),
                                "the keyring's keys are wrapped by a master key this service was not given "
                                "(--keyring-master-key-file)");
      auto raw = open(*master_, body, field_of(owner));
      if (!raw) return raw.error();
      if (raw->size() != found.key.size()) break;
      std::copy(raw->begin(), raw->end(), found.key.begin());
      return found;
    }
  }
  return store::bad_reply("keyring: unreadable key of customer " + owner.customer_id);
}

core::Result<Key> Keyring::key_for(const Owner& owner) {
  const Key fresh = random_key();
  const std::string raw(fresh.begin(), fresh.end());
  const std::string stored =
      master_ ? std::string(1, kWrapped) + seal(*master_, raw, field_of(owner)) : std::string(1, kPlain) + raw;
  const std::string hash = hash_of(owner), field = field_of(owner);
  // Made only when there is none yet; whichever was there first is the key (two callers racing
  // for a new customer's key agree on one).
  auto replies = pool_.lease()->pipeline({{"HSETNX", hash, field, stored}, {"HGET", hash, field}});
  if (!replies) return replies.error();
  if ((*replies)[0].is_error()) return store::bad_reply("keyring: " + (*replies)[0].str);
  auto found = decode((*replies)[1], owner);
  if (!found) return found.error();
  if (found->state == FoundKey::State::destroyed) return erased_customer(owner.customer_id);
  if (found->state == FoundKey::State::absent) return store::bad_reply("keyring: key of customer " + owner.customer_id + " vanished");
  return found->key;
}

core::Result<std::vector<FoundKey>> Keyring::find(std::span<const Owner> owners) {
  std::vector<FoundKey> out;
  if (owners.empty()) return out;
  std::vector<store::Argv> gets;
  gets.reserve(owners.size());
  for (const auto& o : owners) gets.push_back({"HGET", hash_of(o), field_of(o)});
  auto replies = pool_.lease()->pipeline(gets);
  if (!replies) return replies.error();
  out.reserve(owners.size());
  for (size_t i = 0; i < owners.size(); ++i) {
    auto found = decode((*replies)[i], owners[i]);
    if (!found) return found.error();
    out.push_back(*found);
  }
  return out;
}

core::Result<FoundKey> Keyring::find(const Owner& owner) {
  auto found = find(std::span<const Owner>(&owner, 1));
  if (!found) return found.error();
  return found->front();
}

core::Result<std::optional<Key>> Keyring::sealing_key(const Owner& owner) {
  auto found = find(owner);
  if (!found) return found.error();
  if (found->state == FoundKey::State::destroyed) return erased_customer(owner.customer_id);
  if (found->state == FoundKey::State::absent) return std::optional<Key>();
  return std::optional<Key>(found->key);
}

core::Status Keyring::destroy(const Owner& owner) {
  auto r = pool_.lease()->command({"HSET", hash_of(owner), field_of(owner), std::string(1, kDestroyed)});
  if (!r) return r.error();
  if (r->is_error()) return store::bad_reply("keyring: " + r->str);
  return core::ok_status();
}

namespace {

core::Result<Key> read_master_key(const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::invalid_argument("keyring-master-key-file", "cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  auto key = key_from_hex(text.str());
  if (!key) return core::invalid_argument("keyring-master-key-file", path + ": " + key.error().message);
  return key;
}

}  // namespace

core::OptionSpec master_key_option() {
  return {"keyring-master-key-file", "",
          "file of 64 hex digits: the key that wraps every customer's key in the keyring (empty: unwrapped)"};
}

core::Result<std::unique_ptr<Keyring>> open_keyring(const core::Config& config, store::RedisPool& pool) {
  const std::string& path = config.get("keyring-master-key-file");
  std::optional<Key> master;
  if (path.empty()) {
    core::log::warn("customers' keys are kept unwrapped: no --keyring-master-key-file given, so a copy of Redis opens "
                    "their personal data");
  } else {
    auto key = read_master_key(path);
    if (!key) return key.error();
    master = *key;
  }
  return std::make_unique<Keyring>(pool, kKeyringPartitions, master);
}

}  // namespace huifang::privacy
