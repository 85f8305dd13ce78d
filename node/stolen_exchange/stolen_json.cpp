#include "node/stolen_exchange/stolen_json.h"

#include "node/common/json_text.h"

#include <array>

namespace tracenet::stolen {
namespace {

namespace wire = protocol::wire;

// The text fields of a record, by their JSON names.
std::array<std::pair<const char*, std::string StolenRecord::*>, 14> TextFields() {
  return {{{"owner_ref", &StolenRecord::owner_ref}, {"agency", &StolenRecord::agency},
           {"category", &StolenRecord::category}, {"serial", &StolenRecord::serial}, {"make", &StolenRecord::make},
           {"model", &StolenRecord::model}, {"type", &StolenRecord::type}, {"calibre", &StolenRecord::calibre},
           {"country_of_manufacture", &StolenRecord::country_of_manufacture}, {"importer", &StolenRecord::importer},
           {"event_date", &StolenRecord::event_date}, {"event_place", &StolenRecord::event_place},
           {"status", &StolenRecord::status}, {"remarks", &StolenRecord::remarks}}};
}

Error Invalid(std::string message) { return MakeError(Errc::kInvalidArgument, std::move(message)); }

}  // namespace

Json RecordToJson(const StolenRecord& r) {
  Json j{{"owner", r.owner}};
  for (auto [name, field] : TextFields()) j[name] = r.*field;
  j["last_validated_ms"] = r.last_validated_ms;
  j["expires_at_ms"] = r.expires_at_ms;
  j["version_ms"] = r.version_ms;
  return j;
}

Result<StolenRecord> RecordFromJson(const Json& body, const std::string& owner) {
  if (!body.is_object()) return Invalid("a record must be a JSON object");
  StolenRecord r;
  r.owner = owner;
  for (auto [name, field] : TextFields()) {
    if (!body.contains(name)) continue;
    if (!body[name].is_string()) return Invalid(std::string(name) + " must be a string");
    r.*field = body[name].get<std::string>();
  }
  for (auto [name, field] : {std::pair{"last_validated_ms", &StolenRecord::last_validated_ms},
                             {"expires_at_ms", &StolenRecord::expires_at_ms}}) {
    if (!body.contains(name)) continue;
    if (!body[name].is_number_unsigned()) return Invalid(std::string(name) + " must be a non-negative integer");
    r.*field = body[name].get<uint64_t>();
  }
  if (Status s = ValidateRecord(r); !s) return s.error();
  return r;
}

Result<wire::StolenSearchT> SearchFromJson(const Json& body) {
  if (!body.is_object()) return Invalid("a search must be a JSON object");
  wire::StolenSearchT s;
  auto text = [&](const char* name, std::string& out) -> Status {
    if (!body.contains(name)) return Status::Ok();
    if (!body[name].is_string()) return Invalid(std::string(name) + " must be a string");
    out = body[name].get<std::string>();
    if (out.size() > kMaxFieldBytes) return Invalid(std::string(name) + " is longer than " + std::to_string(kMaxFieldBytes) + " bytes");
    return Status::Ok();
  };
  for (auto [name, field] : {std::pair{"serial", &s.serial}, {"make", &s.make}, {"calibre", &s.calibre}, {"type", &s.type},
                             {"case_reference", &s.case_reference}, {"seizure_date", &s.seizure_date},
                             {"seizure_place", &s.seizure_place}, {"circumstances", &s.circumstances},
                             {"officer", &s.officer}})
    if (Status st = text(name, *field); !st) return st.error();
  if (s.serial.empty()) return Invalid("serial is required");
  if (body.contains("narrow_by")) {
    if (!body["narrow_by"].is_array()) return Invalid("narrow_by must be a list of make, calibre, type");
    for (const Json& n : body["narrow_by"]) {
      std::string what = n.is_string() ? n.get<std::string>() : "";
      if (what == "make") s.narrow_by_make = true;
      else if (what == "calibre") s.narrow_by_calibre = true;
      else if (what == "type") s.narrow_by_type = true;
      else return Invalid("narrow_by takes make, calibre and type, not " + DumpJson(n));
    }
  }
  if (body.contains("approximate")) {
    if (!body["approximate"].is_boolean()) return Invalid("approximate must be true or false");
    s.approximate = body["approximate"].get<bool>();
  }
  std::string priority = "routine";
  if (Status st = text("priority", priority); !st) return st.error();
  if (priority != "routine" && priority != "urgent") return Invalid("priority must be routine or urgent");
  s.priority = priority == "urgent" ? wire::Priority::Urgent : wire::Priority::Routine;
  if (auto q = QueryOf(s); !q) return q.error();
  return s;
}

Json SearchToJson(const wire::StolenSearchT& s) {
  Json narrow = Json::array();
  if (s.narrow_by_make) narrow.push_back("make");
  if (s.narrow_by_calibre) narrow.push_back("calibre");
  if (s.narrow_by_type) narrow.push_back("type");
  return {{"search_id", s.search_id}, {"serial", s.serial}, {"make", s.make}, {"calibre", s.calibre}, {"type", s.type},
          {"narrow_by", narrow}, {"approximate", s.approximate},
          {"priority", s.priority == wire::Priority::Urgent ? "urgent" : "routine"},
          {"case_reference", s.case_reference}, {"seizure_date", s.seizure_date}, {"seizure_place", s.seizure_place},
          {"circumstances", s.circumstances}, {"officer", s.officer}};
}

Result<SearchQuery> QueryOf(const wire::StolenSearchT& s) {
  auto forms = SerialFormsOf(s.serial, /*wildcards=*/true);
  if (!forms) return MakeError(Errc::kInvalidArgument, "serial: " + forms.error().message);
  return SearchQuery{std::move(*forms), s.make,           s.calibre,      s.type, s.narrow_by_make,
                     s.narrow_by_calibre, s.narrow_by_type, s.approximate};
}

}  // namespace tracenet::stolen
