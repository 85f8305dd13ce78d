#include "node/audit/audit_witness.h"

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
  std::optional<Witness> kept;
  if (auto v = txn.Get(table, AsBytes(member))) kept = DecodeWitness(member, *v);
  Witness next{member, checkpoint, now_ms, kept ? kept->conflicts : 0};
  if (kept && kept->checkpoint.seq == checkpoint.seq && kept->checkpoint.hash != checkpoint.hash) {
    next = *kept;  // keep the first history seen; a second one for the same entry is evidence
    ++next.conflicts;
  } else if (kept && kept->checkpoint.seq >= checkpoint.seq) {
    return Status::Ok();  // older news (receipts can arrive out of order)
  }
  return txn.Put(table, AsBytes(member), EncodeWitness(next));
}

Result<std::vector<Witness>> WitnessStore::List(store::Txn& txn) const {
  std::vector<Witness> out;
  Status s = txn.Scan(m_store.table("audit_witnesses"), {}, [&](ByteView k, ByteView v) {
    if (auto w = DecodeWitness(std::string(AsString(k)), v)) out.push_back(std::move(*w));
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
