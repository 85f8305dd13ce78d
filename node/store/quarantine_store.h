// Frames the node refused because applying them failed in a way the checks before did not
// foresee (an exception, a decode surprise): kept for the operator (`tracenet quarantine`),
// with the reason, so a hostile or broken message is refused once, never retried forever, and
// never stops the loop. Bounded: the oldest entries go when kMaxEntries is reached.
//
// Tables (key -> value; the node loop writes both):
//   quarantine        u64 BE sequence  -> QuarantineEntry (record_codec layout)
//   quarantine_by_id  16-byte message id ++ sender -> u64 BE sequence   a retried copy (same
//                     sender, same id) is refused at once; another sender's message with that id is not
// Thread-safety: as NodeStore (reads on any thread, writes from the node loop only).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "node/store/node_store.h"

namespace tracenet::store {

struct QuarantineEntry {
  uint64_t seq = 0;
  uint64_t at_ms = 0;
  std::string link_peer;   // the member whose link it came on
  std::string sender;      // as the envelope claims (verified when the envelope was opened)
  uint32_t kind = 0;       // wire MessageKind, 0 when unknown
  Bytes message_id;        // 16 bytes, or empty
  std::string reason;
  Bytes envelope;          // the bytes as received, when at most kMaxKeptBytes
};

class QuarantineStore {
 public:
  static constexpr size_t kMaxEntries = 4'000;
  static constexpr size_t kMaxKeptBytes = 64 * 1024;

  explicit QuarantineStore(NodeStore& store) : m_store(store) {}

  // Adds `entry` (assigning its seq), dropping the oldest entries beyond kMaxEntries.
  Status Add(Txn& txn, QuarantineEntry& entry);
  // The reason `sender`'s message `message_id` was quarantined for, if it was.
  std::optional<std::string> ReasonFor(Txn& txn, const std::string& sender, ByteView message_id) const;
  // Newest first, at most `limit`.
  Result<std::vector<QuarantineEntry>> List(Txn& txn, size_t limit) const;
  Result<std::optional<QuarantineEntry>> Get(Txn& txn, uint64_t seq) const;

 private:
  NodeStore& m_store;
};

}  // namespace tracenet::store
