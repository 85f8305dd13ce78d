// Audit witnesses: each node puts its latest signed audit checkpoint in the delivery receipts it
// sends, and each recipient keeps the newest one it has seen from every member. A checkpoint is
// the member's own signature over (entry number, chain hash), so a witness proves to anyone with
// the member's public key that its log once reached that entry with that content. If the member's
// log is later cut back (its last entries and checkpoints deleted) or rewritten, its own
// verification still passes, but comparing it with a peer's witness does not (CompareWithWitness).
// Peers keep the newest checkpoint of each day for 90 days, not only the newest of all: a log cut
// back and grown again past its old length would otherwise replace the one witness that shows it.
// Thread-safety: WitnessStore is called inside the caller's transaction; the rest is pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "node/audit/audit_entry.h"
#include "node/store/node_store.h"

namespace tracenet::audit {

struct SignedCheckpoint {
  uint64_t seq = 0;
  crypto::Hash32 hash{};
  Bytes signature;  // Ed25519 over CheckpointBytes(seq, hash)
};

struct Witness {
  std::string member;          // whose log the checkpoint is from
  SignedCheckpoint checkpoint;
  uint64_t received_at_ms = 0;
  uint64_t conflicts = 0;      // checkpoints seen for an entry already witnessed with another hash
};

// The newest checkpoint in this node's own log (none before the first entry).
Result<std::optional<SignedCheckpoint>> LatestCheckpoint(store::Txn& txn, const store::NodeStore& store);

class WitnessStore {
 public:
  explicit WitnessStore(store::NodeStore& store) : m_store(store) {}
  // Keeps `checkpoint` from `member` as the day's witness if its signature verifies with
  // `sign_public` and it is newer than the day's so far; forgets the member's witnesses older
  // than 90 days. A signature that does not verify is refused (kBadSignature); an entry number
  // already witnessed with another hash counts as a conflict (a member showing two histories).
  Status Observe(store::Txn& txn, const std::string& member, const crypto::PublicKey32& sign_public,
                 const SignedCheckpoint& checkpoint, uint64_t now_ms);
  // Every witness kept, by member, oldest day first.
  Result<std::vector<Witness>> List(store::Txn& txn) const;
  static constexpr uint64_t kDayMs = 86'400'000;
  static constexpr uint64_t kKeepDays = 90;

 private:
  store::NodeStore& m_store;
};

// How this node's log stands against a witness a peer kept for it.
struct WitnessCheck {
  bool consistent = false;
  std::string verdict;  // for people: what matched, or what is missing or different
};
// `witness` must be for this node; its signature is checked with `sign_keys` (current and previous
// signing keys), so a peer cannot make up a history the node never signed.
WitnessCheck CompareWithWitness(store::Txn& txn, const store::NodeStore& store, const SignedCheckpoint& witness,
                                const std::vector<crypto::PublicKey32>& sign_keys);

}  // namespace tracenet::audit
