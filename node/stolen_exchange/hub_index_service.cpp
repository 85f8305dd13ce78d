#include "node/stolen_exchange/hub_index_service.h"

#include "node/common/json_text.h"

#include <spdlog/spdlog.h>

#include "node/protocol/envelope.h"
#include "node/stolen_exchange/record_signing.h"

namespace tracenet::stolen {
namespace {

namespace wire = protocol::wire;

}  // namespace

Result<std::unique_ptr<HubIndexService>> HubIndexService::Open(
    store::NodeStore& store, const Clock& clock, HubIndexOptions options,
    std::function<std::optional<crypto::PublicKey32>(const std::string&)> sign_key_of) {
  auto index = StolenIndex::Open(options.index_dir);
  if (!index) return index.error();
  std::unique_ptr<HubIndexService> service(new HubIndexService(store, clock, std::move(options), std::move(sign_key_of)));
  service->m_index = std::move(*index);
  return service;
}

Status HubIndexService::OnAccepted(store::Txn& txn, const protocol::Opened& message, messaging::Outgoing& out) {
  switch (message.header.kind) {
    case wire::MessageKind::StolenPublish: return OnPublish(txn, message, out);
    case wire::MessageKind::StolenSearch: return OnSearch(txn, message, out);
    default:
      spdlog::warn("event=stolen_message_ignored kind={} sender={} reason=\"a hub takes publications and searches\"",
                   wire::EnumNameMessageKind(message.header.kind), message.header.sender);
      return Status::Ok();
  }
}

Status HubIndexService::OnPublish(store::Txn& txn, const protocol::Opened& message, messaging::Outgoing& out) {
  const std::string& sender = message.header.sender;
  const auto* publish = flatbuffers::GetRoot<wire::StolenPublish>(message.payload.data());
  auto key = m_sign_key_of(sender);
  std::vector<StolenRecord> records;
  std::string refused;
  for (size_t i = 0; i < publish->records()->size() && refused.empty(); ++i) {
    std::unique_ptr<wire::SignedStolenRecordT> w(publish->records()->Get(static_cast<flatbuffers::uoffset_t>(i))->UnPack());
    auto record = FromWire(*w);
    std::string which = "record " + std::to_string(i + 1);
    // Validated before anything of it is echoed into a log, the audit log or the refusal.
    if (!record) refused = which + ": not a valid record encoding";
    else if (Status s = ValidateRecord(*record); !s) refused = which + ": " + s.error().message;
    else if (record->owner != sender) refused = which + " (" + record->owner_ref + ") belongs to " + record->owner + ", not to the sender " + sender;
    else if (!key || !RecordSignatureValid(*record, *key)) refused = which + " (" + record->owner_ref + "): the owner signature does not verify";
    else records.push_back(std::move(*record));
  }
  if (!refused.empty()) {
    // All or nothing: a publication with one bad record changes nothing; the owner is told why.
    ++m_counters.publications_refused;
    spdlog::warn("event=stolen_publication_refused sender={} records={} reason=\"{}\"", sender, publish->records()->size(), refused);
    wire::ErrorT error;
    error.in_reply_to = message.header.message_id;
    error.code = wire::ErrorCode::InvalidPayload;
    error.detail = "lost/stolen publication refused, nothing stored: " + refused;
    if (m_audit) m_audit->Add({m_clock.NowMs(), sender, "stolen publication refused", ToHex(message.header.message_id), refused});
    auto sent = out.Send(txn, sender, wire::MessageKind::Error, protocol::PackPayload<wire::Error>(error));
    return sent ? Status::Ok() : Status(sent.error());
  }
  if (Status s = m_index->Put(records); !s) return s;  // storage failure: the batch is not acknowledged
  m_counters.records_indexed += records.size();
  if (m_audit)
    m_audit->Add({m_clock.NowMs(), sender, "stolen records indexed", ToHex(message.header.message_id),
                  std::to_string(records.size()) + " records"});
  return Status::Ok();
}

Status HubIndexService::OnSearch(store::Txn& txn, const protocol::Opened& message, messaging::Outgoing& out) {
  const std::string& searcher = message.header.sender;
  std::unique_ptr<wire::StolenSearchT> search(flatbuffers::GetRoot<wire::StolenSearch>(message.payload.data())->UnPack());
  uint64_t now = m_clock.NowMs();
  wire::StolenSearchAnswerT answer;
  answer.search_id = search->search_id;
  answer.index_records = m_index->size();
  Json log{{"at_ms", now}, {"searcher", searcher}, {"search_id", search->search_id}, {"serial", search->serial},
           {"make", search->make}, {"case_reference", search->case_reference}};
  auto query = QueryOf(*search);
  Result<SearchResult> result = MakeError(Errc::kInvalidArgument, "");
  if (!m_limiter_at_batch_start) m_limiter_at_batch_start = m_limiter;
  if (!m_limiter.Allow(searcher, now)) {
    ++m_counters.searches_refused;
    answer.refused = "rate limit: at most " + std::to_string(m_limiter.per_minute()) + " searches a minute per member";
  } else if (!query) {
    answer.refused = query.error().message;
  } else if (result = m_index->Search(*query, m_options.max_candidates); !result) {
    if (result.error().code != Errc::kInvalidArgument) return result.error();
    answer.refused = result.error().message;
  }
  if (!answer.refused.empty()) {
    log["refused"] = answer.refused;
    spdlog::info("event=stolen_search_refused searcher={} search_id={} reason=\"{}\"", searcher, search->search_id, answer.refused);
  } else {
    ++m_counters.searches;
    answer.examined = static_cast<uint32_t>(result->examined);
    uint64_t confirm_ms = search->priority == wire::Priority::Urgent ? m_options.urgent_confirm_ms : m_options.routine_confirm_ms;
    Json hits = Json::array();
    for (SearchHit& hit : result->hits) {
      if (hit.record.status == "cancelled") continue;  // withdrawn by its owner
      // Past its expiry a record is stale until its owner validates it again: still shown,
      // since a weapon is no less stolen for a lapsed review, but said so.
      if (hit.record.expires_at_ms != 0 && hit.record.expires_at_ms < now)
        hit.candidate.reasons.push_back("record expired " + FormatUtc(hit.record.expires_at_ms) +
                                        " (last validated " + FormatUtc(hit.record.last_validated_ms) + "): ask the owner");
      auto c = std::make_unique<wire::StolenCandidateT>();
      c->record = std::make_unique<wire::SignedStolenRecordT>(ToWire(hit.record));
      c->score = static_cast<uint8_t>(hit.candidate.score);
      c->reasons = hit.candidate.reasons;
      c->hit_id = ToHex(protocol::NewMessageId());
      c->confirm_by_ms = now + confirm_ms;
      if (hit.record.owner != searcher) {
        wire::StolenHitNoticeT notice;
        notice.hit_id = c->hit_id;
        notice.searcher = searcher;
        notice.search = std::make_unique<wire::StolenSearchT>(*search);
        notice.owner_ref = hit.record.owner_ref;
        notice.score = c->score;
        notice.reasons = c->reasons;
        notice.confirm_by_ms = now + confirm_ms;
        auto sent = out.Send(txn, hit.record.owner, wire::MessageKind::StolenHitNotice, protocol::PackPayload<wire::StolenHitNotice>(notice));
        if (!sent) return sent.error();
        ++m_counters.hits_notified;
      }
      hits.push_back({{"hit_id", c->hit_id}, {"owner", hit.record.owner}, {"owner_ref", hit.record.owner_ref}, {"score", c->score}});
      answer.candidates.push_back(std::move(c));
    }
    log["candidates"] = hits;
  }
  if (m_audit)
    m_audit->Add({now, searcher, answer.refused.empty() ? "stolen search" : "stolen search refused", search->search_id,
                  answer.refused.empty() ? std::to_string(answer.candidates.size()) + " candidates" : answer.refused});
  if (Status s = Log(txn, std::move(log)); !s) return s;
  auto sent = out.Send(txn, searcher, wire::MessageKind::StolenSearchAnswer, protocol::PackPayload<wire::StolenSearchAnswer>(answer));
  return sent ? Status::Ok() : Status(sent.error());
}

Status HubIndexService::Log(store::Txn& txn, Json entry) {
  uint64_t seq = 1;
  if (auto last = txn.LastKey(m_store.table("stolen_search_log"))) seq = store::U64FromKey(*last) + 1;
  return txn.Append(m_store.table("stolen_search_log"), store::U64Key(seq), AsBytes(DumpJson(entry)));
}

Result<Json> HubIndexService::SearchLog(store::Txn& txn, size_t limit) const {
  Json entries = Json::array();
  Status s = txn.ScanReverse(m_store.table("stolen_search_log"), [&](ByteView, ByteView v) {
    Json e = Json::parse(AsString(v), nullptr, false);
    if (!e.is_discarded()) entries.push_back(std::move(e));
    return entries.size() < limit;
  });
  if (!s) return s.error();
  return entries;
}

}  // namespace tracenet::stolen
