// Follow-ups on an open trace (TraceFollowUp, DOMAIN.md §4): the requester cancels it; the
// requested state asks the requester a question and the requester answers. Each side records
// the step in the case timeline (and so the audit log) in the same transaction that queues or
// accepts the message, so what a node says it sent and what it received never disagree.
#include <spdlog/spdlog.h>

#include "node/protocol/payload_check.h"
#include "node/trace/lifecycle.h"
#include "node/trace/trace_service.h"

namespace tracenet::trace {

namespace {

using Kind = wire::FollowUpKind;

std::string ShortId(ByteView id) { return ToHex(id).substr(0, 12); }

// Which side may send a follow-up of this kind: the side whose case has this direction.
local::CaseDirection SenderSide(Kind kind) {
  return kind == Kind::ClarificationRequest ? local::CaseDirection::Incoming : local::CaseDirection::Outgoing;
}

std::string_view EventOf(Kind kind) {
  switch (kind) {
    case Kind::Cancel: return state::kCancelled;
    case Kind::ClarificationRequest: return state::kClarificationRequested;
    default: return state::kClarificationAnswered;
  }
}

// The open question on a case: the last clarification request not answered since.
bool HasOpenQuestion(const CaseRecord& r) {
  for (auto it = r.timeline.rbegin(); it != r.timeline.rend(); ++it) {
    if ((*it)->state == state::kClarificationAnswered) return false;
    if ((*it)->state == state::kClarificationRequested) return true;
  }
  return false;
}

}  // namespace

Status TraceService::FollowUp(store::Txn& txn, ByteView case_id, Kind kind, const std::string& text, const std::string& user) {
  if (text.size() > protocol::kMaxFollowUpText)
    return MakeError(Errc::kInvalidArgument, "the text is longer than " + std::to_string(protocol::kMaxFollowUpText) + " bytes");
  if (kind != Kind::Cancel && text.empty()) return MakeError(Errc::kInvalidArgument, "the question or answer is empty");
  auto record = m_cases.Edit(txn, case_id);
  if (!record) return record.error();
  const bool outgoing = SenderSide(kind) == local::CaseDirection::Outgoing;
  if (!*record || (*record)->direction != SenderSide(kind))
    return MakeError(Errc::kNotFound, std::string("no ") + (outgoing ? "outgoing" : "incoming") + " case " + ToHex(case_id) +
                                          (kind == Kind::ClarificationRequest ? " (questions are asked about traces received)"
                                                                              : " (only the requester cancels or answers questions)"));
  CaseRecord& r = **record;
  if (IsSettled(r.state))
    return MakeError(Errc::kConflict, "case " + ToHex(case_id) + " is " + r.state + "; nothing more can be sent about it");
  if (kind == Kind::ClarificationAnswer && !HasOpenQuestion(r))
    return MakeError(Errc::kConflict, "case " + ToHex(case_id) + " has no open question from " + r.peer);

  wire::TraceFollowUpT follow_up;
  follow_up.request_message_id = r.case_id;
  follow_up.kind = kind;
  follow_up.text = text;
  follow_up.sent_at_ms = m_clock.NowMs();
  auto sent = m_outgoing->Send(txn, r.peer, wire::MessageKind::TraceFollowUp, protocol::PackPayload<wire::TraceFollowUp>(follow_up));
  if (!sent) return sent.error();
  std::string detail;
  switch (kind) {
    case Kind::Cancel: detail = "cancelled by " + user + (text.empty() ? "" : ": " + text); break;
    case Kind::ClarificationRequest: detail = "asked " + r.peer + " by " + user + ": " + text; break;
    default: detail = "answered " + r.peer + "'s question by " + user + ": " + text; break;
  }
  if (kind == Kind::Cancel) {
    // Nothing else goes out on this case; a response that still arrives is kept in the timeline.
    r.state = std::string(state::kCancelled);
  }
  Record(r, EventOf(kind), std::move(detail), user);
  return SaveWithMessage(txn, r, *sent);
}

Status TraceService::OnFollowUp(store::Txn& txn, const protocol::Opened& message) {
  const auto* f = flatbuffers::GetRoot<wire::TraceFollowUp>(message.payload.data());  // checked by CheckPayload
  ByteView case_id(f->request_message_id()->data(), f->request_message_id()->size());
  auto record = CaseFor(txn, case_id, message.header.sender, "follow_up");
  if (!record) return record.error();
  if (!*record) return Status::Ok();
  CaseRecord& r = **record;
  // The sender's side of the case is the opposite of ours.
  if (r.direction == SenderSide(f->kind())) {
    m_log_limiter.Warn("follow_up_side:" + r.peer, "event=follow_up_ignored peer={} case={} reason=\"{} comes from the other side\"",
                       r.peer, ShortId(case_id), wire::EnumNameFollowUpKind(f->kind()));
    return Status::Ok();
  }
  std::string text = f->text() ? f->text()->str() : "";
  std::string detail;
  switch (f->kind()) {
    case Kind::Cancel:
      detail = r.peer + " cancelled the trace" + (text.empty() ? "" : ": " + text);
      if (IsSettled(r.state)) {
        detail += " (after it was answered)";
      } else {
        // No answer goes out any more: the registry lookup and any held draft are dropped.
        if (auto removed = txn.Delete(m_store.table("lookups"), r.case_id); !removed) return removed.error();
        r.state = std::string(state::kCancelled);
      }
      break;
    case Kind::ClarificationRequest: detail = r.peer + " asks: " + text; break;
    default: detail = r.peer + " answers: " + text; break;
  }
  spdlog::info("event=trace_follow_up case={} peer={} kind={}", ShortId(case_id), r.peer, wire::EnumNameFollowUpKind(f->kind()));
  Record(r, EventOf(f->kind()), std::move(detail), r.peer);
  return SaveWithMessage(txn, r, message.header.message_id);
}

}  // namespace tracenet::trace
