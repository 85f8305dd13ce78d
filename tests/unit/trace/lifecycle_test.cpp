#include "node/trace/lifecycle.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace tracenet::trace {
namespace {

TEST(LifecycleTest, StatesOnlyMoveForward) {
  EXPECT_TRUE(AdvancesTo(state::kSubmitted, state::kSent));
  EXPECT_TRUE(AdvancesTo(state::kSent, state::kDelivered));
  EXPECT_TRUE(AdvancesTo(state::kDelivered, state::kAcknowledged));
  EXPECT_TRUE(AdvancesTo(state::kAcknowledged, state::kAnswered));
  // A late hop ack or acknowledgement does not move an answered case back.
  EXPECT_FALSE(AdvancesTo(state::kAnswered, state::kSent));
  EXPECT_FALSE(AdvancesTo(state::kAnswered, state::kAcknowledged));
  EXPECT_FALSE(AdvancesTo(state::kDelivered, "some_event"));
}

TEST(LifecycleTest, OnlyAnsweredOrFailedCasesAreSettled) {
  EXPECT_FALSE(IsSettled(state::kAcknowledged));
  EXPECT_FALSE(IsSettled(state::kAwaitingReview));
  EXPECT_TRUE(IsSettled(state::kAnswered));
  EXPECT_TRUE(IsSettled(state::kResponded));
  EXPECT_TRUE(IsSettled(state::kUndeliverable));
  EXPECT_TRUE(IsSettled(state::kCancelled));
}

TEST(LifecycleTest, EveryStateIsEitherOpenOrSettled) {
  for (std::string_view s : {state::kSubmitted, state::kSent, state::kDelivered, state::kAcknowledged, state::kAnswered,
                             state::kUndeliverable, state::kReceived, state::kAwaitingRegistry, state::kAwaitingReview,
                             state::kResponded, state::kClosed, state::kCancelled}) {
    bool open = std::find(std::begin(kOpenStates), std::end(kOpenStates), s) != std::end(kOpenStates);
    EXPECT_NE(open, IsSettled(s)) << s;
  }
}

TEST(LifecycleTest, CancellingEndsACaseAndQuestionsDoNotMoveIt) {
  EXPECT_TRUE(AdvancesTo(state::kAwaitingReview, state::kCancelled));
  EXPECT_TRUE(AdvancesTo(state::kAcknowledged, state::kCancelled));
  EXPECT_FALSE(AdvancesTo(state::kCancelled, state::kAnswered));  // an answer that crossed the cancellation
  EXPECT_FALSE(AdvancesTo(state::kAcknowledged, state::kClarificationRequested));
  EXPECT_FALSE(AdvancesTo(state::kAwaitingReview, state::kClarificationAnswered));
}

}  // namespace
}  // namespace tracenet::trace
