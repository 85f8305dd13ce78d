#include "node/trace/case_store.h"

#include <algorithm>

#include "node/crypto/primitives.h"
#include "node/trace/lifecycle.h"

namespace tracenet::trace {

namespace {
Bytes StateKey(std::string_view state, uint64_t order_seq) {
  Bytes key(state.begin(), state.end());
  key.push_back(0);
  Bytes seq = store::U64Key(order_seq);
  key.insert(key.end(), seq.begin(), seq.end());
  return key;
}
}  // namespace

Bytes CaseStore::Seal(const CaseRecord& record) const {
  flatbuffers::FlatBufferBuilder b(1024);
  b.Finish(local::CaseRecord::Pack(b, &record));
  return crypto::AeadSeal(m_key, record.case_id, ByteView(b.GetBufferPointer(), b.GetSize()));
}

namespace {
// Where an incoming trace still waits for this state's answer.
constexpr std::string_view kOpenIncomingStates[] = {state::kReceived, state::kAwaitingRegistry, state::kAwaitingReview,
                                                    state::kClarificationRequested, state::kClarificationAnswered};
bool IsOpenIncoming(const CaseRecord& r, std::string_view state) {
  return r.direction == local::CaseDirection::Incoming &&
         std::find(std::begin(kOpenIncomingStates), std::end(kOpenIncomingStates), state) != std::end(kOpenIncomingStates);
}
}  // namespace

Status CaseStore::Create(store::Txn& txn, CaseRecord& record) {
  auto seq = m_store.NextSequence(txn, "case_order");
  if (!seq) return seq.error();
  record.order_seq = *seq;
  if (Status s = txn.Append(m_store.table("case_order"), store::U64Key(*seq), record.case_id); !s)
    return s;
  m_state_at_start.emplace(record.case_id, "");
  if (record.direction == local::CaseDirection::Incoming) ++m_created_open[record.peer];
  return Update(txn, record);
}

Status CaseStore::Update(store::Txn& txn, const CaseRecord& record) {
  if (!m_state_at_start.count(record.case_id)) {  // a copy not taken through Edit: what is stored?
    auto stored = Find(txn, record.case_id);
    if (!stored) return stored.error();
    m_state_at_start.emplace(record.case_id, *stored ? (*stored)->state : std::string());
  }
  auto& slot = m_dirty[record.case_id];
  if (slot.get() != &record) slot = std::make_unique<CaseRecord>(record);
  return Status::Ok();
}

Result<CaseRecord*> CaseStore::Edit(store::Txn& txn, ByteView case_id) {
  Bytes id(case_id.begin(), case_id.end());
  if (auto it = m_dirty.find(id); it != m_dirty.end()) return it->second.get();
  auto loaded = Find(txn, case_id);
  if (!loaded) return loaded.error();
  if (!*loaded) return static_cast<CaseRecord*>(nullptr);
  CaseRecord* record = loaded->get();
  m_state_at_start.emplace(id, record->state);
  m_dirty.emplace(std::move(id), std::move(loaded.value()));
  return record;
}

bool CaseStore::Exists(store::Txn& txn, ByteView case_id) const {
  return m_dirty.count(Bytes(case_id.begin(), case_id.end())) || txn.Get(m_store.table("cases"), case_id);
}

Status CaseStore::IndexState(store::Txn& txn, const CaseRecord& record, const std::string& previous_state) {
  if (previous_state == record.state) return Status::Ok();
  if (!previous_state.empty())
    if (auto removed = txn.Delete(m_store.table("case_state"), StateKey(previous_state, record.order_seq)); !removed)
      return removed.error();
  return txn.Put(m_store.table("case_state"), StateKey(record.state, record.order_seq), record.case_id);
}

Status CaseStore::Flush(store::Txn& txn) {
  for (const auto& [id, record] : m_dirty) {
    if (Status s = txn.Put(m_store.table("cases"), id, Seal(*record)); !s) return s;
    const std::string& before = m_state_at_start[id];
    if (Status s = IndexState(txn, *record, before); !s) return s;
    int64_t change = int64_t{IsOpenIncoming(*record, record->state)} - int64_t{!before.empty() && IsOpenIncoming(*record, before)};
    if (change != 0) m_flushed_open_delta[record->peer] += change;
  }
  m_dirty.clear();
  m_state_at_start.clear();
  m_created_open.clear();  // now in m_flushed_open_delta
  return Status::Ok();
}

void CaseStore::Committed() {
  for (const auto& [peer, change] : m_flushed_open_delta) {
    int64_t now = static_cast<int64_t>(m_open_incoming[peer]) + change;
    m_open_incoming[peer] = static_cast<uint64_t>(std::max<int64_t>(0, now));
  }
  m_flushed_open_delta.clear();
}

uint64_t CaseStore::OpenIncomingFrom(const std::string& peer) const {
  uint64_t open = 0;
  if (auto it = m_open_incoming.find(peer); it != m_open_incoming.end()) open += it->second;
  if (auto it = m_created_open.find(peer); it != m_created_open.end()) open += it->second;
  return open;
}

Status CaseStore::CountOpenIncoming(store::Txn& txn) {
  m_open_incoming.clear();
  for (std::string_view state : kOpenIncomingStates) {
    Status s = ListInState(txn, state, [&](const CaseRecord& r) {
      if (r.direction == local::CaseDirection::Incoming) ++m_open_incoming[r.peer];
      return true;
    });
    if (!s) return s;
  }
  return Status::Ok();
}

Status CaseStore::ListInState(store::Txn& txn, std::string_view state,
                              const std::function<bool(const CaseRecord&)>& visit) const {
  Bytes prefix(state.begin(), state.end());
  prefix.push_back(0);
  std::vector<Bytes> ids;
  Status s = txn.Scan(m_store.table("case_state"), prefix, [&](ByteView key, ByteView case_id) {
    if (key.size() < prefix.size() || !std::equal(prefix.begin(), prefix.end(), key.begin())) return false;
    ids.emplace_back(case_id.begin(), case_id.end());
    return true;
  });
  if (!s) return s;
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    auto record = Find(txn, *it);
    if (!record) return record.error();
    if (*record && (*record)->state == state && !visit(**record)) break;
  }
  return Status::Ok();
}

Result<std::map<std::string, uint64_t>> CaseStore::CountByState(store::Txn& txn) const {
  std::map<std::string, uint64_t> counts;
  Status s = txn.Scan(m_store.table("case_state"), {}, [&](ByteView key, ByteView) {
    auto end = std::find(key.begin(), key.end(), uint8_t{0});
    ++counts[std::string(key.begin(), end)];
    return true;
  });
  if (!s) return s.error();
  return counts;
}

Result<uint64_t> CaseStore::CountOverdue(store::Txn& txn, uint64_t now_ms) const {
  uint64_t overdue = 0;
  for (std::string_view state : kOpenStates)
    if (Status s = ListInState(txn, state, [&](const CaseRecord& r) {
          overdue += r.due_at_ms < now_ms;
          return true;
        });
        !s)
      return s.error();
  return overdue;
}

Status CaseStore::IndexStatesIfMissing(store::Txn& txn) {
  bool indexed = false, any_case = false;
  if (Status s = txn.Scan(m_store.table("case_state"), {}, [&](ByteView, ByteView) { return !(indexed = true); }); !s) return s;
  if (Status s = txn.Scan(m_store.table("case_order"), {}, [&](ByteView, ByteView) { return !(any_case = true); }); !s) return s;
  if (indexed || !any_case) return Status::Ok();
  Status inner = Status::Ok();
  Status s = txn.Scan(m_store.table("case_order"), {}, [&](ByteView, ByteView case_id) {
    auto record = Find(txn, case_id);
    if (!record) inner = record.error();
    else if (*record) inner = IndexState(txn, **record, "");
    return static_cast<bool>(inner);
  });
  return s ? inner : s;
}

Result<std::unique_ptr<CaseRecord>> CaseStore::Find(store::Txn& txn, ByteView case_id) const {
  if (auto it = m_dirty.find(Bytes(case_id.begin(), case_id.end())); it != m_dirty.end())
    return std::make_unique<CaseRecord>(*it->second);
  auto sealed = txn.Get(m_store.table("cases"), case_id);
  if (!sealed) return std::unique_ptr<CaseRecord>();
  auto plain = crypto::AeadOpen(m_key, case_id, *sealed);
  if (!plain)
    return MakeError(Errc::kIo, "case " + ToHex(case_id) +
                                    " does not open under this node's storage key (wrong key or corrupt store)");
  flatbuffers::Verifier v(plain->data(), plain->size());
  if (!v.VerifyBuffer<local::CaseRecord>(nullptr))
    return MakeError(Errc::kIo, "case " + ToHex(case_id) + " is corrupt");
  return std::unique_ptr<CaseRecord>(flatbuffers::GetRoot<local::CaseRecord>(plain->data())->UnPack());
}

Status CaseStore::ListNewestFirst(store::Txn& txn,
                                  const std::function<bool(const CaseRecord&)>& visit) const {
  Status inner = Status::Ok();
  Status s = txn.ScanReverse(m_store.table("case_order"), [&](ByteView, ByteView case_id) {
    auto record = Find(txn, case_id);
    if (!record) {
      inner = record.error();
      return false;
    }
    if (!*record) return true;
    return visit(**record);
  });
  if (!s) return s;
  return inner;
}

namespace {
Bytes DocumentKey(ByteView case_id, CaseStore::Document kind) {
  Bytes key(case_id.begin(), case_id.end());
  key.push_back(static_cast<uint8_t>(kind));
  return key;
}
}  // namespace

Status CaseStore::PutDocument(store::Txn& txn, ByteView case_id, Document kind, ByteView payload) {
  Bytes key = DocumentKey(case_id, kind);
  return txn.Put(m_store.table("case_docs"), key, crypto::AeadSeal(m_key, key, payload));
}

Result<std::optional<Bytes>> CaseStore::GetDocument(store::Txn& txn, ByteView case_id, Document kind) const {
  Bytes key = DocumentKey(case_id, kind);
  auto sealed = txn.Get(m_store.table("case_docs"), key);
  if (!sealed) return std::optional<Bytes>();
  auto plain = crypto::AeadOpen(m_key, key, *sealed);
  if (!plain) return MakeError(Errc::kIo, "a document of case " + ToHex(case_id) + " does not open under this node's storage key");
  return std::optional<Bytes>(std::move(plain.value()));
}

Status CaseStore::LinkMessage(store::Txn& txn, ByteView message_id, ByteView case_id) {
  return txn.Put(m_store.table("message_case"), message_id, case_id);
}

std::optional<Bytes> CaseStore::CaseOfMessage(store::Txn& txn, ByteView message_id) const {
  auto v = txn.Get(m_store.table("message_case"), message_id);
  if (!v) return std::nullopt;
  return Bytes(v->begin(), v->end());
}

}  // namespace tracenet::trace
