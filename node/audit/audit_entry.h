// One audit event and how it is chained: each entry's hash covers its fields and the previous
// entry's hash, so changing, removing or reordering any entry breaks every hash after it; a
// checkpoint is the node's Ed25519 signature over an entry's sequence number and hash, so the
// chain up to it cannot be rewritten without the node's key. Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "node/common/bytes.h"
#include "node/crypto/primitives.h"
#include "node/store/record_codec.h"

namespace tracenet::audit {

struct AuditEvent {
  uint64_t at_ms = 0;
  std::string actor;    // who: "node", a peer's member id, or an API user
  std::string event;    // what: submitted, sent, delivered, received, answered, expired, ...
  std::string subject;  // what it concerns: a case id, a message id, a record reference
  std::string detail;
};

struct AuditEntry {
  uint64_t seq = 0;  // from 1, no gaps
  AuditEvent event;
  crypto::Hash32 prev_hash{};  // all zero for the first entry
  crypto::Hash32 hash{};
};

// The bytes an entry's hash covers.
inline Bytes CanonicalEntryBytes(uint64_t seq, const AuditEvent& e, const crypto::Hash32& prev) {
  return store::RecordWriter()
      .Str("tracenet-audit-entry-v1").U64(seq).U64(e.at_ms).Str(e.actor).Str(e.event).Str(e.subject).Str(e.detail)
      .Blob(ByteView(prev.data(), prev.size())).Take();
}

inline crypto::Hash32 EntryHash(uint64_t seq, const AuditEvent& e, const crypto::Hash32& prev) {
  return crypto::Hash256(CanonicalEntryBytes(seq, e, prev));
}

// What a checkpoint signature covers.
inline Bytes CheckpointBytes(uint64_t seq, const crypto::Hash32& hash) {
  return store::RecordWriter().Str("tracenet-audit-checkpoint-v1").U64(seq).Blob(ByteView(hash.data(), hash.size())).Take();
}

}  // namespace tracenet::audit
