// Review of incoming traces (ITI: a state may limit its answer, but must say why). The review
// policy says, per requesting state, whether the registry's answer goes out at once or is held
// as a draft; a responder then approves the draft, restricts or trims it, or refuses to answer,
// always with one of the ITI reasons when the answer is limited.
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "node/common/result.h"
#include "node/trace/findings_mapping.h"

namespace tracenet::trace {

struct ReviewPolicy {
  bool hold_by_default = false;
  std::map<std::string, bool> hold_for;  // requesting member -> hold its traces (overrides the default)
  bool Holds(const std::string& requester) const {
    auto it = hold_for.find(requester);
    return it != hold_for.end() ? it->second : hold_by_default;
  }
};

enum class ReviewAction { kApprove, kRestrict, kPartial, kRefuse };

struct ReviewDecision {
  ReviewAction action = ReviewAction::kApprove;
  wire::OutcomeReason reason = wire::OutcomeReason::Unspecified;
  std::string reason_detail;
  std::string comments;          // replaces the draft's comments when not empty
  std::string use_restrictions;  // what the requester must honour
  bool withhold_custody = false;  // restrict: send no chain of custody
  std::vector<size_t> keep_custody;  // partial: the links of the draft's chain to send (0-based)
};

std::optional<ReviewAction> ReviewActionFromName(const std::string& name);  // approve, restrict, partial, refuse
std::string_view ReviewActionName(ReviewAction action);

// The response a decision makes of the draft (none when the registry produced no draft).
// kInvalidArgument says what is missing: a draft to approve or trim, a reason that limits an
// answer under the ITI (ongoing investigation, confidentiality law, requester cannot guarantee
// confidentiality, or other with a detail), custody links that exist.
Result<wire::TraceResponseT> ApplyReview(const std::optional<wire::TraceResponseT>& draft, const ReviewDecision& decision);

}  // namespace tracenet::trace
