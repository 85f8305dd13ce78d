#include "node/store/node_store.h"

#include "node/store/record_codec.h"

namespace tracenet::store {

namespace {
const std::vector<std::string> kTables = {"meta",    "outbox",     "outbox_by_id", "seen",
                                          "seen_expiry", "cases", "case_order",  "lookups", "message_case", "receipts", "case_docs",
                                          "dead_letters", "outbox_by_peer", "stolen_own", "stolen_searches", "stolen_hits",
                                          "stolen_imports", "stolen_search_log", "audit_log", "audit_checkpoints", "audit_witnesses", "users", "user_tokens", "case_state",
                                          "quarantine", "quarantine_by_id", "evidence", "evidence_custody", "case_messages"};
constexpr uint8_t kRecordVersion = 1;

Bytes EncodeSeen(const SeenEntry& e) {
  return RecordWriter().U8(kRecordVersion).U64(e.expires_at_ms).U64(e.accepted_at_ms)
      .Blob(e.receipt_key).Take();
}

std::optional<SeenEntry> DecodeSeen(ByteView v) {
  RecordReader r(v);
  SeenEntry e;
  uint8_t version = r.U8();
  e.expires_at_ms = r.U64();
  e.accepted_at_ms = r.U64();
  e.receipt_key = r.Blob();
  if (!r.ok() || version != kRecordVersion) return std::nullopt;
  return e;
}

// peer ++ 0x00 ++ u64 BE seq: a peer's outbox entries in order, found without reading the others.
Bytes PeerKey(const std::string& peer, uint64_t seq) {
  Bytes key(peer.begin(), peer.end());
  key.push_back(0);
  Bytes s = U64Key(seq);
  key.insert(key.end(), s.begin(), s.end());
  return key;
}

// The next hop named in an encoded outbox entry, without copying its envelope.
std::optional<std::string> PeerOfEntry(ByteView value) {
  RecordReader r(value);
  uint8_t version = r.U8();
  std::string peer = r.Str();
  if (!r.ok() || version != kRecordVersion) return std::nullopt;
  return peer;
}

Bytes ExpiryKey(uint64_t expires_at_ms, ByteView id) {
  Bytes key = U64Key(expires_at_ms);
  key.insert(key.end(), id.begin(), id.end());
  return key;
}
}  // namespace

Bytes EncodeOutboxEntry(const OutboxEntry& e) {
  return RecordWriter().U8(kRecordVersion).Str(e.peer).Blob(e.message_id).U64(e.expires_at_ms)
      .U32(e.kind).Blob(e.envelope).Take();
}

std::optional<OutboxEntry> DecodeOutboxEntry(ByteView key, ByteView value) {
  RecordReader r(value);
  OutboxEntry e;
  uint8_t version = r.U8();
  e.peer = r.Str();
  e.message_id = r.Blob();
  e.expires_at_ms = r.U64();
  e.kind = r.U32();
  e.envelope = r.Blob();
  if (!r.ok() || version != kRecordVersion) return std::nullopt;
  e.seq = U64FromKey(key);
  return e;
}

Result<std::unique_ptr<NodeStore>> NodeStore::Open(const std::string& dir) {
  auto env = Env::Open(dir, kTables, size_t{1} << 30);
  if (!env) return env.error();
  std::unique_ptr<NodeStore> store(new NodeStore());
  store->m_env = std::move(env.value());
  Status s = store->m_env->Write([&](Txn& txn) -> Status {
    const Table& meta = store->table("meta");
    Bytes version_key(AsBytes("schema_version").begin(), AsBytes("schema_version").end());
    if (auto v = txn.Get(meta, version_key)) {
      if (U64FromKey(*v) != kSchemaVersion)
        return MakeError(Errc::kConfig, "store " + dir + " has schema version " +
                                            std::to_string(U64FromKey(*v)) + ", this build reads " +
                                            std::to_string(kSchemaVersion));
    } else if (Status put = txn.Put(meta, version_key, U64Key(kSchemaVersion)); !put) {
      return put;
    }
    if (auto last = txn.LastKey(store->table("outbox")))
      store->m_next_outbox_seq = U64FromKey(*last) + 1;
    // A store written before the per-peer index existed: build it once.
    if (txn.Count(store->table("outbox_by_peer")) == 0 && txn.Count(store->table("outbox")) > 0) {
      std::vector<Bytes> keys;
      Status scan = txn.Scan(store->table("outbox"), {}, [&](ByteView k, ByteView v) {
        if (auto peer = PeerOfEntry(v)) keys.push_back(PeerKey(*peer, U64FromKey(k)));
        return true;
      });
      if (!scan) return scan;
      for (const Bytes& k : keys)
        if (Status put = txn.Put(store->table("outbox_by_peer"), k, {}); !put) return put;
    }
    return Status::Ok();
  });
  if (!s) return s.error();
  return store;
}

Status NodeStore::AddToOutbox(Txn& txn, OutboxEntry& entry) {
  // The sequence is only consumed on success of this call; a failed transaction leaves a gap,
  // which MDB_APPEND tolerates (keys need only increase).
  entry.seq = m_next_outbox_seq++;
  Bytes key = U64Key(entry.seq);
  if (Status s = txn.Append(table("outbox"), key, EncodeOutboxEntry(entry)); !s) return s;
  if (Status s = txn.Put(table("outbox_by_peer"), PeerKey(entry.peer, entry.seq), {}); !s) return s;
  return txn.Put(table("outbox_by_id"), entry.message_id, key);
}

Result<bool> NodeStore::RemoveFromOutbox(Txn& txn, ByteView message_id) {
  auto seq = txn.Get(table("outbox_by_id"), message_id);
  if (!seq) return false;
  Bytes key(seq->begin(), seq->end());
  if (auto value = txn.Get(table("outbox"), key))
    if (auto peer = PeerOfEntry(*value)) {
      auto unindexed = txn.Delete(table("outbox_by_peer"), PeerKey(*peer, U64FromKey(key)));
      if (!unindexed) return unindexed.error();
    }
  auto removed = txn.Delete(table("outbox"), key);
  if (!removed) return removed.error();
  auto removed_index = txn.Delete(table("outbox_by_id"), message_id);
  if (!removed_index) return removed_index.error();
  return true;
}

Result<std::optional<OutboxEntry>> NodeStore::GetOutboxEntry(Txn& txn, ByteView message_id) const {
  auto seq = txn.Get(table("outbox_by_id"), message_id);
  if (!seq) return std::optional<OutboxEntry>();
  Bytes key(seq->begin(), seq->end());
  auto value = txn.Get(table("outbox"), key);
  if (!value) return std::optional<OutboxEntry>();
  auto entry = DecodeOutboxEntry(key, *value);
  if (!entry) return MakeError(Errc::kIo, "outbox entry " + ToHex(message_id) + " is corrupt");
  return entry;
}

namespace {
// A dead letter: u64 dead-at ms, u32 reason length, reason, then the outbox entry's encoding.
Bytes EncodeDeadLetter(const DeadLetter& d) {
  Bytes out = U64Key(d.dead_at_ms);
  uint32_t n = static_cast<uint32_t>(d.reason.size());
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<uint8_t>(n >> (8 * i)));
  out.insert(out.end(), d.reason.begin(), d.reason.end());
  Bytes entry = EncodeOutboxEntry(d.entry);
  out.insert(out.end(), entry.begin(), entry.end());
  return out;
}

std::optional<DeadLetter> DecodeDeadLetter(ByteView v) {
  if (v.size() < 12) return std::nullopt;
  DeadLetter d;
  d.dead_at_ms = U64FromKey(v.subspan(0, 8));
  uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n = (n << 8) | v[8 + i];
  if (v.size() < 12 + size_t{n}) return std::nullopt;
  d.reason.assign(reinterpret_cast<const char*>(v.data() + 12), n);
  auto entry = DecodeOutboxEntry(U64Key(0), v.subspan(12 + n));
  if (!entry) return std::nullopt;
  d.entry = std::move(*entry);
  return d;
}
}  // namespace

Status NodeStore::AddDeadLetter(Txn& txn, const DeadLetter& letter) {
  return txn.Put(table("dead_letters"), letter.entry.message_id, EncodeDeadLetter(letter));
}

Result<std::optional<DeadLetter>> NodeStore::GetDeadLetter(Txn& txn, ByteView message_id) const {
  auto v = txn.Get(table("dead_letters"), message_id);
  if (!v) return std::optional<DeadLetter>();
  auto d = DecodeDeadLetter(*v);
  if (!d) return MakeError(Errc::kIo, "dead letter " + ToHex(message_id) + " is corrupt");
  return d;
}

Result<bool> NodeStore::RemoveDeadLetter(Txn& txn, ByteView message_id) {
  return txn.Delete(table("dead_letters"), message_id);
}

Status NodeStore::ScanDeadLetters(Txn& txn, const std::function<bool(const DeadLetter&)>& visit) const {
  Status decode = Status::Ok();
  Status s = txn.Scan(table("dead_letters"), {}, [&](ByteView, ByteView v) {
    auto d = DecodeDeadLetter(v);
    if (!d) {
      decode = MakeError(Errc::kIo, "a dead letter is corrupt");
      return false;
    }
    return visit(*d);
  });
  return s ? decode : s;
}

Status NodeStore::ScanOutbox(Txn& txn, const std::function<bool(const OutboxEntry&)>& visit) const {
  Status decode_status = Status::Ok();
  Status s = txn.Scan(table("outbox"), {}, [&](ByteView k, ByteView v) {
    auto entry = DecodeOutboxEntry(k, v);
    if (!entry) {
      decode_status = MakeError(Errc::kIo, "outbox entry " + std::to_string(U64FromKey(k)) +
                                               " is corrupt");
      return false;
    }
    return visit(*entry);
  });
  if (!s) return s;
  return decode_status;
}

Status NodeStore::ScanPeerOutbox(Txn& txn, const std::string& peer, uint64_t after_seq,
                                 const std::function<bool(const OutboxEntry&)>& visit) const {
  Bytes prefix(peer.begin(), peer.end());
  prefix.push_back(0);
  Status result = Status::Ok();
  Status s = txn.Scan(table("outbox_by_peer"), PeerKey(peer, after_seq + 1), [&](ByteView k, ByteView) {
    if (k.size() != prefix.size() + 8 || !std::equal(prefix.begin(), prefix.end(), k.begin())) return false;
    Bytes key(k.end() - 8, k.end());
    auto value = txn.Get(table("outbox"), key);
    if (!value) return true;  // index ahead of a removal in this transaction: skip
    auto entry = DecodeOutboxEntry(key, *value);
    if (!entry) {
      result = MakeError(Errc::kIo, "outbox entry " + std::to_string(U64FromKey(key)) + " is corrupt");
      return false;
    }
    return visit(*entry);
  });
  return s ? result : s;
}

std::optional<SeenEntry> NodeStore::FindSeen(Txn& txn, ByteView message_id) const {
  auto v = txn.Get(table("seen"), message_id);
  if (!v) return std::nullopt;
  return DecodeSeen(*v);
}

Status NodeStore::RememberSeen(Txn& txn, ByteView message_id, const SeenEntry& entry) {
  if (Status s = txn.Put(table("seen"), message_id, EncodeSeen(entry)); !s) return s;
  return txn.Put(table("seen_expiry"), ExpiryKey(entry.expires_at_ms, message_id), {});
}

Result<size_t> NodeStore::PruneSeen(Txn& txn, uint64_t before_ms, size_t max_entries) {
  std::vector<Bytes> expired;
  Status s = txn.Scan(table("seen_expiry"), {}, [&](ByteView k, ByteView) {
    if (U64FromKey(k) >= before_ms || expired.size() >= max_entries) return false;
    expired.emplace_back(k.begin(), k.end());
    return true;
  });
  if (!s) return s.error();
  for (const Bytes& key : expired) {
    ByteView id(key.data() + 8, key.size() - 8);
    if (auto r = txn.Delete(table("seen"), id); !r) return r.error();
    if (auto r = txn.Delete(table("seen_expiry"), key); !r) return r.error();
  }
  std::vector<Bytes> old_receipts;
  s = txn.Scan(table("receipts"), {}, [&](ByteView k, ByteView) {
    if (U64FromKey(k) >= before_ms || old_receipts.size() >= max_entries) return false;
    old_receipts.emplace_back(k.begin(), k.end());
    return true;
  });
  if (!s) return s.error();
  for (const Bytes& key : old_receipts)
    if (auto r = txn.Delete(table("receipts"), key); !r) return r.error();
  return expired.size() + old_receipts.size();
}

Result<Bytes> NodeStore::KeepReceipt(Txn& txn, uint64_t keep_until_ms, ByteView receipt_id, ByteView envelope) {
  Bytes key = ExpiryKey(keep_until_ms, receipt_id);
  if (Status s = txn.Put(table("receipts"), key, envelope); !s) return s.error();
  return key;
}

std::optional<ByteView> NodeStore::FindReceipt(Txn& txn, ByteView key) const {
  return txn.Get(table("receipts"), key);
}

Result<uint64_t> NodeStore::NextSequence(Txn& txn, std::string_view name) {
  std::string key = "seq:" + std::string(name);
  uint64_t next = 1;
  if (auto v = txn.Get(table("meta"), AsBytes(key))) next = U64FromKey(*v) + 1;
  if (Status s = txn.Put(table("meta"), AsBytes(key), U64Key(next)); !s) return s.error();
  return next;
}

}  // namespace tracenet::store
