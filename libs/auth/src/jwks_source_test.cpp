// Following the identity provider's key rotation without a restart: a JWKS file that changes, a
// JWKS URL fetched again when a token names a key it has not seen, and the keys in force kept when
// a later read fails.
#include "huifang/auth/jwks_source.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "huifang/auth/local_issuer.h"

namespace huifang::auth {
namespace {

using namespace std::chrono_literals;

class JwksSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("huifang-jwks-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    old_ = *open_local_issuer((dir_ / "old").string());
    new_ = *open_local_issuer((dir_ / "new").string());
    ASSERT_NE(old_.kid, new_.kid);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The JWKS an IdP publishes while it rotates: both keys.
  std::string both() const {
    auto doc = nlohmann::json::parse(old_.jwks);
    const auto added = nlohmann::json::parse(new_.jwks);
    for (const auto& k : added["keys"]) doc["keys"].push_back(k);
    return doc.dump();
  }
  std::filesystem::path dir_;
  LocalIssuer old_, new_;
};

TEST_F(JwksSourceTest, AFileIsReadAgainWhenItChangesAndABrokenChangeKeepsTheKeysInForce) {
  const auto file = dir_ / "jwks.json";
  std::ofstream(file) << old_.jwks;
  auto source = JwksSource::open(file.string());
  ASSERT_TRUE(source) << source.error().to_string();
  EXPECT_TRUE((*source)->keys_for(old_.kid)->find(old_.kid));
  EXPECT_FALSE((*source)->keys_for(new_.kid)->find(new_.kid));

  std::this_thread::sleep_for(1100ms);  // it looks at the file at most once a second
  std::ofstream(file) << both();
  EXPECT_TRUE((*source)->keys_for(new_.kid)->find(new_.kid));
  EXPECT_TRUE((*source)->keys_for(old_.kid)->find(old_.kid));

  std::this_thread::sleep_for(1100ms);
  std::ofstream(file) << "{ half a document";
  EXPECT_TRUE((*source)->keys_for(new_.kid)->find(new_.kid));  // still the last good keys
}

TEST_F(JwksSourceTest, AUrlIsFetchedAgainForAnUnknownKeyAndNotMoreOftenThanAllowed) {
  httplib::Server idp;
  std::atomic<int> fetches{0};
  std::string published = old_.jwks;
  std::mutex mu;
  idp.Get("/realms/huifang/protocol/openid-connect/certs", [&](const httplib::Request&, httplib::Response& res) {
    ++fetches;
    std::lock_guard lock(mu);
    res.set_content(published, "application/json");
  });
  const int port = idp.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { idp.listen_after_bind(); });
  while (!idp.is_running()) std::this_thread::sleep_for(1ms);
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/realms/huifang/protocol/openid-connect/certs";

  auto source = JwksSource::open(url, {300s, 0s, 5s});  // no gap: every unknown key looks again
  ASSERT_TRUE(source) << source.error().to_string();
  EXPECT_EQ(fetches, 1);
  EXPECT_TRUE((*source)->keys_for(old_.kid)->find(old_.kid));
  EXPECT_EQ(fetches, 1);  // a known key costs no fetch
  {
    std::lock_guard lock(mu);
    published = both();  // the IdP rotates
  }
  EXPECT_TRUE((*source)->keys_for(new_.kid)->find(new_.kid));
  EXPECT_EQ(fetches, 2);

  auto gapped = JwksSource::open(url, {300s, 300s, 5s});
  ASSERT_TRUE(gapped);
  for (int i = 0; i < 5; ++i) (*gapped)->keys_for("made-up-" + std::to_string(i));  // a forger's kids
  EXPECT_EQ(fetches, 3);  // only its first fetch: unknown kids cannot make it fetch

  idp.stop();
  serving.join();
  EXPECT_TRUE((*source)->keys_for("another")->find(new_.kid));  // the IdP is down: the keys stay
  auto down = JwksSource::open(url);
  ASSERT_FALSE(down);
  EXPECT_NE(down.error().message.find("cannot fetch keys from"), std::string::npos) << down.error().message;
}

}  // namespace
}  // namespace huifang::auth
