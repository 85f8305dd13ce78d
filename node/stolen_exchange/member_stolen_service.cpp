#include "node/stolen_exchange/member_stolen_service.h"

#include "node/common/json_text.h"

#include <spdlog/spdlog.h>

#include "node/protocol/envelope.h"
#include "node/stolen_exchange/record_signing.h"

namespace tracenet::stolen {
namespace {

namespace wire = protocol::wire;

template <typename T>
std::unique_ptr<typename T::NativeTableType> Unpacked(const T& table) {
  return std::unique_ptr<typename T::NativeTableType>(table.UnPack());
}

Bytes Key(const std::string& text) { return Bytes(text.begin(), text.end()); }

}  // namespace

MemberStolenService::MemberStolenService(store::NodeStore& store, const crypto::Identity& identity, const Clock& clock,
                                         MemberStolenOptions options, std::function<std::vector<std::string>()> home_hubs,
                                         std::function<std::optional<crypto::PublicKey32>(const std::string&)> sign_key_of)
    : m_store(store), m_identity(identity), m_clock(clock), m_options(std::move(options)),
      m_home_hubs(std::move(home_hubs)), m_sign_key_of(std::move(sign_key_of)) {}

Result<std::vector<StolenRecord>> MemberStolenService::PrepareRecords(std::vector<StolenRecord> records) const {
  uint64_t version = m_clock.NowMs();
  for (size_t i = 0; i < records.size(); ++i) {
    StolenRecord& r = records[i];
    r.owner = m_options.self_id;
    r.version_ms = version;
    if (r.last_validated_ms == 0) r.last_validated_ms = version;
    if (Status s = ValidateRecord(r); !s)
      return MakeError(Errc::kInvalidArgument, "record " + std::to_string(i + 1) + " (" + r.owner_ref + "): " + s.error().message);
    SignRecord(r, m_identity.sign_secret);
  }
  return records;
}

Status MemberStolenService::Publish(store::Txn& txn, const std::vector<StolenRecord>& records, messaging::Outgoing& out) {
  // The messages are built once, whatever the number of hubs, and checked before anything is
  // queued, so a record too large to publish fails the call before it changes anything.
  std::vector<Bytes> payloads;
  wire::StolenPublishT publish;
  size_t bytes = 0;
  auto cut = [&] {
    if (publish.records.empty()) return;
    payloads.push_back(protocol::PackPayload<wire::StolenPublish>(publish));
    publish.records.clear();
    bytes = 0;
  };
  for (const StolenRecord& r : records) {
    auto w = std::make_unique<wire::SignedStolenRecordT>(ToWire(r));
    size_t size = w->record.size() + w->owner_signature.size() + 32;
    if (size > m_options.max_publish_bytes)
      return MakeError(Errc::kOversized, "record " + r.owner_ref + " is " + std::to_string(size) +
                                             " bytes, more than one message to the hubs may carry (" +
                                             std::to_string(m_options.max_publish_bytes) + "); shorten its remarks");
    if (bytes + size > m_options.max_publish_bytes) cut();
    bytes += size;
    publish.records.push_back(std::move(w));
  }
  cut();
  for (const std::string& hub : m_home_hubs())
    for (const Bytes& payload : payloads)
      if (auto sent = out.Send(txn, hub, wire::MessageKind::StolenPublish, payload); !sent) return sent.error();
  return Status::Ok();
}

Result<size_t> MemberStolenService::Report(store::Txn& txn, const std::vector<StolenRecord>& records, messaging::Outgoing& out) {
  if (Status s = Publish(txn, records, out); !s) return s.error();  // first: it refuses what it cannot send
  for (const StolenRecord& r : records)
    if (Status s = txn.Put(m_store.table("stolen_own"), Key(r.owner_ref), EncodeSignedRecord(r)); !s) return s.error();
  return m_home_hubs().size();
}

Result<bool> MemberStolenService::ImportBatch(store::Txn& txn, const std::string& import_id, uint64_t batch,
                                             const std::vector<StolenRecord>& records, messaging::Outgoing& out) {
  uint64_t done = ImportProgress(txn, import_id);
  if (batch < done) return false;  // committed by an earlier run
  if (batch > done)
    return MakeError(Errc::kInvalidArgument, "import " + import_id + ": batch " + std::to_string(batch) +
                                                 " comes before batch " + std::to_string(done) + " was committed");
  if (auto reported = Report(txn, records, out); !reported) return reported.error();
  if (Status s = txn.Put(m_store.table("stolen_imports"), Key(import_id), store::U64Key(batch + 1)); !s) return s.error();
  return true;
}

uint64_t MemberStolenService::ImportProgress(store::Txn& txn, const std::string& import_id) const {
  auto v = txn.Get(m_store.table("stolen_imports"), Key(import_id));
  return v && v->size() == 8 ? store::U64FromKey(*v) : 0;
}

Result<size_t> MemberStolenService::Resync(store::Txn& txn, messaging::Outgoing& out) {
  std::vector<StolenRecord> records;
  Status scan = txn.Scan(m_store.table("stolen_own"), {}, [&](ByteView, ByteView v) {
    if (auto r = DecodeSignedRecord(v)) records.push_back(std::move(*r));
    return true;
  });
  if (!scan) return scan.error();
  if (Status s = Publish(txn, records, out); !s) return s.error();
  return records.size();
}

Result<std::string> MemberStolenService::StartSearch(store::Txn& txn, wire::StolenSearchT search, messaging::Outgoing& out) {
  std::vector<std::string> hubs = m_home_hubs();
  if (hubs.empty()) return MakeError(Errc::kInvalidArgument, "this node has no home hub to search the lost/stolen index at");
  if (search.search_id.empty()) search.search_id = ToHex(protocol::NewMessageId());
  if (auto existing = ReadJson(txn, "stolen_searches", search.search_id); !existing || *existing)
    return MakeError(Errc::kInvalidArgument, "search " + search.search_id + " exists already");
  auto sent = out.Send(txn, hubs.front(), wire::MessageKind::StolenSearch, protocol::PackPayload<wire::StolenSearch>(search));
  if (!sent) return sent.error();
  Json state{{"search", SearchToJson(search)}, {"hub", hubs.front()}, {"sent_at_ms", m_clock.NowMs()},
             {"state", "sent"}, {"candidates", Json::array()}};
  if (Status s = WriteJson(txn, "stolen_searches", search.search_id, state); !s) return s.error();
  return search.search_id;
}

Status MemberStolenService::Decide(store::Txn& txn, const std::string& hit_id, bool confirmed, const std::string& note,
                                   messaging::Outgoing& out) {
  auto hit = ReadJson(txn, "stolen_hits", hit_id);
  if (!hit) return hit.error();
  if (!*hit) return MakeError(Errc::kNotFound, "no hit " + hit_id + " on this node's records");
  Json& h = **hit;
  if (!h["decision"].is_null())
    return MakeError(Errc::kInvalidArgument, "hit " + hit_id + " was already " + (h["decision"]["confirmed"].get<bool>() ? "confirmed" : "denied"));
  wire::StolenHitDecisionT decision;
  decision.hit_id = hit_id;
  decision.search_id = h["search"]["search_id"].get<std::string>();
  decision.owner_ref = h["owner_ref"].get<std::string>();
  decision.confirmed = confirmed;
  decision.note = note;
  decision.decided_at_ms = m_clock.NowMs();
  auto sent = out.Send(txn, h["searcher"].get<std::string>(), wire::MessageKind::StolenHitDecision,
                       protocol::PackPayload<wire::StolenHitDecision>(decision));
  if (!sent) return sent.error();
  h["decision"] = {{"confirmed", confirmed}, {"note", note}, {"decided_at_ms", decision.decided_at_ms}};
  return WriteJson(txn, "stolen_hits", hit_id, h);
}

Status MemberStolenService::OnAccepted(store::Txn& txn, const protocol::Opened& message) {
  const std::string& sender = message.header.sender;
  const uint8_t* p = message.payload.data();
  switch (message.header.kind) {
    case wire::MessageKind::StolenSearchAnswer: return OnAnswer(txn, sender, *flatbuffers::GetRoot<wire::StolenSearchAnswer>(p));
    case wire::MessageKind::StolenHitNotice: return OnHitNotice(txn, sender, *flatbuffers::GetRoot<wire::StolenHitNotice>(p));
    case wire::MessageKind::StolenHitDecision: return OnHitDecision(txn, sender, *flatbuffers::GetRoot<wire::StolenHitDecision>(p));
    default:
      spdlog::warn("event=stolen_message_refused kind={} sender={} reason=\"only hubs index and search\"",
                   wire::EnumNameMessageKind(message.header.kind), sender);
      return Status::Ok();
  }
}

Status MemberStolenService::OnAnswer(store::Txn& txn, const std::string& hub, const wire::StolenSearchAnswer& answer) {
  std::string id = answer.search_id()->str();
  auto search = ReadJson(txn, "stolen_searches", id);
  if (!search) return search.error();
  if (!*search || (**search)["hub"] != hub) {
    spdlog::warn("event=stolen_answer_ignored search_id={} sender={} reason=\"no such search sent to this hub\"", id, hub);
    return Status::Ok();
  }
  Json& s = **search;
  s["state"] = answer.refused() && answer.refused()->size() ? "refused" : "answered";
  s["refused"] = answer.refused() ? answer.refused()->str() : "";
  s["answered_at_ms"] = m_clock.NowMs();
  s["examined"] = answer.examined();
  s["index_records"] = answer.index_records();
  Json candidates = Json::array();
  if (answer.candidates())
    for (const wire::StolenCandidate* c : *answer.candidates()) {
      auto record = FromWire(*Unpacked(*c->record()));
      if (!record || !ValidateRecord(*record)) continue;  // a hub's answer carries records it did not sign
      auto key = m_sign_key_of(record->owner);
      Json reasons = Json::array();
      if (c->reasons())
        for (const auto* r : *c->reasons()) reasons.push_back(r->str());
      candidates.push_back({{"record", RecordToJson(*record)},
                            {"owner_signature_valid", key && RecordSignatureValid(*record, *key)},
                            {"score", c->score()},
                            {"band", ScoreBand(c->score())},
                            {"reasons", reasons},
                            {"hit_id", c->hit_id() ? c->hit_id()->str() : ""},
                            {"confirm_by_ms", c->confirm_by_ms()},
                            {"decision", nullptr}});
    }
  s["candidates"] = candidates;
  return WriteJson(txn, "stolen_searches", id, s);
}

Status MemberStolenService::OnHitNotice(store::Txn& txn, const std::string& hub, const wire::StolenHitNotice& notice) {
  std::vector<std::string> hubs = m_home_hubs();
  if (std::find(hubs.begin(), hubs.end(), hub) == hubs.end()) {
    spdlog::warn("event=stolen_hit_ignored sender={} reason=\"hit notices come from this node's home hubs\"", hub);
    return Status::Ok();
  }
  std::string hit_id = notice.hit_id()->str();
  if (auto existing = ReadJson(txn, "stolen_hits", hit_id); !existing || *existing) return Status::Ok();
  Json reasons = Json::array();
  if (notice.reasons())
    for (const auto* r : *notice.reasons()) reasons.push_back(r->str());
  Json hit{{"hit_id", hit_id},
           {"hub", hub},
           {"searcher", notice.searcher() ? notice.searcher()->str() : ""},
           {"owner_ref", notice.owner_ref()->str()},
           {"search", SearchToJson(*Unpacked(*notice.search()))},
           {"score", notice.score()},
           {"reasons", reasons},
           {"received_at_ms", m_clock.NowMs()},
           {"confirm_by_ms", notice.confirm_by_ms()},
           {"decision", nullptr}};
  spdlog::info("event=stolen_hit owner_ref={} searcher={} hit_id={} confirm_by={}", hit["owner_ref"].get<std::string>(),
               hit["searcher"].get<std::string>(), hit_id, FormatUtc(notice.confirm_by_ms()));
  return WriteJson(txn, "stolen_hits", hit_id, hit);
}

Status MemberStolenService::OnHitDecision(store::Txn& txn, const std::string& owner, const wire::StolenHitDecision& decision) {
  std::string id = decision.search_id() ? decision.search_id()->str() : "";
  auto search = ReadJson(txn, "stolen_searches", id);
  if (!search) return search.error();
  if (*search)
    for (Json& c : (**search)["candidates"])
      if (c["hit_id"] == decision.hit_id()->str()) {
        if (c["record"]["owner"] != owner) break;  // only the record's owner decides
        c["decision"] = {{"confirmed", decision.confirmed()},
                         {"note", decision.note() ? decision.note()->str() : ""},
                         {"decided_at_ms", decision.decided_at_ms()},
                         {"by", owner}};
        spdlog::info("event=stolen_hit_decided search_id={} hit_id={} owner={} confirmed={}", id,
                     decision.hit_id()->str(), owner, decision.confirmed());
        return WriteJson(txn, "stolen_searches", id, **search);
      }
  spdlog::warn("event=stolen_decision_ignored search_id={} sender={} reason=\"no candidate of that owner with this hit id\"", id, owner);
  return Status::Ok();
}

Result<std::optional<StolenRecord>> MemberStolenService::OwnRecord(store::Txn& txn, const std::string& owner_ref) const {
  auto v = txn.Get(m_store.table("stolen_own"), Key(owner_ref));
  if (!v) return std::optional<StolenRecord>();
  auto r = DecodeSignedRecord(*v);
  if (!r) return MakeError(Errc::kIo, "own record " + owner_ref + " is corrupt");
  return r;
}

Result<std::optional<Json>> MemberStolenService::SearchState(store::Txn& txn, const std::string& search_id) const {
  auto state = ReadJson(txn, "stolen_searches", search_id);
  if (state && *state)  // an owner that has not answered by its deadline is overdue
    for (Json& c : (**state)["candidates"])
      c["overdue"] = c["decision"].is_null() && m_clock.NowMs() > c.value("confirm_by_ms", uint64_t{0});
  return state;
}

Result<Json> MemberStolenService::Hits(store::Txn& txn) const {
  Json open = Json::array(), decided = Json::array();
  uint64_t now = m_clock.NowMs();
  Status scan = txn.Scan(m_store.table("stolen_hits"), {}, [&](ByteView, ByteView v) {
    Json h = Json::parse(AsString(v), nullptr, false);
    if (h.is_discarded()) return true;
    h["overdue"] = h["decision"].is_null() && now > h["confirm_by_ms"].get<uint64_t>();
    (h["decision"].is_null() ? open : decided).push_back(std::move(h));
    return true;
  });
  if (!scan) return scan.error();
  std::sort(open.begin(), open.end(), [](const Json& a, const Json& b) { return a["confirm_by_ms"] < b["confirm_by_ms"]; });
  for (Json& d : decided) open.push_back(std::move(d));
  return open;
}

Result<std::optional<Json>> MemberStolenService::ReadJson(store::Txn& txn, const char* table, const std::string& key) const {
  auto v = txn.Get(m_store.table(table), Key(key));
  if (!v) return std::optional<Json>();
  Json j = Json::parse(AsString(*v), nullptr, false);
  if (j.is_discarded()) return MakeError(Errc::kIo, std::string(table) + " entry " + key + " is corrupt");
  return std::optional<Json>(std::move(j));
}

Status MemberStolenService::WriteJson(store::Txn& txn, const char* table, const std::string& key, const Json& value) {
  return txn.Put(m_store.table(table), Key(key), AsBytes(DumpJson(value)));
}

}  // namespace tracenet::stolen
