#include "adapters/process/json_lines_protocol.h"

#include "adapters/sdk/findings_assembly.h"

namespace tracenet::adapters::protocol {

namespace {

using nlohmann::json;

Error Malformed(const std::string& what) { return MakeError(Errc::kMalformed, "adapter sent malformed output: " + what); }

// Reads an optional string member; a present member must be a string of bounded length.
Result<std::string> OptionalText(const json& object, const char* key, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::string();
  if (!it->is_string()) return Malformed(where + "." + key + " must be a string");
  const std::string& v = it->get_ref<const std::string&>();
  if (v.size() > 64 * 1024) return Malformed(where + "." + key + " is longer than 64 KiB");
  return v;
}

Result<FindingOutcome> OutcomeFromName(const std::string& name) {
  if (name == "found") return FindingOutcome::kFound;
  if (name == "partial") return FindingOutcome::kPartial;
  if (name == "no_record") return FindingOutcome::kNoRecord;
  return Malformed("outcome \"" + name.substr(0, 40) + "\" is not found, partial or no_record");
}

const char* OutcomeName(FindingOutcome outcome) {
  switch (outcome) {
    case FindingOutcome::kFound: return "found";
    case FindingOutcome::kPartial: return "partial";
    case FindingOutcome::kNoRecord: break;
  }
  return "no_record";
}

Status ExpectReply(const json& m, const char* type, uint64_t id) {
  if (m["type"] == "error") {
    auto message = OptionalText(m, "message", "error");
    std::string code = m.contains("code") && m["code"].is_string() ? m["code"].get<std::string>() : "";
    Errc errc = code == "unavailable" ? Errc::kUnavailable : code == "timeout" ? Errc::kTimeout : Errc::kIo;
    return MakeError(errc, "adapter reported " + (code.empty() ? std::string("an error") : code) + ": " +
                               (message ? *message : std::string("(no message)")));
  }
  if (m["type"] != type) return Malformed(std::string("expected a \"") + type + "\" reply, got \"" +
                                          m["type"].get<std::string>().substr(0, 40) + "\"");
  if (!m.contains("id") || !m["id"].is_number_unsigned() || m["id"].get<uint64_t>() != id)
    return Malformed("reply id does not match request id " + std::to_string(id));
  return Status::Ok();
}

}  // namespace

std::string Dump(const json& message) { return message.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string HelloRequest(const json& settings) {
  return Dump({{"type", "hello"}, {"protocol", "tracenet-adapter"}, {"versions", {kVersion}}, {"settings", settings}});
}

std::string LookupRequest(uint64_t id, const WeaponQuery& q) {
  return Dump({{"type", "lookup"},
               {"id", id},
               {"query",
                {{"serial", q.serial},
                 {"manufacturer", q.manufacturer},
                 {"model", q.model},
                 {"type", q.type},
                 {"calibre", q.calibre},
                 {"country_of_manufacture", q.country_of_manufacture}}}});
}

std::string HealthRequest(uint64_t id) { return Dump({{"type", "health"}, {"id", id}}); }

Result<json> ParseMessage(std::string_view line) {
  if (line.size() > kMaxLineBytes) return Malformed("a line longer than 1 MiB");
  json m = json::parse(line.begin(), line.end(), nullptr, false);
  if (m.is_discarded()) return Malformed("not JSON: \"" + std::string(line.substr(0, 60)) + "\"");
  if (!m.is_object() || !m.contains("type") || !m["type"].is_string())
    return Malformed("not an object with a string \"type\"");
  return m;
}

Result<int> ReadHelloReply(const json& m) {
  if (m["type"] == "error") {
    auto message = OptionalText(m, "message", "error");
    return MakeError(Errc::kConfig, "adapter refused to start: " + (message ? *message : std::string("(no message)")));
  }
  if (m["type"] != "hello") return Malformed("the first line must be the hello reply");
  if (!m.contains("version") || !m["version"].is_number_integer())
    return Malformed("hello reply has no integer \"version\"");
  int version = m["version"].get<int>();
  if (version != kVersion)
    return MakeError(Errc::kUnsupportedVersion, "adapter speaks protocol version " + std::to_string(version) +
                                                    "; this node speaks version " + std::to_string(kVersion));
  return version;
}

Result<Findings> ReadLookupReply(const json& m, uint64_t id) {
  if (Status s = ExpectReply(m, "findings", id); !s) return s.error();
  Findings f;
  auto outcome_name = OptionalText(m, "outcome", "findings");
  if (!outcome_name) return outcome_name.error();
  auto outcome = OutcomeFromName(*outcome_name);
  if (!outcome) return outcome.error();
  f.outcome = *outcome;
  if (f.outcome == FindingOutcome::kNoRecord) return f;
  const json weapon = m.contains("weapon") ? m["weapon"] : json::object();
  if (!weapon.is_object()) return Malformed("findings.weapon must be an object");
  std::pair<const char*, std::string*> weapon_fields[] = {
      {"manufacturer", &f.manufacturer}, {"model", &f.model}, {"type", &f.type}, {"calibre", &f.calibre},
      {"country_of_manufacture", &f.country_of_manufacture}};
  for (auto& [key, out] : weapon_fields) {
    auto v = OptionalText(weapon, key, "weapon");
    if (!v) return v.error();
    *out = *v;
  }
  if (weapon.contains("year")) {
    if (!weapon["year"].is_number_integer() || weapon["year"].get<int64_t>() < 0 || weapon["year"].get<int64_t>() > 9999)
      return Malformed("weapon.year must be a whole number from 0 to 9999");
    f.year = weapon["year"].get<int>();
  }
  auto comments = OptionalText(m, "comments", "findings");
  if (!comments) return comments.error();
  f.comments = *comments;
  const json chain = m.contains("chain") ? m["chain"] : json::array();
  if (!chain.is_array()) return Malformed("findings.chain must be a list");
  if (chain.size() > kMaxChainLength) return Malformed("findings.chain has more than 1000 entries");
  for (size_t i = 0; i < chain.size(); ++i) {
    std::string where = "chain[" + std::to_string(i) + "]";
    if (!chain[i].is_object()) return Malformed(where + " must be an object");
    CustodyEntry e;
    std::pair<const char*, std::string*> fields[] = {
        {"role", &e.role}, {"name", &e.name}, {"licence_number", &e.licence_number}, {"country", &e.country},
        {"address", &e.address}, {"date_in", &e.date_in}, {"date_out", &e.date_out},
        {"document_type", &e.document_type}, {"document_reference", &e.document_reference},
        {"source_record", &e.source_record}};
    for (auto& [key, out] : fields) {
      auto v = OptionalText(chain[i], key, where);
      if (!v) return v.error();
      *out = *v;
    }
    f.chain.push_back(std::move(e));
  }
  if (Status s = CheckFindings(f); !s) return Malformed(s.error().message);
  FillDatesOut(f);
  return f;
}

Status ReadHealthReply(const json& m, uint64_t id) {
  if (Status s = ExpectReply(m, "health", id); !s) return s;
  if (!m.contains("ok") || !m["ok"].is_boolean()) return Malformed("health reply has no boolean \"ok\"");
  if (m["ok"].get<bool>()) return Status::Ok();
  auto message = OptionalText(m, "message", "health");
  return MakeError(Errc::kUnavailable, "adapter reports unhealthy: " + (message ? *message : std::string()));
}

Result<WeaponQuery> QueryFromJson(const json& q) {
  if (!q.is_object()) return MakeError(Errc::kMalformed, "query must be an object");
  WeaponQuery out;
  std::pair<const char*, std::string*> fields[] = {
      {"serial", &out.serial}, {"manufacturer", &out.manufacturer}, {"model", &out.model}, {"type", &out.type},
      {"calibre", &out.calibre}, {"country_of_manufacture", &out.country_of_manufacture}};
  for (auto& [key, value] : fields) {
    auto v = OptionalText(q, key, "query");
    if (!v) return MakeError(Errc::kMalformed, v.error().message);
    *value = *v;
  }
  return out;
}

json FindingsToJson(const Findings& f) {
  json out{{"type", "findings"}, {"outcome", OutcomeName(f.outcome)}};
  if (f.outcome == FindingOutcome::kNoRecord) return out;
  out["weapon"] = {{"manufacturer", f.manufacturer}, {"model", f.model}, {"type", f.type}, {"calibre", f.calibre},
                   {"country_of_manufacture", f.country_of_manufacture}, {"year", f.year}};
  out["comments"] = f.comments;
  json chain = json::array();
  for (const CustodyEntry& e : f.chain)
    chain.push_back({{"role", e.role}, {"name", e.name}, {"licence_number", e.licence_number}, {"country", e.country},
                     {"address", e.address}, {"date_in", e.date_in}, {"date_out", e.date_out},
                     {"document_type", e.document_type}, {"document_reference", e.document_reference},
                     {"source_record", e.source_record}});
  out["chain"] = std::move(chain);
  return out;
}

json ErrorToJson(uint64_t id, const Error& error) {
  std::string code = error.code == Errc::kUnavailable ? "unavailable" : error.code == Errc::kTimeout ? "timeout" : "error";
  return {{"type", "error"}, {"id", id}, {"code", code}, {"message", error.message}};
}

}  // namespace tracenet::adapters::protocol
