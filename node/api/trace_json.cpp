#include "node/api/trace_json.h"

#include <sodium.h>

#include <cctype>

#include "node/common/clock.h"
#include "node/protocol/photo_rules.h"
#include "node/trace/lifecycle.h"

namespace tracenet::api {

namespace wire = trace::wire;

namespace {

std::string Squash(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != '_' && c != ' ' && c != '-') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

std::string SnakeName(std::string_view camel) {
  std::string out;
  for (char c : camel) {
    if (std::isupper(static_cast<unsigned char>(c)) && !out.empty()) out.push_back('_');
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

// Reads an enum given by its snake_case name; names 0 (Unspecified) are refused.
template <typename E>
Status ParseEnum(const Json& obj, const char* key, const std::string& field, const char* const* names, E& out,
                 bool required) {
  if (!obj.contains(key)) {
    if (required) return MakeError(Errc::kInvalidArgument, field + " is required");
    return Status::Ok();
  }
  std::string allowed;
  if (obj[key].is_string()) {
    std::string wanted = Squash(obj[key].get<std::string>());
    for (int i = 1; names[i]; ++i) {
      if (Squash(names[i]) == wanted) {
        out = static_cast<E>(i);
        return Status::Ok();
      }
    }
  }
  for (int i = 1; names[i]; ++i) allowed += (i > 1 ? ", " : "") + SnakeName(names[i]);
  return MakeError(Errc::kInvalidArgument, field + " must be one of " + allowed);
}

Status Str(const Json& obj, const char* key, const std::string& prefix, std::string& out, size_t max = 4096) {
  if (!obj.contains(key) || obj[key].is_null()) return Status::Ok();
  if (!obj[key].is_string()) return MakeError(Errc::kInvalidArgument, prefix + key + " must be a string");
  out = obj[key].get<std::string>();
  if (out.size() > max)
    return MakeError(Errc::kInvalidArgument, prefix + key + " is longer than " + std::to_string(max) + " characters");
  return Status::Ok();
}

#define TRY(expr) \
  if (Status _s = (expr); !_s) return _s.error()

Result<std::unique_ptr<wire::WeaponT>> WeaponFromJson(const Json& j) {
  if (!j.is_object()) return MakeError(Errc::kInvalidArgument, "weapon must be an object");
  auto w = std::make_unique<wire::WeaponT>();
  TRY(Str(j, "serial", "weapon.", w->serial, 64));
  TRY(Str(j, "manufacturer", "weapon.", w->manufacturer, 256));
  TRY(Str(j, "model", "weapon.", w->model, 256));
  TRY(Str(j, "calibre", "weapon.", w->calibre, 64));
  TRY(Str(j, "country_of_manufacture", "weapon.", w->country_of_manufacture, 64));
  TRY(Str(j, "importer_marking", "weapon.", w->importer_marking, 256));
  TRY(Str(j, "country_of_import", "weapon.", w->country_of_import, 64));
  if (j.contains("serial_obliterated")) {
    if (!j["serial_obliterated"].is_boolean())
      return MakeError(Errc::kInvalidArgument, "weapon.serial_obliterated must be true or false");
    w->serial_obliterated = j["serial_obliterated"].get<bool>();
  }
  if (j.contains("year")) {
    if (!j["year"].is_number_integer() || j["year"].get<int>() < 1800 || j["year"].get<int>() > 2100)
      return MakeError(Errc::kInvalidArgument, "weapon.year must be a year between 1800 and 2100");
    w->year = static_cast<uint16_t>(j["year"].get<int>());
  }
  TRY(ParseEnum(j, "type", "weapon.type", wire::EnumNamesWeaponType(), w->type, true));
  if (j.contains("other_markings")) {
    if (!j["other_markings"].is_array()) return MakeError(Errc::kInvalidArgument, "weapon.other_markings must be a list");
    for (const Json& m : j["other_markings"]) {
      if (!m.is_string()) return MakeError(Errc::kInvalidArgument, "weapon.other_markings must hold strings");
      w->other_markings.push_back(m.get<std::string>());
    }
  }
  if (w->serial.empty() && !w->serial_obliterated)
    return MakeError(Errc::kInvalidArgument, "weapon.serial is required unless weapon.serial_obliterated is true");
  if (w->manufacturer.empty()) return MakeError(Errc::kInvalidArgument, "weapon.manufacturer is required");
  return w;
}

// photos: [{"media_type": ..., "caption": ..., "data_base64": ...}]
Status PhotosFromJson(const Json& j, std::vector<std::unique_ptr<wire::PhotoT>>& out) {
  if (!j.is_array()) return MakeError(Errc::kInvalidArgument, "photos must be a list");
  if (j.size() > protocol::kMaxPhotos)
    return MakeError(Errc::kOversized, "at most " + std::to_string(protocol::kMaxPhotos) + " photos per trace request");
  for (size_t i = 0; i < j.size(); ++i) {
    std::string which = "photos[" + std::to_string(i) + "]";
    if (!j[i].is_object()) return MakeError(Errc::kInvalidArgument, which + " must be an object");
    auto photo = std::make_unique<wire::PhotoT>();
    TRY(Str(j[i], "media_type", which + ".", photo->media_type, 64));
    TRY(Str(j[i], "caption", which + ".", photo->caption, protocol::kMaxPhotoCaption));
    if (!j[i].contains("data_base64") || !j[i]["data_base64"].is_string())
      return MakeError(Errc::kInvalidArgument, which + ".data_base64 (the image, base64) is required");
    const std::string& base64 = j[i]["data_base64"].get_ref<const std::string&>();
    if (base64.size() > (protocol::kMaxPhotoBytes + 2) / 3 * 4 + 64)
      return MakeError(Errc::kOversized, which + " is larger than " + std::to_string(protocol::kMaxPhotoBytes / 1024) +
                                             " KiB; resize or recompress it");
    photo->data.resize(base64.size() / 4 * 3 + 3);
    size_t length = 0;
    if (sodium_base642bin(photo->data.data(), photo->data.size(), base64.data(), base64.size(), " \r\n", &length,
                          nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
      return MakeError(Errc::kInvalidArgument, which + ".data_base64 is not base64");
    photo->data.resize(length);
    TRY(protocol::CheckPhoto(which, photo->media_type, photo->caption, photo->data));
    out.push_back(std::move(photo));
  }
  return Status::Ok();
}

}  // namespace

Result<wire::TraceRequestT> TraceRequestFromJson(const Json& body) {
  if (!body.is_object()) return MakeError(Errc::kInvalidArgument, "request body must be a JSON object");
  wire::TraceRequestT r;
  TRY(ParseEnum(body, "priority", "priority", wire::EnumNamesPriority(), r.priority, true));
  TRY(ParseEnum(body, "grounds", "grounds", wire::EnumNamesIllicitGrounds(), r.grounds, true));
  if (body.contains("request_id"))
    return MakeError(Errc::kInvalidArgument, "request_id is the case id, chosen by the node; put your own reference "
                                             "in agency_case_number");
  TRY(Str(body, "urgency_justification", "", r.urgency_justification));
  TRY(Str(body, "special_instructions", "", r.special_instructions));
  TRY(Str(body, "requesting_agency", "", r.requesting_agency, 256));
  TRY(Str(body, "agency_case_number", "", r.agency_case_number, 128));
  TRY(Str(body, "grounds_detail", "", r.grounds_detail));
  TRY(Str(body, "intended_use", "", r.intended_use));
  TRY(Str(body, "confidentiality_statement", "", r.confidentiality_statement));
  if (r.priority == wire::Priority::Urgent && r.urgency_justification.empty())
    return MakeError(Errc::kInvalidArgument, "urgency_justification is required for an urgent trace");
  if (!body.contains("weapon")) return MakeError(Errc::kInvalidArgument, "weapon is required");
  auto weapon = WeaponFromJson(body["weapon"]);
  if (!weapon) return weapon.error();
  r.weapon = std::move(weapon.value());
  if (body.contains("officer")) {
    const Json& o = body["officer"];
    if (!o.is_object()) return MakeError(Errc::kInvalidArgument, "officer must be an object");
    r.officer = std::make_unique<wire::OfficerT>();
    TRY(Str(o, "name", "officer.", r.officer->name, 256));
    TRY(Str(o, "badge", "officer.", r.officer->badge, 64));
    TRY(Str(o, "phone", "officer.", r.officer->phone, 64));
    TRY(Str(o, "email", "officer.", r.officer->email, 256));
  }
  if (body.contains("recovery")) {
    const Json& rc = body["recovery"];
    if (!rc.is_object()) return MakeError(Errc::kInvalidArgument, "recovery must be an object");
    r.recovery = std::make_unique<wire::RecoveryT>();
    TRY(Str(rc, "date", "recovery.", r.recovery->date, 32));
    TRY(Str(rc, "place", "recovery.", r.recovery->place, 256));
    TRY(Str(rc, "country", "recovery.", r.recovery->country, 64));
    TRY(Str(rc, "crime_category", "recovery.", r.recovery->crime_category, 128));
    TRY(Str(rc, "circumstances", "recovery.", r.recovery->circumstances));
  }
  if (body.contains("possessor")) {
    const Json& p = body["possessor"];
    if (!p.is_object()) return MakeError(Errc::kInvalidArgument, "possessor must be an object");
    r.possessor = std::make_unique<wire::PossessorT>();
    TRY(Str(p, "name", "possessor.", r.possessor->name, 256));
    TRY(Str(p, "alias", "possessor.", r.possessor->alias, 256));
    TRY(Str(p, "date_of_birth", "possessor.", r.possessor->date_of_birth, 32));
    TRY(Str(p, "address", "possessor.", r.possessor->address, 512));
  }
  if (body.contains("photos")) TRY(PhotosFromJson(body["photos"], r.photos));
  return r;
}

Json CaseToJson(const trace::CaseRecord& r, uint64_t now_ms) {
  Json j;
  j["case_id"] = ToHex(r.case_id);
  j["direction"] = r.direction == trace::local::CaseDirection::Outgoing ? "outgoing" : "incoming";
  j["peer"] = r.peer;
  j["state"] = r.state;
  j["outcome"] = r.outcome;
  j["created_at"] = FormatUtc(r.created_at_ms);
  j["due_at"] = FormatUtc(r.due_at_ms);
  j["overdue"] = !trace::IsSettled(r.state) && r.due_at_ms < now_ms;
  j["open_question"] = nullptr;  // the requested state's last question, until the requester answers it
  if (!trace::IsSettled(r.state))
    for (const auto& e : r.timeline) {
      if (e->state == trace::state::kClarificationRequested) j["open_question"] = e->detail;
      if (e->state == trace::state::kClarificationAnswered) j["open_question"] = nullptr;
    }
  j["request_id"] = r.request_id;
  j["priority"] = SnakeName(r.priority);
  j["weapon"] = {{"serial", r.serial},          {"manufacturer", r.manufacturer},
                 {"model", r.model},            {"type", SnakeName(r.weapon_type)},
                 {"calibre", r.calibre}};
  return j;
}

Json ResponseToJson(const Bytes& payload) {
  flatbuffers::Verifier verifier(payload.data(), payload.size());
  if (!verifier.VerifyBuffer<wire::TraceResponse>(nullptr)) return {{"error", "stored response is unreadable"}};
  const wire::TraceResponse* resp = flatbuffers::GetRoot<wire::TraceResponse>(payload.data());
  auto str = [](const flatbuffers::String* s) { return s ? s->str() : std::string(); };
  Json out = {{"outcome", std::string(trace::OutcomeName(resp->outcome()))},
              {"reason", SnakeName(wire::EnumNameOutcomeReason(resp->reason()))},
              {"reason_detail", str(resp->reason_detail())},
              {"manufacturer", str(resp->manufacturer())},
              {"model", str(resp->model())},
              {"calibre", str(resp->calibre())},
              {"comments", str(resp->comments())},
              {"use_restrictions", str(resp->use_restrictions())},
              {"custody_chain", Json::array()}};
  if (resp->custody_chain())
    for (const wire::CustodyLink* l : *resp->custody_chain())
      out["custody_chain"].push_back(Json{{"role", SnakeName(wire::EnumNameCustodyRole(l->role()))},
                                          {"name", str(l->name())},
                                          {"licence_number", str(l->licence_number())},
                                          {"country", str(l->country())},
                                          {"address", str(l->address())},
                                          {"date_in", str(l->date_in())},
                                          {"date_out", str(l->date_out())},
                                          {"document_type", str(l->document_type())},
                                          {"document_reference", str(l->document_reference())},
                                          {"source_record", str(l->source_record())}});
  return out;
}

Json RequestToJson(const Bytes& payload) {
  flatbuffers::Verifier verifier(payload.data(), payload.size());
  if (!verifier.VerifyBuffer<wire::TraceRequest>(nullptr)) return {{"error", "stored request is unreadable"}};
  // Read in place: unpacking would copy every photo's bytes only to report their sizes.
  const wire::TraceRequest& q = *flatbuffers::GetRoot<wire::TraceRequest>(payload.data());
  auto str = [](const flatbuffers::String* s) { return s ? s->str() : std::string(); };
  Json out = {{"request_id", str(q.request_id())},
              {"requesting_state", str(q.requesting_state())},
              {"requesting_agency", str(q.requesting_agency())},
              {"agency_case_number", str(q.agency_case_number())},
              {"priority", SnakeName(wire::EnumNamePriority(q.priority()))},
              {"urgency_justification", str(q.urgency_justification())},
              {"special_instructions", str(q.special_instructions())},
              {"grounds", SnakeName(wire::EnumNameIllicitGrounds(q.grounds()))},
              {"grounds_detail", str(q.grounds_detail())},
              {"intended_use", str(q.intended_use())},
              {"photos", Json::array()}};
  if (const wire::Weapon* w = q.weapon()) {
    Json markings = Json::array();
    if (w->other_markings())
      for (const flatbuffers::String* m : *w->other_markings()) markings.push_back(m->str());
    out["weapon"] = {{"serial", str(w->serial())},
                     {"serial_obliterated", w->serial_obliterated()},
                     {"manufacturer", str(w->manufacturer())},
                     {"model", str(w->model())},
                     {"type", SnakeName(wire::EnumNameWeaponType(w->type()))},
                     {"calibre", str(w->calibre())},
                     {"country_of_manufacture", str(w->country_of_manufacture())},
                     {"importer_marking", str(w->importer_marking())},
                     {"year", w->year()},
                     {"other_markings", markings}};
  }
  if (const wire::Officer* o = q.officer())
    out["officer"] = {{"name", str(o->name())}, {"badge", str(o->badge())}, {"phone", str(o->phone())}, {"email", str(o->email())}};
  if (const wire::Recovery* r = q.recovery())
    out["recovery"] = {{"date", str(r->date())},
                       {"place", str(r->place())},
                       {"country", str(r->country())},
                       {"crime_category", str(r->crime_category())},
                       {"circumstances", str(r->circumstances())}};
  if (q.photos())
    for (flatbuffers::uoffset_t i = 0; i < q.photos()->size(); ++i) {
      const wire::Photo* p = q.photos()->Get(i);
      out["photos"].push_back({{"index", i},
                               {"media_type", str(p->media_type())},
                               {"caption", str(p->caption())},
                               {"bytes", p->data() ? p->data()->size() : 0}});
    }
  return out;
}

Json CaseWithTimelineToJson(const trace::CaseRecord& r, uint64_t now_ms, const std::optional<Bytes>& response,
                            const std::optional<Bytes>& request) {
  Json j = CaseToJson(r, now_ms);
  if (request) j["request"] = RequestToJson(*request);
  j["timeline"] = Json::array();
  for (const auto& e : r.timeline)
    j["timeline"].push_back(Json{{"event", e->state}, {"at", FormatUtc(e->at_ms)}, {"at_ms", e->at_ms}, {"detail", e->detail}});
  if (response) j["response"] = ResponseToJson(*response);
  return j;
}

Result<trace::ReviewDecision> ReviewDecisionFromJson(const Json& body) {
  if (!body.is_object()) return MakeError(Errc::kInvalidArgument, "send a JSON object with an action");
  trace::ReviewDecision d;
  auto action = body.contains("action") && body["action"].is_string()
                    ? trace::ReviewActionFromName(body["action"].get<std::string>())
                    : std::nullopt;
  if (!action) return MakeError(Errc::kInvalidArgument, "action must be one of approve, restrict, partial, refuse");
  d.action = *action;
  if (Status s = ParseEnum(body, "reason", "reason", wire::EnumNamesOutcomeReason(), d.reason, false); !s) return s.error();
  if (Status s = Str(body, "reason_detail", "", d.reason_detail); !s) return s.error();
  if (Status s = Str(body, "comments", "", d.comments); !s) return s.error();
  if (Status s = Str(body, "use_restrictions", "", d.use_restrictions); !s) return s.error();
  if (body.contains("withhold_custody")) {
    if (!body["withhold_custody"].is_boolean()) return MakeError(Errc::kInvalidArgument, "withhold_custody must be true or false");
    d.withhold_custody = body["withhold_custody"].get<bool>();
  }
  if (body.contains("keep_custody")) {
    const Json& keep = body["keep_custody"];
    if (!keep.is_array()) return MakeError(Errc::kInvalidArgument, "keep_custody must be a list of link numbers (from 0)");
    for (const Json& k : keep) {
      if (!k.is_number_unsigned() || k.get<uint64_t>() > 10000)
        return MakeError(Errc::kInvalidArgument, "keep_custody must be a list of link numbers (from 0)");
      d.keep_custody.push_back(k.get<size_t>());
    }
  }
  return d;
}

}  // namespace tracenet::api
