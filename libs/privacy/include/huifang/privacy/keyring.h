#pragma once
// Per-customer keys, held apart from the data they protect: crypto-shredding. Personal fields are
// sealed with their customer's key wherever they are written (event streams, topics, copies), so
// destroying the key erases them everywhere at once — in backups and on topics that cannot be
// rewritten too — while the anonymous facts around them stay.
//
// The keys live under their own Redis prefix ("keyring:"), readable by the services that show
// personal data and writable by intake alone (ACL). With a master key (a KMS's key-encryption
// key, a file in production's secret store) each customer key is stored wrapped by it, so a copy
// of Redis without the master key opens nothing. A destroyed key leaves a tombstone: a key is
// never made again for an erased customer, so nothing new is sealed for them by accident.
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "huifang/core/config.h"
#include "huifang/core/result.h"
#include "huifang/privacy/sealing.h"
#include "huifang/store/redis.h"

namespace huifang::privacy {

// Whose key: ids are unique within a tenant only.
struct Owner {
  std::string tenant_id;
  std::string customer_id;
};

struct FoundKey {
  enum class State { absent, live, destroyed };
  State state = State::absent;
  Key key{};
};

class Keyring {
 public:
  // `partitions` spreads the keys over hashes tagged like the services' keys (one slot each in a
  // Redis Cluster); `master` nullopt stores keys unwrapped (tests; a warning at start in a service).
  Keyring(store::RedisPool& pool, uint32_t partitions, std::optional<Key> master);

  // The owner's key, made on first use; FAILED_PRECONDITION once it was destroyed.
  core::Result<Key> key_for(const Owner& owner);
  // Many owners' keys in one round trip, in order.
  core::Result<std::vector<FoundKey>> find(std::span<const Owner> owners);
  core::Result<FoundKey> find(const Owner& owner);
  // The key to seal something new about `owner` with: nullopt for a customer registered before
  // sealing existed (they have none; written in the clear as before); FAILED_PRECONDITION once
  // destroyed (nothing more is recorded about an erased customer). Never makes a key.
  core::Result<std::optional<Key>> sealing_key(const Owner& owner);
  // Destroys the owner's key for good. Idempotent.
  core::Status destroy(const Owner& owner);

  // The hash holding `owner`'s key and its field there (for tests and operators).
  std::string hash_of(const Owner& owner) const;
  static std::string field_of(const Owner& owner);

 private:
  core::Result<FoundKey> decode(const store::Reply& reply, const Owner& owner) const;

  store::RedisPool& pool_;
  uint32_t partitions_;
  std::optional<Key> master_;
};

// The setting a service that seals or opens personal data takes: --keyring-master-key-file.
core::OptionSpec master_key_option();
// How the services' keyring spreads its keys: fixed, not each service's --logical-partitions, so
// every service that reads the keyring looks in the same place.
inline constexpr uint32_t kKeyringPartitions = 64;
// The keyring of a service configured with master_key_option(), over its own Redis pool; without
// a master key file the keys are stored unwrapped and a warning says so at start.
core::Result<std::unique_ptr<Keyring>> open_keyring(const core::Config& config, store::RedisPool& pool);

}  // namespace huifang::privacy
