// Per-caller rate limits: a burst, then RESOURCE_EXHAUSTED with when to retry; tokens come back
// with time; callers do not share a bucket.
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
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(auth->verify("t")) << i;  // the burst
  auto over = auth->verify("t");
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().kind(), core::condition::resource_exhausted);
  EXPECT_EQ(over.error().retry_after, 500ms);  // 2 per second: the next token in half a second
  now_ += 499ms;
  EXPECT_FALSE(auth->verify("t"));
  now_ += 1ms;
  EXPECT_TRUE(auth->verify("t"));
  now_ += 1h;  // idle: full again, never more than the burst
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(auth->verify("t"));
  EXPECT_FALSE(auth->verify("t"));
}

TEST_F(RateLimitTest, CallersDoNotShareABucket) {
  // Two callers behind one limiter: the inner authenticator answers by token.
  struct ByToken final : Authenticator {
    core::Result<Caller> authenticate(const grpc::ServerContext&) const override { return Caller{}; }
    core::Result<Caller> verify(std::string_view t) const override { return Caller{std::string(t), Role::agent, "anju", {}}; }
  };
  auto auth = rate_limited(std::make_shared<ByToken>(), {1, 1}, [this] { return now_; });
  EXPECT_TRUE(auth->verify("agent-1"));
  EXPECT_FALSE(auth->verify("agent-1"));
  EXPECT_TRUE(auth->verify("agent-2"));
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

}  // namespace
}  // namespace huifang::edge
