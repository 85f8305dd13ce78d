// What a national centre keeps so that a case can later be proven to a third party (`tracenet
// prove`, schema/README.md §7.2): the exact bytes of every trace message it sent or accepted —
// envelopes, never re-serialised — and the custody receipts hubs signed for the ones it sent.
// Kept as long as the cases are (never expired): a proof is asked for long after the exchange.
//
// Tables (key -> value; the node loop writes both):
//   evidence          16-byte message id -> envelope bytes as sent or received
//   evidence_custody  16-byte message id -> 'b' ++ BLAKE2b-256 of the receipt's signature;
//                     'b' ++ that hash -> the hub's whole custody receipt, once per receipt
//   case_messages     16-byte case id ++ 16-byte message id -> (empty)  every message of a case,
//                     an acknowledgement batch or a receipt under each case it names
// Thread-safety: as NodeStore (reads on any thread, writes from the node loop only).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "node/crypto/secret.h"
#include "node/store/node_store.h"

namespace tracenet::store {

// One custody receipt: a hub's signature over every (message id, envelope hash) of a batch.
struct CustodyRecord {
  std::string hub;
  std::vector<Bytes> message_ids;
  std::vector<crypto::Hash32> envelope_hashes;
  Bytes signature;
};

class EvidenceStore {
 public:
  explicit EvidenceStore(NodeStore& store) : m_store(store) {}

  // Without `replace` the first copy is kept (a resend is byte-identical, §1). With it (a dead
  // letter this node sealed again) the new bytes replace the old, and the old custody receipt goes.
  Status KeepEnvelope(Txn& txn, ByteView message_id, ByteView envelope, bool replace);
  std::optional<Bytes> Envelope(Txn& txn, ByteView message_id) const;

  Status KeepCustody(Txn& txn, ByteView message_id, const CustodyRecord& custody);
  std::optional<CustodyRecord> Custody(Txn& txn, ByteView message_id) const;

  Status NoteCaseMessage(Txn& txn, ByteView case_id, ByteView message_id);
  std::vector<Bytes> CaseMessages(Txn& txn, ByteView case_id) const;

 private:
  NodeStore& m_store;
};

}  // namespace tracenet::store
