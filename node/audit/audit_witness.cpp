#include "node/audit/audit_witness.h"

#include <algorithm>

#include "node/audit/audit_log.h"

namespace tracenet::audit {

namespace {

bool SignedBy(const SignedCheckpoint& c, const crypto::PublicKey32& key) {
  return c.signature.size() == 64 &&
         crypto::Verify(ByteView(key.data(), key.size()), CheckpointBytes(c.seq, c.hash), c.signature);
}

Bytes EncodeWitness(const Witness& w) {
  return store::RecordWriter()
      .U8(1).U64(w.checkpoint.seq).Blob(ByteView(w.checkpoint.hash.data(), w.checkpoint.hash.size()))
      .Blob(ByteView(w.checkpoint.signature.data(), w.checkpoint.signature.size()))
      .U64(w.received_at_ms).U64(w.conflicts).Take();
}

std::optional<Witness> DecodeWitness(std::string member, ByteView bytes) {
  store::RecordReader in(bytes);
  Witness w;
  w.member = std::move(member);
  uint8_t version = in.U8();
  w.checkpoint.seq = in.U64();
  Bytes hash = in.Blob();
  w.checkpoint.signature = in.Blob();
  w.received_at_ms = in.U64();
  w.conflicts = in.U64();
  if (!in.ok() || version != 1 || hash.size() != 32) return std::nullopt;
  std::copy(hash.begin(), hash.end(), w.checkpoint.hash.begin());
  return w;
}

// Keyed by member, a zero byte, and the day (so one member's witnesses sort together, oldest first).
Bytes MemberPrefix(const std::string& member) {
  Bytes key(member.begin(), member.end());
  key.push_back(0);
  return key;
}

Bytes WitnessKey(const std::string& member, uint64_t day) {
  Bytes key = MemberPrefix(member);
  Bytes d = store::U64Key(day);
  key.insert(key.end(), d.begin(), d.end());
  return key;
}

bool HasPrefix(ByteView key, const Bytes& prefix) {
  return key.size() == prefix.size() + 8 && std::equal(prefix.begin(), prefix.end(), key.begin());
}

}  // namespace

Result<std::optional<SignedCheckpoint>> LatestCheckpoint(store::Txn& txn, const store::NodeStore& store) {
  auto key = txn.LastKey(store.table("audit_checkpoints"));
  if (!key) return std::optional<SignedCheckpoint>{};
  auto signature = txn.Get(store.table("audit_checkpoints"), *key);
  auto entry_bytes = txn.Get(store.table("audit_log"), *key);
  if (!signature || !entry_bytes) return MakeError(Errc::kIo, "audit checkpoint without its entry");
  auto entry = DecodeEntry(*entry_bytes);
  if (!entry) return MakeError(Errc::kIo, "audit entry does not decode");
  SignedCheckpoint c;
  c.seq = entry->seq;
  c.hash = entry->hash;
  c.signature.assign(signature->begin(), signature->end());
  return std::optional<SignedCheckpoint>(std::move(c));
}

Status WitnessStore::Observe(store::Txn& txn, const std::string& member, const crypto::PublicKey32& sign_public,
                             const SignedCheckpoint& checkpoint, uint64_t now_ms) {
  if (!SignedBy(checkpoint, sign_public))
    return MakeError(Errc::kBadSignature, "audit checkpoint " + std::to_string(checkpoint.seq) + " from " + member +
                                              " is not signed by its key");
  const store::Table& table = m_store.table("audit_witnesses");
  const uint64_t today = now_ms / kDayMs;
  std::optional<Witness> todays;
  uint64_t conflicts = 0;
  std::vector<Bytes> expired;
  Status scan = txn.Scan(table, MemberPrefix(member), [&](ByteView k, ByteView v) {
    if (!HasPrefix(k, MemberPrefix(member))) return false;
    auto w = DecodeWitness(member, v);
    if (!w) return true;
    uint64_t day = store::U64FromKey(k.subspan(k.size() - 8));
    if (day + kKeepDays < today) expired.emplace_back(k.begin(), k.end());
    if (w->checkpoint.seq == checkpoint.seq && w->checkpoint.hash != checkpoint.hash) ++conflicts;
    if (day == today) todays = std::move(*w);
    return true;
  });
  if (!scan) return scan;
  for (const Bytes& k : expired)
    if (auto removed = txn.Delete(table, k); !removed) return removed.error();
  Witness next{member, checkpoint, now_ms, conflicts};
  if (todays) {
    next.conflicts += todays->conflicts;
    if (todays->checkpoint.seq >= checkpoint.seq) {  // older news, or the same: keep the day's
      if (conflicts == 0) return Status::Ok();
      Witness kept = *todays;
      kept.conflicts = next.conflicts;
      next = kept;
    }
  }
  return txn.Put(table, WitnessKey(member, today), EncodeWitness(next));
}

Result<std::vector<Witness>> WitnessStore::List(store::Txn& txn) const {
  std::vector<Witness> out;
  Status s = txn.Scan(m_store.table("audit_witnesses"), {}, [&](ByteView k, ByteView v) {
    if (k.size() <= 9) return true;
    std::string member(AsString(k.subspan(0, k.size() - 9)));
    if (auto w = DecodeWitness(std::move(member), v)) out.push_back(std::move(*w));
    return true;
  });
  if (!s) return s.error();
  return out;
}

WitnessCheck CompareWithWitness(store::Txn& txn, const store::NodeStore& store, const SignedCheckpoint& witness,
                                const std::vector<crypto::PublicKey32>& sign_keys) {
  bool signed_here = false;
  for (const crypto::PublicKey32& key : sign_keys) signed_here = signed_here || SignedBy(witness, key);
  if (!signed_here)
    return {false, "the witness for entry " + std::to_string(witness.seq) +
                       " is not signed by this node's key: it proves nothing about this log"};
  auto last = txn.LastKey(store.table("audit_log"));
  uint64_t entries = last ? store::U64FromKey(*last) : 0;
  if (witness.seq > entries)
    return {false, "TRUNCATED: a peer holds this node's signed checkpoint for entry " + std::to_string(witness.seq) +
                       ", but the log ends at entry " + std::to_string(entries)};
  auto bytes = txn.Get(store.table("audit_log"), store::U64Key(witness.seq));
  auto entry = bytes ? DecodeEntry(*bytes) : std::nullopt;
  if (!entry || entry->hash != witness.hash)
    return {false, "REWRITTEN: entry " + std::to_string(witness.seq) +
                       " differs from the one this node signed and a peer witnessed"};
  return {true, "entry " + std::to_string(witness.seq) + " matches the witnessed checkpoint"};
}

}  // namespace tracenet::audit
