#include "node/common/log_limiter.h"

#include <gtest/gtest.h>

#include <thread>

namespace tracenet {
namespace {

TEST(LogLimiterTest, WritesAtMostTheLimitPerWindowAndReportsWhatItDropped) {
  LogLimiter limiter(3, std::chrono::milliseconds(50));
  uint64_t suppressed = 99;
  int allowed = 0;
  for (int i = 0; i < 10; ++i)
    if (limiter.Allow("peer-A", suppressed)) ++allowed;
  EXPECT_EQ(allowed, 3);
  EXPECT_TRUE(limiter.Allow("peer-B", suppressed));  // keys are limited separately
  EXPECT_EQ(suppressed, 0u);
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  ASSERT_TRUE(limiter.Allow("peer-A", suppressed));
  EXPECT_EQ(suppressed, 7u);
}

}  // namespace
}  // namespace tracenet
