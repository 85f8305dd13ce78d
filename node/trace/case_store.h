// Case records at rest: FlatBuffers CaseRecord sealed with the node's storage key (AEAD, the
// case id as associated data, so a record cannot be moved under another id unnoticed).
// Tables used: cases, case_order, case_state, case_docs, message_case (node/store/node_store.h).
// case_state indexes cases by their lifecycle state (kept at Flush), so a responder's inbox or a
// list of one state reads those cases only, not every case the node ever had.
// Within one write batch, changed records are kept decoded and written once at Flush: a request's
// hop ack, receipt and acknowledgement often land in the same batch, and each rewrite would
// otherwise unseal, decode, encode and reseal the record again.
// Thread-safety: an instance belongs to one thread (the node loop has one; readers make their own).
#pragma once

#include <functional>
#include <map>
#include <memory>

#include "node/crypto/secret.h"
#include "node/store/node_store.h"
#include "tracenet/trace/case_record_generated.h"

namespace tracenet::trace {

namespace local = ::tracenet::local::v1;
using CaseRecord = local::CaseRecordT;

class CaseStore {
 public:
  CaseStore(store::NodeStore& store, const crypto::SymmetricKey& storage_key)
      : m_store(store), m_key(storage_key) {}

  // Adds a new case at the end of the listing order.
  Status Create(store::Txn& txn, CaseRecord& record);
  // The batch's own copy of a case, to change in place (null when there is no such case). Every
  // case opened this way, or created, is written at Flush.
  Result<CaseRecord*> Edit(store::Txn& txn, ByteView case_id);
  bool Exists(store::Txn& txn, ByteView case_id) const;
  // Takes a record into the batch (no-op for a record obtained from Edit).
  Status Update(store::Txn& txn, const CaseRecord& record);
  // Writes every record changed in this batch; call once before the batch commits.
  Status Flush(store::Txn& txn);
  // Forgets changes of a batch that will not commit.
  void Discard() {
    m_dirty.clear();
    m_state_at_start.clear();
    m_created_open.clear();
    m_flushed_open_delta.clear();
  }
  // After the batch committed: its changes count in OpenIncomingFrom.
  void Committed();

  // Incoming traces from `peer` not answered, refused or cancelled yet, counting those this
  // batch opened (what a requesting state has waiting here: the ingress quota's measure).
  uint64_t OpenIncomingFrom(const std::string& peer) const;
  // Counts them from the state index; once, at start.
  Status CountOpenIncoming(store::Txn& txn);
  // nullptr when absent; Errc::kIo when the record does not open under the storage key.
  Result<std::unique_ptr<CaseRecord>> Find(store::Txn& txn, ByteView case_id) const;
  // Newest first. Stop by returning false.
  Status ListNewestFirst(store::Txn& txn,
                         const std::function<bool(const CaseRecord&)>& visit) const;
  // The cases now in `state`, newest first (committed state: call outside a batch's changes).
  Status ListInState(store::Txn& txn, std::string_view state,
                     const std::function<bool(const CaseRecord&)>& visit) const;
  // How many cases are in each state, from the index alone (no record is opened).
  Result<std::map<std::string, uint64_t>> CountByState(store::Txn& txn) const;
  // Open cases (lifecycle.h kOpenStates) whose deadline is before `now_ms`; reads open cases only.
  Result<uint64_t> CountOverdue(store::Txn& txn, uint64_t now_ms) const;
  // Fills case_state from the cases when it is empty (a store written before the index existed).
  Status IndexStatesIfMissing(store::Txn& txn);

  // kDraft: the registry's answer held for review (review policy), before a responder decides.
  enum class Document : uint8_t { kRequest = 1, kAcknowledgement = 2, kResponse = 3, kDraft = 4 };
  // The messages of a case, sealed like the record and written once each.
  Status PutDocument(store::Txn& txn, ByteView case_id, Document kind, ByteView payload);
  // nullopt when the case has no such document yet.
  Result<std::optional<Bytes>> GetDocument(store::Txn& txn, ByteView case_id, Document kind) const;

  Status LinkMessage(store::Txn& txn, ByteView message_id, ByteView case_id);
  std::optional<Bytes> CaseOfMessage(store::Txn& txn, ByteView message_id) const;

 private:
  Bytes Seal(const CaseRecord& record) const;
  store::NodeStore& m_store;
  const crypto::SymmetricKey& m_key;
  Status IndexState(store::Txn& txn, const CaseRecord& record, const std::string& previous_state);
  std::map<Bytes, std::unique_ptr<CaseRecord>> m_dirty;
  std::map<Bytes, std::string> m_state_at_start;  // each dirty case's stored state ("" when new)
  std::map<std::string, uint64_t> m_open_incoming;          // committed, per requesting peer
  std::map<std::string, uint64_t> m_created_open;           // opened by the batch in progress
  std::map<std::string, int64_t> m_flushed_open_delta;      // the batch's change, from Flush
};

}  // namespace tracenet::trace
