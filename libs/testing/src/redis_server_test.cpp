#include "huifang/testing/redis_server.h"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <memory>

namespace huifang::testing {
namespace {

struct CtxFree {
  void operator()(redisContext* c) const noexcept { redisFree(c); }
};
struct ReplyFree {
  void operator()(void* r) const noexcept { freeReplyObject(r); }
};
using ContextPtr = std::unique_ptr<redisContext, CtxFree>;
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

ContextPtr connect(const RedisServer& s) {
  ContextPtr c(redisConnect(s.host().c_str(), s.port()));
  EXPECT_TRUE(c && !c->err);
  return c;
}

TEST(RedisServerFixture, WritesAndReadsThroughHiredis) {
  RedisServer server;
  auto c = connect(server);
  ReplyPtr set(static_cast<redisReply*>(redisCommand(c.get(), "SET %s %s", "k", "v")));
  ASSERT_EQ(set->type, REDIS_REPLY_STATUS);
  ReplyPtr get(static_cast<redisReply*>(redisCommand(c.get(), "GET %s", "k")));
  ASSERT_EQ(get->type, REDIS_REPLY_STRING);
  EXPECT_EQ(std::string(get->str, get->len), "v");
}

TEST(RedisServerFixture, AcknowledgedWritesSurviveKillNine) {
  RedisServer server;
  {
    auto c = connect(server);
    for (int i = 0; i < 100; ++i) {
      ReplyPtr r(static_cast<redisReply*>(redisCommand(c.get(), "RPUSH list %d", i)));
      ASSERT_EQ(r->type, REDIS_REPLY_INTEGER);
    }
  }
  server.kill_and_restart();
  auto c = connect(server);
  ReplyPtr len(static_cast<redisReply*>(redisCommand(c.get(), "LLEN list")));
  EXPECT_EQ(len->integer, 100);
}

TEST(RedisServerFixture, EachServerHasItsOwnPortAndDirectory) {
  RedisServer a, b;
  EXPECT_NE(a.port(), b.port());
  EXPECT_NE(a.dir(), b.dir());
  a.cli("SET only-in-a 1");
  EXPECT_EQ(b.cli("EXISTS only-in-a"), "0\n");
}

}  // namespace
}  // namespace huifang::testing
