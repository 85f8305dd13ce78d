#include "node/store/quarantine_store.h"

#include "node/store/record_codec.h"

namespace tracenet::store {

namespace {

constexpr uint8_t kRecordVersion = 1;

Bytes Encode(const QuarantineEntry& e) {
  return RecordWriter()
      .U8(kRecordVersion)
      .U64(e.at_ms)
      .Str(e.link_peer)
      .Str(e.sender)
      .U32(e.kind)
      .Blob(e.message_id)
      .Str(e.reason)
      .Blob(e.envelope)
      .Take();
}

std::optional<QuarantineEntry> Decode(ByteView key, ByteView value) {
  RecordReader r(value);
  QuarantineEntry e;
  if (r.U8() != kRecordVersion) return std::nullopt;
  e.seq = U64FromKey(key);
  e.at_ms = r.U64();
  e.link_peer = r.Str();
  e.sender = r.Str();
  e.kind = r.U32();
  e.message_id = r.Blob();
  e.reason = r.Str();
  e.envelope = r.Blob();
  if (!r.ok()) return std::nullopt;
  return e;
}

Bytes IdKey(ByteView message_id, const std::string& sender) {
  Bytes key(message_id.begin(), message_id.end());
  key.insert(key.end(), sender.begin(), sender.end());
  return key;
}

}  // namespace

Status QuarantineStore::Add(Txn& txn, QuarantineEntry& entry) {
  const Table& table = m_store.table("quarantine");
  const Table& by_id = m_store.table("quarantine_by_id");
  auto last = txn.LastKey(table);
  entry.seq = last ? U64FromKey(*last) + 1 : 1;
  if (entry.envelope.size() > kMaxKeptBytes) entry.envelope.clear();
  if (Status s = txn.Append(table, U64Key(entry.seq), Encode(entry)); !s) return s;
  if (entry.message_id.size() == 16)
    if (Status s = txn.Put(by_id, IdKey(entry.message_id, entry.sender), U64Key(entry.seq)); !s) return s;
  // Keep the newest kMaxEntries: drop the oldest (one per addition keeps it at the bound).
  if (txn.Count(table) <= kMaxEntries) return Status::Ok();
  std::optional<QuarantineEntry> oldest;
  Status scan = txn.Scan(table, {}, [&](ByteView k, ByteView v) {
    oldest = Decode(k, v);
    if (!oldest) oldest = QuarantineEntry{U64FromKey(k)};
    return false;
  });
  if (!scan) return scan;
  if (!oldest) return Status::Ok();
  if (auto removed = txn.Delete(table, U64Key(oldest->seq)); !removed) return removed.error();
  if (oldest->message_id.size() == 16)
    if (auto removed = txn.Delete(by_id, IdKey(oldest->message_id, oldest->sender)); !removed) return removed.error();
  return Status::Ok();
}

std::optional<std::string> QuarantineStore::ReasonFor(Txn& txn, const std::string& sender, ByteView message_id) const {
  auto seq = txn.Get(m_store.table("quarantine_by_id"), IdKey(message_id, sender));
  if (!seq) return std::nullopt;
  auto value = txn.Get(m_store.table("quarantine"), *seq);
  if (!value) return std::nullopt;
  auto entry = Decode(*seq, *value);
  return entry ? entry->reason : std::string("quarantined");
}

Result<std::vector<QuarantineEntry>> QuarantineStore::List(Txn& txn, size_t limit) const {
  std::vector<QuarantineEntry> out;
  Status s = txn.ScanReverse(m_store.table("quarantine"), [&](ByteView k, ByteView v) {
    if (auto e = Decode(k, v)) out.push_back(std::move(*e));
    return out.size() < limit;
  });
  if (!s) return s.error();
  return out;
}

Result<std::optional<QuarantineEntry>> QuarantineStore::Get(Txn& txn, uint64_t seq) const {
  auto value = txn.Get(m_store.table("quarantine"), U64Key(seq));
  if (!value) return std::optional<QuarantineEntry>();
  return Decode(U64Key(seq), *value);
}

}  // namespace tracenet::store
