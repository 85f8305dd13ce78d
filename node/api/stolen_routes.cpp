// /v1/stolen/...: the lost/stolen index as the API offers it (DOMAIN.md §5): report, update,
// show and import records (imports in numbered all-or-nothing batches that a re-run resumes),
// resynchronise the home hubs, search and follow a search's candidates and the owners'
// decisions, and confirm or deny hits on this node's records. A hub also shows its index and
// its search log.

#include <chrono>

#include "node/api/api_responses.h"
#include "node/api/api_server.h"
#include "node/stolen_exchange/stolen_json.h"

namespace tracenet::api {
namespace {

using stolen::Json;
constexpr size_t kMaxRecordsPerCall = 1000;

// The records in body["records"], owned by `owner`; the error names the record.
Result<std::vector<stolen::StolenRecord>> RecordsFromBody(const std::string& text, const std::string& owner) {
  Json body = Json::parse(text, nullptr, false);
  if (body.is_discarded()) return MakeError(Errc::kInvalidArgument, "request body is not valid JSON");
  if (!body.is_object() || !body.contains("records") || !body["records"].is_array() || body["records"].empty())
    return MakeError(Errc::kInvalidArgument, "records must be a non-empty list of records");
  if (body["records"].size() > kMaxRecordsPerCall)
    return MakeError(Errc::kOversized, "at most " + std::to_string(kMaxRecordsPerCall) + " records per call");
  std::vector<stolen::StolenRecord> records;
  for (size_t i = 0; i < body["records"].size(); ++i) {
    auto r = stolen::RecordFromJson(body["records"][i], owner);
    if (!r) return MakeError(Errc::kInvalidArgument, "records[" + std::to_string(i) + "]: " + r.error().message);
    records.push_back(std::move(*r));
  }
  return records;
}

// One of this node's own records; kNotFound when it reported none by that reference.
Result<stolen::StolenRecord> OwnRecord(runtime::Node& node, const std::string& owner_ref) {
  std::optional<stolen::StolenRecord> found;
  Status st = node.StolenRead([&](store::Txn& txn, stolen::MemberStolenService& member, stolen::HubIndexService*) {
    auto r = member.OwnRecord(txn, owner_ref);
    if (r) found = std::move(*r);
    return r ? Status::Ok() : Status(r.error());
  });
  if (!st) return st.error();
  if (!found) return MakeError(Errc::kNotFound, "this node reported no record " + owner_ref);
  return std::move(*found);
}

}  // namespace

void ApiServer::StolenRoutes() {
  const std::string self = m_node.config().id;

  // Report new records or new versions of existing ones; all or none.
  Post("/v1/stolen/records", users::Permission::kReportStolen, [this, self](const http::Request& req, http::Response& res) {
    auto records = RecordsFromBody(req.body, self);
    if (!records) return SendError(res, records.error());
    auto prepared = m_node.stolen_member().PrepareRecords(std::move(*records));
    if (!prepared) return SendError(res, prepared.error());
    size_t hubs = 0;
    Status st = m_node.StolenCommand([&](store::Txn& txn, stolen::MemberStolenService& member, messaging::Outgoing& out) {
      auto reported = member.Report(txn, *prepared, out);
      if (reported) hubs = *reported;
      return reported ? Status::Ok() : Status(reported.error());
    }, {0, CurrentUser(), "stolen records reported", std::to_string(prepared->size()) + " records", ""});
    if (!st) return SendError(res, st.error());
    SendJson(res, 201, {{"stored", prepared->size()}, {"published_to_hubs", hubs}});
  });

  Get(R"(/v1/stolen/records/([^/]{1,256}))", users::Permission::kReadStolen, [this](const http::Request& req, http::Response& res) {
    auto found = OwnRecord(m_node, req.matches[1]);
    if (!found) return SendError(res, found.error());
    Json j = stolen::RecordToJson(*found);
    j["owner_signature"] = ToHex(found->owner_signature);
    SendJson(res, 200, j);
  });

  // A new status (located, cleared, cancelled) and optionally remarks for one record.
  Post(R"(/v1/stolen/records/([^/]{1,256})/status)", users::Permission::kReportStolen, [this](const http::Request& req, http::Response& res) {
    Json body = Json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("status") || !body["status"].is_string())
      return SendError(res, 400, "invalid_argument", "status (active, located, cleared or cancelled) is required");
    auto record = OwnRecord(m_node, req.matches[1]);
    if (!record) return SendError(res, record.error());
    record->status = body["status"].get<std::string>();
    if (body.contains("remarks") && body["remarks"].is_string()) record->remarks = body["remarks"].get<std::string>();
    record->last_validated_ms = 0;  // validated now
    auto prepared = m_node.stolen_member().PrepareRecords({*record});
    if (!prepared) return SendError(res, prepared.error());
    Status st = m_node.StolenCommand([&](store::Txn& txn, stolen::MemberStolenService& member, messaging::Outgoing& out) {
      auto reported = member.Report(txn, *prepared, out);
      return reported ? Status::Ok() : Status(reported.error());
    }, {0, CurrentUser(), "stolen record status changed", record->owner_ref, record->status});
    if (!st) return SendError(res, st.error());
    SendJson(res, 200, stolen::RecordToJson(prepared->front()));
  });

  Get(R"(/v1/stolen/imports/([A-Za-z0-9_.-]{1,128}))", users::Permission::kReadStolen, [this](const http::Request& req, http::Response& res) {
    uint64_t done = 0;
    (void)m_node.StolenRead([&](store::Txn& txn, stolen::MemberStolenService& member, stolen::HubIndexService*) {
      done = member.ImportProgress(txn, req.matches[1]);
      return Status::Ok();
    });
    SendJson(res, 200, {{"import_id", req.matches[1]}, {"batches_committed", done}});
  });

  Post(R"(/v1/stolen/imports/([A-Za-z0-9_.-]{1,128})/batches/([0-9]{1,9}))", users::Permission::kReportStolen,
         [this, self](const http::Request& req, http::Response& res) {
    auto records = RecordsFromBody(req.body, self);
    if (!records) return SendError(res, records.error());
    auto prepared = m_node.stolen_member().PrepareRecords(std::move(*records));
    if (!prepared) return SendError(res, prepared.error());
    bool committed = false;
    Status st = m_node.StolenCommand([&](store::Txn& txn, stolen::MemberStolenService& member, messaging::Outgoing& out) {
      auto r = member.ImportBatch(txn, req.matches[1], std::stoull(req.matches[2]), *prepared, out);
      if (r) committed = *r;
      return r ? Status::Ok() : Status(r.error());
    }, {0, CurrentUser(), "stolen import batch", std::string(req.matches[1]) + " batch " + std::string(req.matches[2]), std::to_string(prepared->size()) + " records"});
    if (!st) return SendError(res, st.error());
    SendJson(res, committed ? 201 : 200, {{"committed", committed}, {"records", prepared->size()}});
  });

  Post("/v1/stolen/resync", users::Permission::kReportStolen, [this](const http::Request&, http::Response& res) {
    size_t n = 0;
    Status st = m_node.StolenCommand([&](store::Txn& txn, stolen::MemberStolenService& member, messaging::Outgoing& out) {
      auto r = member.Resync(txn, out);
      if (r) n = *r;
      return r ? Status::Ok() : Status(r.error());
    }, {0, CurrentUser(), "stolen records republished", "all own records", ""});
    if (!st) return SendError(res, st.error());
    SendJson(res, 200, {{"republished", n}});
  });

  Post("/v1/stolen/searches", users::Permission::kSearchStolen, [this](const http::Request& req, http::Response& res) {
    Json body = Json::parse(req.body, nullptr, false);
    if (body.is_discarded()) return SendError(res, 400, "bad_json", "request body is not valid JSON");
    auto search = stolen::SearchFromJson(body);
    if (!search) return SendError(res, search.error());
    std::string id;
    Status st = m_node.StolenCommand([&](store::Txn& txn, stolen::MemberStolenService& member, messaging::Outgoing& out) {
      auto started = member.StartSearch(txn, *search, out);
      if (started) id = *started;
      return started ? Status::Ok() : Status(started.error());
    }, {0, CurrentUser(), "stolen search", search->serial, search->case_reference});
    if (!st) return SendError(res, st.error());
    SendJson(res, 202, {{"search_id", id}, {"state", "sent"}});
  });

  // ?wait=N (seconds, at most 30): a long-poll. While the search is still "sent", the call sleeps
  // until the node commits its next batch (an answer may be in it), never polling the store.
  Get(R"(/v1/stolen/searches/([0-9a-zA-Z_.-]{1,128}))", users::Permission::kReadStolen, [this](const http::Request& req, http::Response& res) {
    std::string wait = req.has_param("wait") ? req.get_param_value("wait") : "0";
    if (wait.empty() || wait.size() > 3 || wait.find_first_not_of("0123456789") != std::string::npos)
      return SendError(res, 400, "invalid_argument", "wait is a number of seconds (at most 30)");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(std::min(30, std::stoi(wait)));
    for (;;) {
      uint64_t seen = m_node.commits().Seq();
      std::optional<Json> state;
      Status st = m_node.StolenRead([&](store::Txn& txn, stolen::MemberStolenService& member, stolen::HubIndexService*) {
        auto r = member.SearchState(txn, req.matches[1]);
        if (r) state = std::move(*r);
        return r ? Status::Ok() : Status(r.error());
      });
      if (!st) return SendError(res, st.error());
      if (!state) return SendError(res, 404, "not_found", "no search " + std::string(req.matches[1]) + " on this node");
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if ((*state)["state"] != "sent" || left.count() <= 0) return SendJson(res, 200, *state);
      (void)m_node.commits().WaitAfter(seen, left);
    }
  });

  Get("/v1/stolen/hits", users::Permission::kReadStolen, [this](const http::Request&, http::Response& res) {
    Json hits;
    Status st = m_node.StolenRead([&](store::Txn& txn, stolen::MemberStolenService& member, stolen::HubIndexService*) {
      auto r = member.Hits(txn);
      if (r) hits = std::move(*r);
      return r ? Status::Ok() : Status(r.error());
    });
    if (!st) return SendError(res, st.error());
    SendJson(res, 200, {{"hits", hits}});
  });

  Post(R"(/v1/stolen/hits/([0-9a-f]{32}))", users::Permission::kDecideHits, [this](const http::Request& req, http::Response& res) {
    Json body = Json::parse(req.body, nullptr, false);
    std::string decision = body.is_object() && body.contains("decision") && body["decision"].is_string() ? body["decision"].get<std::string>() : "";
    if (decision != "confirm" && decision != "deny")
      return SendError(res, 400, "invalid_argument", "decision must be confirm or deny");
    std::string note = body.contains("note") && body["note"].is_string() ? body["note"].get<std::string>() : "";
    if (note.size() > stolen::kMaxRemarksBytes) return SendError(res, 400, "invalid_argument", "note is too long");
    Status st = m_node.StolenCommand([&](store::Txn& txn, stolen::MemberStolenService& member, messaging::Outgoing& out) {
      return member.Decide(txn, req.matches[1], decision == "confirm", note, out);
    }, {0, CurrentUser(), "stolen hit " + decision, std::string(req.matches[1]), note});
    if (!st) return SendError(res, st.error());
    SendJson(res, 200, {{"hit_id", req.matches[1]}, {"decision", decision}});
  });

  // A hub's index and search log.
  Get("/v1/stolen/index", users::Permission::kReadStolen, [this](const http::Request& req, http::Response& res) {
    Json out;
    Status st = m_node.StolenRead([&](store::Txn& txn, stolen::MemberStolenService&, stolen::HubIndexService* hub) -> Status {
      if (!hub) return MakeError(Errc::kNotFound, "only a hub keeps the lost/stolen index");
      const auto& c = hub->counters();
      auto log = hub->SearchLog(txn, req.has_param("log") ? std::min<size_t>(1000, std::stoul("0" + req.get_param_value("log"))) : 20);
      if (!log) return log.error();
      out = {{"records", hub->index().size()}, {"records_indexed", c.records_indexed.load()},
             {"publications_refused", c.publications_refused.load()}, {"searches", c.searches.load()},
             {"searches_refused", c.searches_refused.load()}, {"hits_notified", c.hits_notified.load()}, {"search_log", *log}};
      return Status::Ok();
    });
    if (!st) return SendError(res, st.error());
    SendJson(res, 200, out);
  });
}

}  // namespace tracenet::api
