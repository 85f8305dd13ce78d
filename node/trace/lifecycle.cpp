#include "node/trace/lifecycle.h"

#include <array>
#include <utility>

namespace tracenet::trace {

namespace {
constexpr std::array<std::pair<std::string_view, int>, 12> kRanks{{
    {state::kSubmitted, 1},
    {state::kSent, 2},
    {state::kDelivered, 3},
    {state::kAcknowledged, 4},
    {state::kAnswered, 7},  // above undeliverable: a real answer replaces a non-delivery notice
    {state::kUndeliverable, 6},
    {state::kReceived, 1},
    {state::kAwaitingRegistry, 4},
    {state::kAwaitingReview, 5},
    {state::kResponded, 6},
    {state::kClosed, 9},
    {state::kCancelled, 9},
}};
}  // namespace

int StateRank(std::string_view s) {
  for (const auto& [name, rank] : kRanks)
    if (name == s) return rank;
  return 0;
}

bool AdvancesTo(std::string_view current, std::string_view next) {
  return StateRank(next) > StateRank(current);
}

bool HappensOnce(std::string_view s) {
  return s == state::kSent || s == state::kDelivered;
}

bool IsSettled(std::string_view s) {
  return s == state::kAnswered || s == state::kUndeliverable || s == state::kResponded ||
         s == state::kClosed || s == state::kCancelled;
}

}  // namespace tracenet::trace
