#include "node/audit/audit_log.h"

namespace tracenet::audit {

Bytes EncodeEntry(const AuditEntry& e) {
  return store::RecordWriter()
      .U8(1).U64(e.seq).U64(e.event.at_ms).Str(e.event.actor).Str(e.event.event).Str(e.event.subject).Str(e.event.detail)
      .Blob(ByteView(e.prev_hash.data(), e.prev_hash.size())).Blob(ByteView(e.hash.data(), e.hash.size())).Take();
}

std::optional<AuditEntry> DecodeEntry(ByteView bytes) {
  store::RecordReader in(bytes);
  AuditEntry e;
  uint8_t version = in.U8();
  e.seq = in.U64();
  e.event.at_ms = in.U64();
  e.event.actor = in.Str();
  e.event.event = in.Str();
  e.event.subject = in.Str();
  e.event.detail = in.Str();
  Bytes prev = in.Blob(), hash = in.Blob();
  if (!in.ok() || version != 1 || prev.size() != 32 || hash.size() != 32) return std::nullopt;
  std::copy(prev.begin(), prev.end(), e.prev_hash.begin());
  std::copy(hash.begin(), hash.end(), e.hash.begin());
  return e;
}

Status AuditLog::Flush(store::Txn& txn) {
  if (m_pending.empty()) return Status::Ok();
  AuditEntry last;
  if (auto key = txn.LastKey(m_store.table("audit_log")))
    if (auto v = txn.Get(m_store.table("audit_log"), *key))
      if (auto decoded = DecodeEntry(*v)) last = *decoded;
  for (AuditEvent& event : m_pending) {
    AuditEntry e;
    e.seq = last.seq + 1;
    e.prev_hash = last.hash;
    e.event = std::move(event);
    e.hash = EntryHash(e.seq, e.event, e.prev_hash);
    if (Status s = txn.Append(m_store.table("audit_log"), store::U64Key(e.seq), EncodeEntry(e)); !s) return s;
    last = std::move(e);
  }
  m_pending.clear();
  crypto::Signature sig = crypto::Sign(m_identity.sign_secret, CheckpointBytes(last.seq, last.hash));
  return txn.Put(m_store.table("audit_checkpoints"), store::U64Key(last.seq), ByteView(sig.data(), sig.size()));
}

Result<VerifyReport> AuditLog::Verify(store::Txn& txn, const store::NodeStore& store, const crypto::PublicKey32& sign_public) {
  VerifyReport report;
  auto fail = [&](uint64_t seq, std::string problem) {
    if (!report.ok && seq >= report.first_break) return;
    report.ok = false;
    report.first_break = seq;
    report.problem = std::move(problem);
  };
  std::map<uint64_t, crypto::Hash32> hashes;  // only those a checkpoint names are kept
  std::map<uint64_t, Bytes> checkpoints;
  Status s = txn.Scan(store.table("audit_checkpoints"), {}, [&](ByteView k, ByteView v) {
    checkpoints[store::U64FromKey(k)] = Bytes(v.begin(), v.end());
    return true;
  });
  if (!s) return s.error();
  crypto::Hash32 prev{};
  uint64_t expected = 1;
  s = txn.Scan(store.table("audit_log"), {}, [&](ByteView k, ByteView v) {
    uint64_t seq = k.size() == 8 ? store::U64FromKey(k) : 0;
    ++report.entries;
    auto e = DecodeEntry(v);
    if (!e) return fail(seq, "entry " + std::to_string(seq) + " does not decode"), false;
    if (seq != expected || e->seq != seq)
      return fail(expected, "entry " + std::to_string(expected) + " is missing (found " + std::to_string(seq) + ")"), false;
    if (e->prev_hash != prev) return fail(seq, "entry " + std::to_string(seq) + " does not link to the entry before it"), false;
    if (EntryHash(e->seq, e->event, e->prev_hash) != e->hash)
      return fail(seq, "entry " + std::to_string(seq) + " was changed: its hash does not match its content"), false;
    if (checkpoints.count(seq)) hashes[seq] = e->hash;
    prev = e->hash;
    ++expected;
    return true;
  });
  if (!s) return s.error();
  for (const auto& [seq, sig] : checkpoints) {
    ++report.checkpoints;
    auto h = hashes.find(seq);
    if (h == hashes.end()) {
      if (seq >= expected) fail(seq, "checkpoint " + std::to_string(seq) + " names an entry the log does not have");
      continue;  // before the first break: reported already
    }
    if (!crypto::Verify(ByteView(sign_public.data(), sign_public.size()), CheckpointBytes(seq, h->second), sig))
      fail(seq, "checkpoint " + std::to_string(seq) + " is not signed by this node's key");
  }
  if (report.ok && report.entries > 0 && !checkpoints.count(report.entries))
    fail(report.entries, "the last entries are not covered by a signed checkpoint");
  return report;
}

Result<std::vector<AuditEntry>> AuditLog::Read(store::Txn& txn, const store::NodeStore& store, uint64_t from, uint64_t to) {
  std::vector<AuditEntry> out;
  Status s = txn.Scan(store.table("audit_log"), store::U64Key(std::max<uint64_t>(from, 1)), [&](ByteView k, ByteView v) {
    if (to != 0 && store::U64FromKey(k) > to) return false;
    auto e = DecodeEntry(v);
    if (!e) return false;
    out.push_back(std::move(*e));
    return true;
  });
  if (!s) return s.error();
  return out;
}

Result<std::map<uint64_t, Bytes>> AuditLog::Checkpoints(store::Txn& txn, const store::NodeStore& store, uint64_t from,
                                                        uint64_t to) {
  std::map<uint64_t, Bytes> out;
  Status s = txn.Scan(store.table("audit_checkpoints"), store::U64Key(from), [&](ByteView k, ByteView v) {
    if (to != 0 && store::U64FromKey(k) > to) return false;
    out[store::U64FromKey(k)] = Bytes(v.begin(), v.end());
    return true;
  });
  if (!s) return s.error();
  return out;
}

}  // namespace tracenet::audit
