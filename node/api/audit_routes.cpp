// The audit log: checked in place, a signed stretch exported for a third party, the
// checkpoints peers sent in their receipts (witnesses of their logs), and this node's log
// compared with a witness a peer kept for it (node/audit/audit_witness.h).

#include "node/api/api_responses.h"
#include "node/api/api_server.h"
#include "node/api/trace_json.h"

namespace tracenet::api {

namespace {

Json WitnessToJson(const audit::Witness& w) {
  return {{"member", w.member},
          {"seq", w.checkpoint.seq},
          {"hash", ToHex(ByteView(w.checkpoint.hash.data(), w.checkpoint.hash.size()))},
          {"signature", ToHex(w.checkpoint.signature)},
          {"received_at_ms", w.received_at_ms},
          {"conflicts", w.conflicts}};
}

// {"seq", "hash", "signature"} as WitnessToJson writes them.
std::optional<audit::SignedCheckpoint> WitnessFromJson(const Json& j) {
  if (!j.is_object() || !j.contains("seq") || !j["seq"].is_number_unsigned() || !j.contains("hash") ||
      !j["hash"].is_string() || !j.contains("signature") || !j["signature"].is_string())
    return std::nullopt;
  auto hash = FromHex(j["hash"].get<std::string>());
  auto signature = FromHex(j["signature"].get<std::string>());
  if (!hash || hash->size() != 32 || !signature || signature->size() != 64) return std::nullopt;
  audit::SignedCheckpoint c;
  c.seq = j["seq"].get<uint64_t>();
  std::copy(hash->begin(), hash->end(), c.hash.begin());
  c.signature = std::move(*signature);
  return c;
}

}  // namespace

void ApiServer::AuditRoutes() {

  Get("/v1/audit/verify", users::Permission::kAudit, [this](const http::Request&, http::Response& res) {
    auto report = m_node.VerifyAudit();
    if (!report) return SendError(res, report.error());
    SendJson(res, 200, {{"ok", report->ok}, {"entries", report->entries}, {"checkpoints", report->checkpoints},
                        {"first_break", report->ok ? Json(nullptr) : Json(report->first_break)}, {"problem", report->problem}});
  });
  // A signed stretch of the audit log for a third party: ?from=N&to=M (entry numbers; to=0: the last).
  Get("/v1/audit/export", users::Permission::kAudit, [this](const http::Request& req, http::Response& res) {
    auto number = [&](const char* name) -> uint64_t {
      std::string v = req.has_param(name) ? req.get_param_value(name) : "0";
      return v.find_first_not_of("0123456789") == std::string::npos && v.size() < 19 ? std::stoull("0" + v) : UINT64_MAX;
    };
    uint64_t from = number("from"), to = number("to");
    if (from == UINT64_MAX || to == UINT64_MAX) return SendError(res, 400, "invalid_argument", "from and to are entry numbers");
    auto bundle = m_node.ExportAudit(from, to);
    if (!bundle) return SendError(res, bundle.error());
    SendJson(res, 200, *bundle);
  });

  Get("/v1/audit/witnesses", users::Permission::kAudit, [this](const http::Request&, http::Response& res) {
    auto witnesses = m_node.AuditWitnesses();
    if (!witnesses) return SendError(res, witnesses.error());
    Json list = Json::array();
    for (const audit::Witness& w : *witnesses) list.push_back(WitnessToJson(w));
    SendJson(res, 200, {{"node", m_node.config().id}, {"witnesses", list}});
  });

  Post("/v1/audit/witness-check", users::Permission::kAudit, [this](const http::Request& req, http::Response& res) {
    Json body = Json::parse(req.body, nullptr, false);
    if (body.is_discarded()) return SendError(res, 400, "bad_json", "request body is not valid JSON");
    if (body.is_object() && body.contains("member") && body["member"] != m_node.config().id)
      return SendError(res, 400, "invalid_argument", "this witness is for another member's log, not " + m_node.config().id + "'s");
    auto witness = WitnessFromJson(body);
    if (!witness)
      return SendError(res, 400, "invalid_argument", "a witness is {seq, hash: 64 hex, signature: 128 hex} as a peer's "
                                                     "GET /v1/audit/witnesses lists it");
    auto check = m_node.CheckAuditWitness(*witness);
    if (!check) return SendError(res, check.error());
    SendJson(res, 200, {{"consistent", check->consistent}, {"verdict", check->verdict}, {"seq", witness->seq}});
  });
}

}  // namespace tracenet::api
