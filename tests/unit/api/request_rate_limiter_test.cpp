// Requests per second per user: a burst of one second's worth, then the rate, each user apart,
// and the wait the refusal names is enough.
#include "node/api/request_rate_limiter.h"

#include <gtest/gtest.h>

namespace tracenet::api {
namespace {

using namespace std::chrono_literals;

TEST(RequestRateLimiterTest, ABurstThenTheRateEachUserApart) {
  RequestRateLimiter limiter(10);
  auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  double wait = 0;
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.Allow("alice", t0, wait)) << i;
  EXPECT_FALSE(limiter.Allow("alice", t0, wait));
  EXPECT_NEAR(wait, 0.1, 1e-9);
  EXPECT_TRUE(limiter.Allow("bob", t0, wait));  // another user's bucket is full
  EXPECT_FALSE(limiter.Allow("alice", t0 + 50ms, wait));
  EXPECT_TRUE(limiter.Allow("alice", t0 + 100ms, wait));  // one token back after 1/rate
  EXPECT_FALSE(limiter.Allow("alice", t0 + 100ms, wait));
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.Allow("alice", t0 + 10s, wait)) << i;  // refilled, not beyond a burst
  EXPECT_FALSE(limiter.Allow("alice", t0 + 10s, wait));
}

}  // namespace
}  // namespace tracenet::api
