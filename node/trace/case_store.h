// Case records at rest: FlatBuffers CaseRecord sealed with the node's storage key (AEAD, the
// case id as associated data, so a record cannot be moved under another id unnoticed).
// Tables used: cases, case_order, message_case (see node/store/node_store.h).
// Thread-safety: stateless apart from the key; callers pass their transaction.
#pragma once

#include <functional>
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
  Status Update(store::Txn& txn, const CaseRecord& record);
  // nullptr when absent; Errc::kIo when the record does not open under the storage key.
  Result<std::unique_ptr<CaseRecord>> Find(store::Txn& txn, ByteView case_id) const;
  // Newest first. Stop by returning false.
  Status ListNewestFirst(store::Txn& txn,
                         const std::function<bool(const CaseRecord&)>& visit) const;

  Status LinkMessage(store::Txn& txn, ByteView message_id, ByteView case_id);
  std::optional<Bytes> CaseOfMessage(store::Txn& txn, ByteView message_id) const;

 private:
  Bytes Seal(const CaseRecord& record) const;
  store::NodeStore& m_store;
  const crypto::SymmetricKey& m_key;
};

}  // namespace tracenet::trace
