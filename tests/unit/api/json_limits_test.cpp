#include "node/api/json_limits.h"

#include <gtest/gtest.h>

#include <string>

namespace tracenet::api {
namespace {

std::string Nested(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JsonLimitsTest, NestingIsBoundedWithoutBuildingTheDocument) {
  EXPECT_TRUE(JsonDepthWithin(""));
  EXPECT_TRUE(JsonDepthWithin(R"({"a":[1,{"b":[2,3]}],"c":"[[[[not nesting"})"));
  EXPECT_TRUE(JsonDepthWithin(Nested(kMaxJsonDepth)));
  EXPECT_FALSE(JsonDepthWithin(Nested(kMaxJsonDepth + 1)));
  EXPECT_FALSE(JsonDepthWithin(Nested(4'000'000)));  // 8 MB of brackets: refused at depth 33
  EXPECT_TRUE(JsonDepthWithin("{not json"));          // the route's own parse answers that
}

}  // namespace
}  // namespace tracenet::api
