#include "node/common/work_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

namespace tracenet {
namespace {

TEST(WorkPoolTest, RunsEveryIndexExactlyOnceAcrossRepeatedRounds) {
  WorkPool pool(3);
  for (size_t round = 0; round < 200; ++round) {
    size_t n = round % 17;
    std::vector<std::atomic<int>> hits(n);
    pool.ForEach(n, [&](size_t i) { hits[i]++; });
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << "round " << round << " index " << i;
  }
}

TEST(WorkPoolTest, WorksWithNoWorkerThreads) {
  WorkPool pool(0);
  int sum = 0;
  pool.ForEach(10, [&](size_t i) { sum += static_cast<int>(i); });
  EXPECT_EQ(sum, 45);
}

}  // namespace
}  // namespace tracenet
