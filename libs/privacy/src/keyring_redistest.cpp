// The keyring against a real redis-server: one key per customer however many ask at once, kept
// wrapped under the master key, gone for good once destroyed; other customers untouched.
#include "huifang/privacy/keyring.h"

#include <gtest/gtest.h>

#include <thread>

#include "huifang/testing/redis_server.h"

namespace huifang::privacy {
namespace {

class KeyringTest : public ::testing::Test {
 protected:
  KeyringTest() : pool_(options(), 4) {}
  store::RedisOptions options() {
    store::RedisOptions o;
    o.port = server_.port();
    return o;
  }
  testing::RedisServer server_;
  store::RedisPool pool_;
  const Key master_ = random_key();
};

TEST_F(KeyringTest, OneKeyPerCustomerKeptWrapped) {
  Keyring ring(pool_, 8, master_);
  const Owner wang{"anju", "c1"};
  std::vector<Key> seen(4);
  std::vector<std::thread> racers;
  for (auto& k : seen) racers.emplace_back([&] { k = *ring.key_for(wang); });
  for (auto& t : racers) t.join();
  for (const auto& k : seen) EXPECT_EQ(k, seen[0]);  // racing first uses agree on one key

  auto stored = pool_.lease()->command({"HGET", ring.hash_of(wang), Keyring::field_of(wang)});
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->str.size(), 1u + 12 + 32 + 16);  // wrapped (nonce, key, tag), not raw
  EXPECT_EQ(stored->str.find(std::string(seen[0].begin(), seen[0].end())), std::string::npos);

  EXPECT_NE(*ring.key_for({"other-tenant", "c1"}), seen[0]);  // same id, another tenant
  Keyring without_master(pool_, 8, std::nullopt);
  auto refused = without_master.find(std::vector<Owner>{wang});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("--keyring-master-key-file"), std::string::npos);
  Keyring wrong_master(pool_, 8, random_key());
  EXPECT_FALSE(wrong_master.find(std::vector<Owner>{wang}));
}

TEST_F(KeyringTest, DestroyedKeysStayDestroyed) {
  Keyring ring(pool_, 8, master_);
  const Owner wang{"anju", "c1"}, li{"anju", "c2"};
  const Key li_key = *ring.key_for(li);
  ASSERT_TRUE(ring.key_for(wang));
  ASSERT_TRUE(ring.destroy(wang));
  ASSERT_TRUE(ring.destroy(wang));  // idempotent

  auto again = ring.key_for(wang);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind(), core::condition::failed_precondition);
  auto found = ring.find(std::vector<Owner>{wang, li, {"anju", "never"}});
  ASSERT_TRUE(found);
  EXPECT_EQ((*found)[0].state, FoundKey::State::destroyed);
  EXPECT_EQ((*found)[1].state, FoundKey::State::live);
  EXPECT_EQ((*found)[1].key, li_key);
  EXPECT_EQ((*found)[2].state, FoundKey::State::absent);
  // Sealing something new: the live key, none for a customer who never had one, and never for
  // an erased one.
  EXPECT_EQ(**ring.sealing_key(li), li_key);
  EXPECT_FALSE(ring.sealing_key({"anju", "never"})->has_value());
  EXPECT_EQ(ring.sealing_key(wang).error().kind(), core::condition::failed_precondition);
  EXPECT_EQ(ring.find(std::vector<Owner>{{"anju", "never"}})->at(0).state, FoundKey::State::absent);  // none was made
}

TEST_F(KeyringTest, UnwrappedKeysWithoutAMasterKey) {
  Keyring plain(pool_, 8, std::nullopt);
  const Key k = *plain.key_for({"anju", "c9"});
  // Keys written before a master key was configured still open once one is.
  Keyring later(pool_, 8, master_);
  auto found = later.find(std::vector<Owner>{{"anju", "c9"}});
  ASSERT_TRUE(found);
  EXPECT_EQ((*found)[0].key, k);
  server_.cli("HSET '" + plain.hash_of({"anju", "c9"}) + "' 'anju|c9' Pshort");
  EXPECT_FALSE(later.find(std::vector<Owner>{{"anju", "c9"}}));  // damaged: an error, never a key
}

}  // namespace
}  // namespace huifang::privacy
