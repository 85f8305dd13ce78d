#include "node/store/evidence_store.h"

#include <cstring>

#include "node/crypto/primitives.h"
#include "node/store/record_codec.h"

namespace tracenet::store {

namespace {

constexpr uint8_t kRecordVersion = 1;
constexpr size_t kIdBytes = 16;

Bytes EncodeCustody(const CustodyRecord& c) {
  RecordWriter w;
  w.U8(kRecordVersion).Str(c.hub).U32(static_cast<uint32_t>(c.message_ids.size()));
  for (size_t i = 0; i < c.message_ids.size(); ++i)
    w.Blob(c.message_ids[i]).Blob(ByteView(c.envelope_hashes[i].data(), c.envelope_hashes[i].size()));
  return w.Blob(c.signature).Take();
}

std::optional<CustodyRecord> DecodeCustody(ByteView v) {
  RecordReader r(v);
  if (r.U8() != kRecordVersion) return std::nullopt;
  CustodyRecord c;
  c.hub = r.Str();
  uint32_t count = r.U32();
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    c.message_ids.push_back(r.Blob());
    Bytes hash = r.Blob();
    crypto::Hash32 h{};
    if (hash.size() != h.size()) return std::nullopt;
    std::memcpy(h.data(), hash.data(), h.size());
    c.envelope_hashes.push_back(h);
  }
  c.signature = r.Blob();
  if (!r.ok()) return std::nullopt;
  return c;
}

Bytes CaseMessageKey(ByteView case_id, ByteView message_id) {
  Bytes key(case_id.begin(), case_id.end());
  key.insert(key.end(), message_id.begin(), message_id.end());
  return key;
}

}  // namespace

Status EvidenceStore::KeepEnvelope(Txn& txn, ByteView message_id, ByteView envelope, bool replace) {
  if (txn.Get(m_store.table("evidence"), message_id)) {
    if (!replace) return Status::Ok();
    if (auto removed = txn.Delete(m_store.table("evidence_custody"), message_id); !removed) return removed.error();
  }
  return txn.Put(m_store.table("evidence"), message_id, envelope);
}

std::optional<Bytes> EvidenceStore::Envelope(Txn& txn, ByteView message_id) const {
  auto v = txn.Get(m_store.table("evidence"), message_id);
  if (!v) return std::nullopt;
  return Bytes(v->begin(), v->end());
}

Status EvidenceStore::KeepCustody(Txn& txn, ByteView message_id, const CustodyRecord& custody) {
  const Table& table = m_store.table("evidence_custody");
  if (txn.Get(table, message_id)) return Status::Ok();
  // One receipt covers a whole batch: stored once, however many of its messages are ours.
  crypto::Hash32 hash = crypto::Hash256(custody.signature);
  Bytes key = {'b'};
  key.insert(key.end(), hash.begin(), hash.end());
  if (!txn.Get(table, key))
    if (Status s = txn.Put(table, key, EncodeCustody(custody)); !s) return s;
  return txn.Put(table, message_id, key);
}

std::optional<CustodyRecord> EvidenceStore::Custody(Txn& txn, ByteView message_id) const {
  const Table& table = m_store.table("evidence_custody");
  auto key = txn.Get(table, message_id);
  if (!key) return std::nullopt;
  auto v = txn.Get(table, *key);
  if (!v) return std::nullopt;
  return DecodeCustody(*v);
}

Status EvidenceStore::NoteCaseMessage(Txn& txn, ByteView case_id, ByteView message_id) {
  return txn.Put(m_store.table("case_messages"), CaseMessageKey(case_id, message_id), {});
}

std::vector<Bytes> EvidenceStore::CaseMessages(Txn& txn, ByteView case_id) const {
  std::vector<Bytes> out;
  Bytes prefix(case_id.begin(), case_id.end());
  (void)txn.Scan(m_store.table("case_messages"), prefix, [&](ByteView k, ByteView) {
    if (k.size() != 2 * kIdBytes || !std::equal(prefix.begin(), prefix.end(), k.begin())) return false;
    out.emplace_back(k.begin() + kIdBytes, k.end());
    return true;
  });
  return out;
}

}  // namespace tracenet::store
