// The trace lifecycle of DESIGN.md §5 as data: state names, their order, and which are final.
// A case only moves forward: an acknowledgement that arrives after the answer (retries reorder
// messages) is recorded in the timeline but does not move the state back.
// Thread-safety: pure functions.
#pragma once

#include <string_view>

namespace tracenet::trace {

namespace state {
// Requesting side.
inline constexpr std::string_view kSubmitted = "submitted";      // committed locally, in the outbox
inline constexpr std::string_view kSent = "sent";                // the next hop took custody
inline constexpr std::string_view kDelivered = "delivered";      // signed receipt from the recipient
inline constexpr std::string_view kAcknowledged = "acknowledged";  // ITI acknowledgement received
inline constexpr std::string_view kAnswered = "answered";        // a response arrived
inline constexpr std::string_view kUndeliverable = "undeliverable";
// Either side: the requester withdrew the trace (DOMAIN.md §4); final.
inline constexpr std::string_view kCancelled = "cancelled";
// Responding side.
inline constexpr std::string_view kReceived = "received";
inline constexpr std::string_view kAwaitingRegistry = "awaiting_registry";
inline constexpr std::string_view kAwaitingReview = "awaiting_review";
inline constexpr std::string_view kResponded = "responded";
inline constexpr std::string_view kClosed = "closed";
// Timeline events that do not move the state: the requested state asks the requester for more
// information, and the requester answers (DOMAIN.md §4, information requested ⇄ in progress).
inline constexpr std::string_view kClarificationRequested = "clarification_requested";
inline constexpr std::string_view kClarificationAnswered = "clarification_answered";
}  // namespace state

// The states in which a case still waits for something (not settled), on either side.
inline constexpr std::string_view kOpenStates[] = {state::kSubmitted,  state::kSent,     state::kDelivered,
                                                   state::kAcknowledged, state::kReceived, state::kAwaitingRegistry,
                                                   state::kAwaitingReview};

// Position in the lifecycle; unknown states rank 0.
int StateRank(std::string_view state);
// True when `next` may replace `current` (it is further along).
bool AdvancesTo(std::string_view current, std::string_view next);
// True for the steps a request takes once (sent, delivered): a repeat is a retry, not news.
bool HappensOnce(std::string_view state);
// True for states after which no response is awaited (not overdue).
bool IsSettled(std::string_view state);

}  // namespace tracenet::trace
