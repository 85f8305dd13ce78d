// A responder's decision on an incoming trace held for review (node/trace/review.h).
#include "node/trace/lifecycle.h"
#include "node/trace/trace_service.h"

namespace tracenet::trace {

using Document = CaseStore::Document;

Status TraceService::Review(store::Txn& txn, ByteView case_id, const ReviewDecision& decision, const std::string& user) {
  auto record = m_cases.Edit(txn, case_id);
  if (!record) return record.error();
  if (!*record || (*record)->direction != local::CaseDirection::Incoming)
    return MakeError(Errc::kNotFound, "no incoming case " + ToHex(case_id));
  CaseRecord& r = **record;
  if (r.state != state::kAwaitingReview)
    return MakeError(Errc::kConflict, "case " + ToHex(case_id) + " is not awaiting review (it is " + r.state + ")");
  auto stored = m_cases.GetDocument(txn, case_id, Document::kDraft);
  if (!stored) return stored.error();
  std::optional<wire::TraceResponseT> draft;
  if (*stored) {
    flatbuffers::Verifier verifier((*stored)->data(), (*stored)->size());
    if (!verifier.VerifyBuffer<wire::TraceResponse>(nullptr))
      return MakeError(Errc::kIo, "the stored draft of case " + ToHex(case_id) + " is unreadable");
    draft.emplace();
    flatbuffers::GetRoot<wire::TraceResponse>((*stored)->data())->UnPackTo(&*draft);
  }
  auto response = ApplyReview(draft, decision);
  if (!response) return response.error();
  response->request_message_id = r.case_id;
  response->request_id = r.request_id;
  std::string how = std::string(ReviewActionName(decision.action)) + (decision.action == ReviewAction::kApprove ? "d" : "ed");
  if (decision.action == ReviewAction::kPartial) how = "answered in part";
  how += " by " + user + ": " + std::string(OutcomeName(response->outcome));
  if (response->reason != wire::OutcomeReason::Unspecified && response->reason != wire::OutcomeReason::None)
    how += std::string(", reason ") + wire::EnumNameOutcomeReason(response->reason);
  if (!response->custody_chain.empty()) how += ", " + std::to_string(response->custody_chain.size()) + " custody records";
  return SendResponse(txn, r, std::move(*response), how, user);
}

}  // namespace tracenet::trace
