// The node's tamper-evident audit log (tables audit_log and audit_checkpoints). Events are
// collected during the node loop's batch and appended, chained and checkpointed (one signature
// over the batch's last entry) inside the batch's own transaction, so an event is in the log
// exactly when what it records is committed. Verify walks the chain and reports the first break.
// Thread-safety: Add/Flush/Discard on the node loop thread; Verify/Export in any read snapshot.
#pragma once

#include <map>
#include <vector>

#include "node/audit/audit_entry.h"
#include "node/crypto/identity.h"
#include "node/store/node_store.h"

namespace tracenet::audit {

struct VerifyReport {
  uint64_t entries = 0, checkpoints = 0;
  bool ok = true;
  uint64_t first_break = 0;  // seq of the first entry (or checkpoint) that does not verify
  std::string problem;
};

class AuditLog {
 public:
  AuditLog(store::NodeStore& store, const crypto::Identity& identity) : m_store(store), m_identity(identity) {}

  void Add(AuditEvent event) { m_pending.push_back(std::move(event)); }
  // Appends the batch's events and signs a checkpoint over the last; call inside the batch.
  Status Flush(store::Txn& txn);
  void Discard() { m_pending.clear(); }

  // Checks every entry's hash and link and every checkpoint's signature with `sign_public`.
  static Result<VerifyReport> Verify(store::Txn& txn, const store::NodeStore& store, const crypto::PublicKey32& sign_public);
  // Entries from..to (inclusive; 0 = the last) with the checkpoints among them.
  static Result<std::vector<AuditEntry>> Read(store::Txn& txn, const store::NodeStore& store, uint64_t from, uint64_t to);
  // Checkpoint signatures by entry seq, from..to (0 = the last).
  static Result<std::map<uint64_t, Bytes>> Checkpoints(store::Txn& txn, const store::NodeStore& store, uint64_t from,
                                                       uint64_t to);

 private:
  store::NodeStore& m_store;
  const crypto::Identity& m_identity;
  std::vector<AuditEvent> m_pending;
};

// Stored forms.
Bytes EncodeEntry(const AuditEntry& e);
std::optional<AuditEntry> DecodeEntry(ByteView bytes);

}  // namespace tracenet::audit
