// Per-caller rate limits: a burst, then RESOURCE_EXHAUSTED with when to retry; tokens come back
// with time; callers do not share a bucket. Per-peer limits on failed sign-ins likewise.
#include "huifang/edge/rate_limit.h"

#include <grpcpp/test/server_context_test_spouse.h>
#include <gtest/gtest.h>

#include "huifang/edge/handle.h"
#include "huifang/intake/v1/service.pb.h"

namespace huifang::edge {
namespace {

using namespace std::chrono_literals;

class RateLimitTest : public ::testing::Test {
 protected:
  std::shared_ptr<Authenticator> limited(Caller who) {
    return rate_limited(fixed_caller_authenticator(std::move(who)), {2, 3}, [this] { return now_; });
  }
  std::chrono::steady_clock::time_point now_{};
};

TEST_F(RateLimitTest, ABurstThenTheRateThenWaitingLongEnough) {
  auto auth = limited({"script", Role::admin, "anju", {}});
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(auth->verify("t", "peer")) << i;  // the burst
  auto over = auth->verify("t", "peer");
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().kind(), core::condition::resource_exhausted);
  EXPECT_EQ(over.error().retry_after, 500ms);  // 2 per second: the next token in half a second
  now_ += 499ms;
  EXPECT_FALSE(auth->verify("t", "peer"));
  now_ += 1ms;
  EXPECT_TRUE(auth->verify("t", "peer"));
  now_ += 1h;  // idle: full again, never more than the burst
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(auth->verify("t", "peer"));
  EXPECT_FALSE(auth->verify("t", "peer"));
}

TEST_F(RateLimitTest, CallersDoNotShareABucket) {
  // Two callers behind one limiter: the inner authenticator answers by token.
  struct ByToken final : Authenticator {
    core::Result<Caller> authenticate(const grpc::ServerContext&) const override { return Caller{}; }
    core::Result<Caller> verify(std::string_view t, std::string_view) const override { return Caller{std::string(t), Role::agent, "anju", {}}; }
  };
  auto auth = rate_limited(std::make_shared<ByToken>(), {1, 1}, [this] { return now_; });
  EXPECT_TRUE(auth->verify("agent-1", "peer"));
  EXPECT_FALSE(auth->verify("agent-1", "peer"));
  EXPECT_TRUE(auth->verify("agent-2", "peer"));
}

TEST_F(RateLimitTest, TheEdgeAnswersResourceExhaustedWithARetryTrailer) {
  auto auth = limited({"script", Role::admin, "anju", {}});
  intake::v1::GetCustomerRequest req;
  req.set_tenant_id("anju");
  grpc::Status last;
  std::multimap<std::string, std::string> trailers;
  for (int i = 0; i < 4; ++i) {
    grpc::ServerContext ctx;
    grpc::testing::ServerContextTestSpouse spouse(&ctx);
    last = handle(&ctx, *auth, "GetCustomer", &req, [](const Caller&) { return core::ok_status(); });
    trailers = spouse.GetTrailingMetadata();
  }
  EXPECT_EQ(last.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(last.error_message().find("retry in 500 ms"), std::string::npos);
  ASSERT_EQ(trailers.count("retry-after-ms"), 1u);
  EXPECT_EQ(trailers.find("retry-after-ms")->second, "500");
}

// A token is good when it is "good"; everything else is refused as an unknown credential.
struct GoodOrBad final : Authenticator {
  core::Result<Caller> authenticate(const grpc::ServerContext&) const override { return Caller{}; }
  core::Result<Caller> verify(std::string_view t, std::string_view) const override {
    ++checked;
    if (t == "good") return Caller{"u", Role::manager, "anju", {}};
    return core::make_error(core::make_error_code(core::errc::unauthenticated), "bearer token refused");
  }
  mutable int checked = 0;
};

TEST_F(RateLimitTest, APeerThatKeepsGuessingWaitsAndItsGuessesAreNotEvenChecked) {
  auto inner = std::make_shared<GoodOrBad>();
  auto auth = guess_limited(inner, {6}, [this] { return now_; });  // 6 a minute: one back every 10 s
  for (int i = 0; i < 6; ++i) EXPECT_EQ(auth->verify("guess-" + std::to_string(i), "10.0.0.7").error().kind(),
                                        core::condition::unauthenticated) << i;
  EXPECT_EQ(inner->checked, 6);
  auto locked = auth->verify("good", "10.0.0.7");  // even a valid token waits: the peer is guessing
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().kind(), core::condition::resource_exhausted);
  EXPECT_EQ(locked.error().retry_after, 10s);
  EXPECT_NE(locked.error().message.find("too many failed sign-ins from 10.0.0.7"), std::string::npos) << locked.error().message;
  EXPECT_EQ(auth->verify("guess-7", "10.0.0.7").error().kind(), core::condition::resource_exhausted);
  EXPECT_EQ(inner->checked, 6);  // nothing was checked while it waited

  EXPECT_TRUE(auth->verify("good", "10.0.0.8"));  // another address is not held up
  now_ += 10s;
  EXPECT_TRUE(auth->verify("good", "10.0.0.7"));  // successes cost nothing
  EXPECT_TRUE(auth->verify("good", "10.0.0.7"));
  EXPECT_FALSE(auth->verify("guess-8", "10.0.0.7"));
  EXPECT_EQ(auth->verify("good", "10.0.0.7").error().kind(), core::condition::resource_exhausted);
}

TEST_F(RateLimitTest, NoLimitOnGuessesWhenOffOrWhenThePeerIsUnknown) {
  auto inner = std::make_shared<GoodOrBad>();
  auto off = guess_limited(inner, {0}, [this] { return now_; });
  auto on = guess_limited(inner, {1}, [this] { return now_; });
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(off->verify("bad", "10.0.0.7").error().kind(), core::condition::unauthenticated);
    EXPECT_EQ(on->verify("bad", "").error().kind(), core::condition::unauthenticated);
  }
}

TEST_F(RateLimitTest, APeersAddressIsItsHostWhateverItsPort) {
  EXPECT_EQ(peer_host("ipv4:10.0.0.7:51234"), "10.0.0.7");
  EXPECT_EQ(peer_host("ipv6:[::1]:51234"), "::1");
  EXPECT_EQ(peer_host("ipv6:%5B::1%5D:51234"), "::1");
  EXPECT_EQ(peer_host("127.0.0.1"), "127.0.0.1");  // an HTTP client's
  EXPECT_EQ(peer_host("unix:/run/huifang.sock"), "unix:/run/huifang.sock");
}

}  // namespace
}  // namespace huifang::edge
