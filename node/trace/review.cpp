#include "node/trace/review.h"

#include <algorithm>
#include <set>

namespace tracenet::trace {
namespace {

constexpr ReviewAction kActions[] = {ReviewAction::kApprove, ReviewAction::kRestrict, ReviewAction::kPartial,
                                     ReviewAction::kRefuse};

// The reasons the ITI accepts for limiting or refusing an answer.
bool LimitsAnAnswer(wire::OutcomeReason reason) {
  switch (reason) {
    case wire::OutcomeReason::OngoingInvestigation:
    case wire::OutcomeReason::ConfidentialityLaw:
    case wire::OutcomeReason::RequesterCannotGuaranteeConfidentiality:
    case wire::OutcomeReason::Other:
      return true;
    default:
      return false;
  }
}

Status CheckLimitingReason(const ReviewDecision& d, std::string_view what) {
  if (!LimitsAnAnswer(d.reason))
    return MakeError(Errc::kInvalidArgument,
                     std::string("to ") + std::string(what) +
                         " an answer give its reason: ongoing_investigation, confidentiality_law, "
                         "requester_cannot_guarantee_confidentiality, or other with a detail");
  if (d.reason == wire::OutcomeReason::Other && d.reason_detail.empty())
    return MakeError(Errc::kInvalidArgument, "reason other needs a reason_detail saying what it is");
  return Status::Ok();
}

}  // namespace

std::optional<ReviewAction> ReviewActionFromName(const std::string& name) {
  for (ReviewAction a : kActions)
    if (ReviewActionName(a) == name) return a;
  return std::nullopt;
}

std::string_view ReviewActionName(ReviewAction action) {
  switch (action) {
    case ReviewAction::kApprove: return "approve";
    case ReviewAction::kRestrict: return "restrict";
    case ReviewAction::kPartial: return "partial";
    case ReviewAction::kRefuse: return "refuse";
  }
  return "";
}

Result<wire::TraceResponseT> ApplyReview(const std::optional<wire::TraceResponseT>& draft, const ReviewDecision& d) {
  if (!draft && d.action != ReviewAction::kRefuse)
    return MakeError(Errc::kInvalidArgument, "there is no draft answer from the registry to " +
                                                 std::string(ReviewActionName(d.action)) + "; refuse, with a reason");
  wire::TraceResponseT out;
  if (draft) {
    // A deep copy: the object API's custody links are unique pointers.
    flatbuffers::FlatBufferBuilder fbb;
    fbb.Finish(wire::TraceResponse::Pack(fbb, &*draft));
    flatbuffers::GetRoot<wire::TraceResponse>(fbb.GetBufferPointer())->UnPackTo(&out);
  }
  switch (d.action) {
    case ReviewAction::kApprove:
      break;
    case ReviewAction::kRestrict:
      if (Status s = CheckLimitingReason(d, "restrict"); !s) return s.error();
      out.outcome = wire::TraceOutcome::Restricted;
      if (d.withhold_custody) out.custody_chain.clear();
      break;
    case ReviewAction::kPartial: {
      if (d.keep_custody.empty()) return MakeError(Errc::kInvalidArgument, "a partial answer keeps some custody links: name them");
      std::set<size_t> keep(d.keep_custody.begin(), d.keep_custody.end());
      if (*keep.rbegin() >= out.custody_chain.size())
        return MakeError(Errc::kInvalidArgument, "the draft has " + std::to_string(out.custody_chain.size()) +
                                                     " custody links; there is no link " + std::to_string(*keep.rbegin()));
      std::vector<std::unique_ptr<wire::CustodyLinkT>> kept;
      for (size_t i = 0; i < out.custody_chain.size(); ++i)
        if (keep.count(i)) kept.push_back(std::move(out.custody_chain[i]));
      out.custody_chain = std::move(kept);
      out.outcome = wire::TraceOutcome::Partial;
      if (d.reason != wire::OutcomeReason::Unspecified)
        if (Status s = CheckLimitingReason(d, "limit"); !s) return s.error();
      break;
    }
    case ReviewAction::kRefuse:
      if (Status s = CheckLimitingReason(d, "refuse"); !s) return s.error();
      out.outcome = wire::TraceOutcome::Refused;
      out.custody_chain.clear();
      out.manufacturer.clear();
      out.model.clear();
      out.calibre.clear();
      out.point_of_diversion.clear();
      out.time_to_crime_days = -1;
      break;
  }
  if (d.action != ReviewAction::kApprove) {
    out.reason = d.reason == wire::OutcomeReason::Unspecified ? out.reason : d.reason;
    if (!d.reason_detail.empty()) out.reason_detail = d.reason_detail;
  }
  if (!d.comments.empty()) out.comments = d.comments;
  if (!d.use_restrictions.empty()) out.use_restrictions = d.use_restrictions;
  return out;
}

}  // namespace tracenet::trace
