// The node's durable state: one LMDB environment, its tables, and typed access to the outbox
// and the replay ("seen") set. Higher layers (trace) keep their own records in the tables
// declared here, through the same environment and the same write transactions.
//
// Tables (key -> value; writer is always the node loop, the single writer):
//   meta          utf-8 name                -> bytes        schema version and counters
//   outbox        u64 BE sequence           -> OutboxEntry  envelopes not yet hop-acknowledged
//                                                           (MDB_APPEND: the sequence only grows)
//   outbox_by_id  16-byte message id        -> u64 BE seq   find an outbox entry from a hop ack
//   seen          16-byte message id        -> SeenEntry    accepted envelopes, until expiry;
//                                                           names the receipt to replay to a duplicate
//   receipts      u64 BE keep-until ms ++ receipt id -> Envelope   receipts sent, kept while any
//                                                           envelope they cover may still be retried
//   seen_expiry   u64 BE expiry ms ++ id    -> empty        prune order for `seen`
//   cases         16-byte case id           -> sealed case record (trace layer, storage key)
//   case_docs     case id ++ 1-byte kind    -> sealed payload: 1 request, 2 acknowledgement, 3 response
//   case_order    u64 BE sequence           -> case id      listing order (MDB_APPEND)
//   case_state    state ++ 0 ++ u64 BE seq  -> case id      cases by lifecycle state, in listing order
//   lookups       16-byte case id           -> empty        incoming traces awaiting a registry
//                                                           lookup; survives restarts
//   message_case  16-byte message id        -> case id      which case a sent message belongs to
//                                                           (acks and receipts find their case)
//   dead_letters  16-byte message id        -> DeadLetter   messages that expired undelivered or were
//                                                           refused for good; kept until resent
//   outbox_by_peer peer ++ 0 ++ u64 BE seq  -> empty        one next hop's outbox entries in order
//   quarantine, quarantine_by_id             frames refused while being applied (quarantine_store.h)
// Thread-safety: as Env.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "node/store/lmdb_env.h"

namespace tracenet::store {

inline constexpr uint32_t kSchemaVersion = 1;

struct OutboxEntry {
  uint64_t seq = 0;
  std::string peer;       // next hop member id
  Bytes message_id;       // 16 bytes
  uint64_t expires_at_ms = 0;
  uint32_t kind = 0;      // wire MessageKind, for metrics and logs
  Bytes envelope;         // exact Envelope bytes
};

struct DeadLetter {
  OutboxEntry entry;
  uint64_t dead_at_ms = 0;
  std::string reason;
};

struct SeenEntry {
  uint64_t expires_at_ms = 0;
  uint64_t accepted_at_ms = 0;
  Bytes receipt_key;  // key in `receipts` of the receipt that covered it (empty for receipts)
};

class NodeStore {
 public:
  static Result<std::unique_ptr<NodeStore>> Open(const std::string& dir);

  Env& env() { return *m_env; }
  const Table& table(std::string_view name) const { return m_env->table(name); }

  // Outbox. Add assigns entry.seq.
  Status AddToOutbox(Txn& txn, OutboxEntry& entry);
  // Returns false when no entry has that id (already removed: a duplicate ack).
  Result<bool> RemoveFromOutbox(Txn& txn, ByteView message_id);
  Result<std::optional<OutboxEntry>> GetOutboxEntry(Txn& txn, ByteView message_id) const;
  Status AddDeadLetter(Txn& txn, const DeadLetter& letter);
  Result<std::optional<DeadLetter>> GetDeadLetter(Txn& txn, ByteView message_id) const;
  Result<bool> RemoveDeadLetter(Txn& txn, ByteView message_id);
  Status ScanDeadLetters(Txn& txn, const std::function<bool(const DeadLetter&)>& visit) const;
  Status ScanOutbox(Txn& txn, const std::function<bool(const OutboxEntry&)>& visit) const;
  // Visits the entries queued for `peer` with a sequence above `after_seq`, in order, until
  // `visit` returns false.
  Status ScanPeerOutbox(Txn& txn, const std::string& peer, uint64_t after_seq,
                        const std::function<bool(const OutboxEntry&)>& visit) const;
  size_t OutboxDepth(Txn& txn) const { return txn.Count(table("outbox")); }

  // Replay set.
  std::optional<SeenEntry> FindSeen(Txn& txn, ByteView message_id) const;
  Status RememberSeen(Txn& txn, ByteView message_id, const SeenEntry& entry);
  // Forgets up to `max_entries` seen entries and receipts kept until before `before_ms`;
  // returns how many were removed.
  Result<size_t> PruneSeen(Txn& txn, uint64_t before_ms, size_t max_entries);

  // Keeps a sent receipt until `keep_until_ms`; returns its key for SeenEntry::receipt_key.
  Result<Bytes> KeepReceipt(Txn& txn, uint64_t keep_until_ms, ByteView receipt_id, ByteView envelope);
  std::optional<ByteView> FindReceipt(Txn& txn, ByteView key) const;

  // Next value of a named monotonic sequence kept in `meta` (used for case_order).
  Result<uint64_t> NextSequence(Txn& txn, std::string_view name);

 private:
  std::unique_ptr<Env> m_env;
  std::atomic<uint64_t> m_next_outbox_seq{1};
};

Bytes EncodeOutboxEntry(const OutboxEntry& e);
std::optional<OutboxEntry> DecodeOutboxEntry(ByteView key, ByteView value);

}  // namespace tracenet::store
