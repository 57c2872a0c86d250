#include "huifang/store/redis.h"

#include <gtest/gtest.h>

#include "huifang/testing/redis_server.h"

namespace huifang::store {
namespace {

TEST(RedisConnection, AuthenticatesAsAnAclUserAndIsConfinedToItsPrefix) {
  testing::RedisServer server;
  server.cli("ACL SETUSER visit on '>s3cret' '~visit:*' '+@all'");
  RedisOptions o;
  o.port = server.port();
  o.user = "visit";
  o.password = "s3cret";
  RedisConnection c(o);
  auto ok = c.command({"SET", "visit:x", "1"});
  ASSERT_TRUE(ok) << ok.error().to_string();
  EXPECT_EQ(ok->type, Reply::Type::status);
  auto denied = c.command({"SET", "intake:x", "1"});
  ASSERT_TRUE(denied);
  EXPECT_TRUE(denied->is_error());
  EXPECT_NE(denied->str.find("NOPERM"), std::string::npos);

  o.password = "wrong";
  RedisConnection bad(o);
  auto r = bad.command({"PING"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::auth_failed);
}

TEST(RedisConnection, UnreachableServerIsUnavailableAfterRetries) {
  RedisOptions o;
  o.port = testing::free_port();
  o.max_attempts = 2;
  o.max_backoff = std::chrono::milliseconds(20);
  RedisConnection c(o);
  auto r = c.command({"PING"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), core::condition::unavailable);
}

TEST(RedisConnection, PipelineReturnsEveryReplyInOrder) {
  testing::RedisServer server;
  RedisOptions o;
  o.port = server.port();
  RedisConnection c(o);
  std::vector<Argv> cmds;
  for (int i = 0; i < 100; ++i) cmds.push_back({"INCR", "n"});
  auto r = c.pipeline(cmds);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 100u);
  EXPECT_EQ(r->back().integer, 100);
}

}  // namespace
}  // namespace huifang::store
