// The trace case lifecycle on both sides (DESIGN.md §5). The requesting side submits a trace
// and follows it through sent, delivered, acknowledged and answered; the responding side opens
// a case for each request it accepts, acknowledges it at once (ITI), asks its registry and
// answers. Every change happens inside the node loop's batch transaction, together with the
// acceptance of the message that caused it, so a retried request never opens a second case.
// Thread-safety: called from the node loop thread only (reads may use their own transactions).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "adapters/sdk/registry_adapter.h"
#include "node/audit/audit_log.h"
#include "node/common/clock.h"
#include "node/common/log_limiter.h"
#include "node/messaging/delivery_handler.h"
#include "node/store/evidence_store.h"
#include "node/trace/case_store.h"
#include "node/trace/findings_mapping.h"
#include "node/trace/review.h"

namespace tracenet::trace {

struct TraceOptions {
  std::string self_id;
  uint64_t routine_deadline_ms = uint64_t{7} * 24 * 3600 * 1000;
  uint64_t urgent_deadline_ms = uint64_t{24} * 3600 * 1000;
  bool registry_lookups = true;  // false (no registry adapter): every request waits for a responder
  ReviewPolicy review;           // which requesting states' answers are held as drafts for review
  std::string point_of_contact;
  // Whether a member is a hub in the directory in force: only a hub may tell this node that a
  // request it carried expired undelivered. Called on the node loop thread.
  std::function<bool(const std::string& member)> is_hub;
};

struct LookupJob {
  Bytes case_id;
  adapters::WeaponQuery query;
  uint32_t failures = 0;  // lookups of this case that failed so far (the retry backs off)
};

class TraceService final : public messaging::DeliveryHandler {
 public:
  TraceService(store::NodeStore& store, const crypto::SymmetricKey& storage_key, const Clock& clock,
               TraceOptions options);
  void SetOutgoing(messaging::Outgoing* outgoing) { m_outgoing = outgoing; }
  // Every case event also goes to the audit log.
  void SetAudit(audit::AuditLog* audit) { m_audit = audit; }

  // A request checked, encoded and sealed, ready to commit. Preparing writes nothing and may run
  // on any thread; only Submit needs the batch transaction.
  struct PreparedSubmit {
    std::string recipient;
    Bytes case_id;
    Bytes payload;
    protocol::Sealed sealed;
    uint64_t submitted_at_ms = 0;
    uint64_t due_at_ms = 0;
    std::string summary;  // for the timeline
    std::string submitted_by;  // an API user (empty: this node)
  };
  // Fails with Errc::kInvalidArgument naming the field when the request breaks a payload rule.
  Result<PreparedSubmit> PrepareSubmit(const std::string& recipient, wire::TraceRequestT request) const;
  // Opens the outgoing case and queues the request; returns the case id.
  Result<Bytes> Submit(store::Txn& txn, const PreparedSubmit& prepared);
  // Records the registry's answer for an incoming case and sends the response. A failed lookup
  // is recorded on the case and returns Ok; the caller retries it later.
  Status ApplyLookup(store::Txn& txn, const LookupJob& job, const Result<adapters::Findings>& findings);

  Status OnAccepted(store::Txn& txn, const protocol::Opened& message, messaging::Outgoing& out) override;
  Status OnHopAccepted(store::Txn& txn, ByteView message_id, const std::string& peer,
                       const std::string& custody) override;
  Status OnUndeliverable(store::Txn& txn, ByteView message_id, const std::string& peer,
                         const Error& reason) override;
  Status OnResent(store::Txn& txn, ByteView message_id, const std::string& peer) override;

  // A responder's decision on an incoming case awaiting review (trace_review.cpp): the answer
  // goes out at once. kConflict when the case is not awaiting review; kInvalidArgument
  // when the decision does not fit the draft (ApplyReview). `user` is recorded as who decided.
  Status Review(store::Txn& txn, ByteView case_id, const ReviewDecision& decision, const std::string& user);

  // A follow-up on an open case (trace_follow_up.cpp): the requester cancels it or answers the
  // requested state's question; the requested state asks one. kNotFound when this side may not
  // send it, kConflict when the case is settled or (an answer) no question is open.
  Status FollowUp(store::Txn& txn, ByteView case_id, wire::FollowUpKind kind, const std::string& text,
                  const std::string& user);
  // Lookups queued by the last committed batch; the caller hands them to the registry worker.
  std::vector<LookupJob> TakeNewLookups();
  void AbortBatch() {
    m_new_lookups.clear();
    m_pending_acks.clear();
    m_cases.Discard();
  }
  // Sends the ITI acknowledgements of the requests accepted in this batch: one message per
  // requesting state (a TraceAcknowledgementBatch when there are several). Call after the
  // batch's frames, before the messaging layer seals the batch's messages.
  Status SendAcknowledgements(store::Txn& txn);
  // Writes the cases this batch changed; call once, last, before the batch commits.
  Status FinishBatch(store::Txn& txn) { return m_cases.Flush(txn); }
  // After the batch committed.
  void CommitBatch() { m_cases.Committed(); }
  // Lookups still pending in the store (after a restart).
  Result<std::vector<LookupJob>> PendingLookups();

  CaseStore& cases() { return m_cases; }
  uint64_t DeadlineFor(wire::Priority priority) const;

 private:
  Status OnRequest(store::Txn& txn, const protocol::Opened& message);
  // `message_id` names the envelope when the acknowledgement came alone (empty in a batch).
  Status ApplyAcknowledgement(store::Txn& txn, const std::string& sender, const wire::TraceAcknowledgement& ack,
                              ByteView document, ByteView message_id);
  Status OnResponse(store::Txn& txn, const protocol::Opened& message);
  Status OnReceipt(store::Txn& txn, const protocol::Opened& message);
  Status OnError(store::Txn& txn, const protocol::Opened& message);
  Status OnFollowUp(store::Txn& txn, const protocol::Opened& message);
  Status ApplyReceiptEntry(store::Txn& txn, const std::string& sender, ByteView receipt_id, ByteView receipted, ByteView hash,
                           uint64_t received_at_ms);
  // Loads the case `case_id` that `sender` may speak about; null (and a log line) otherwise.
  // The case `case_id` when its peer is `sender` and, unless `direction` is Unspecified, it runs
  // in that direction at this node; null (logged, rate-limited) otherwise.
  Result<CaseRecord*> CaseFor(store::Txn& txn, ByteView case_id, const std::string& sender, std::string_view what,
                              local::CaseDirection direction = local::CaseDirection::Unspecified);
  // Adds a timeline event (and an audit event; `actor` defaults to this node).
  void Record(CaseRecord& record, std::string_view event, std::string detail, const std::string& actor = "");
  // Sends `response` to the requester of `r` and records it as answered (`how`).
  Status SendResponse(store::Txn& txn, CaseRecord& r, wire::TraceResponseT response, const std::string& how,
                      const std::string& actor);
  // Stores the case and notes that `message_id` belongs to it (receipts and errors find it so).
  Status SaveWithMessage(store::Txn& txn, const CaseRecord& record, ByteView message_id);

  store::NodeStore& m_store;
  CaseStore m_cases;
  store::EvidenceStore m_evidence{m_store};  // which messages belong to each case, for proofs
  const protocol::Opened* m_incoming = nullptr;  // the message OnAccepted is applying
  // Files `message_id` under the case, for proofs; keeps its bytes when it is the message being applied.
  Status Note(store::Txn& txn, ByteView case_id, ByteView message_id);
  const Clock& m_clock;
  TraceOptions m_options;
  messaging::Outgoing* m_outgoing = nullptr;
  audit::AuditLog* m_audit = nullptr;
  std::vector<LookupJob> m_new_lookups;
  std::map<std::string, std::vector<wire::TraceAcknowledgementT>> m_pending_acks;  // by requesting state
  LogLimiter m_log_limiter;  // peers can make us log unmatched messages
};

}  // namespace tracenet::trace
