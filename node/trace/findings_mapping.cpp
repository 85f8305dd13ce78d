#include "node/trace/findings_mapping.h"

#include <array>
#include <utility>

namespace tracenet::trace {

namespace {
std::string Str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

constexpr std::array<std::pair<std::string_view, wire::CustodyRole>, 8> kRoles{{
    {"manufacturer", wire::CustodyRole::Manufacturer},
    {"exporter", wire::CustodyRole::Exporter},
    {"importer", wire::CustodyRole::Importer},
    {"distributor", wire::CustodyRole::Distributor},
    {"dealer", wire::CustodyRole::Dealer},
    {"government_stock", wire::CustodyRole::GovernmentStock},
    {"first_retail_purchaser", wire::CustodyRole::FirstRetailPurchaser},
    {"last_known_legal_holder", wire::CustodyRole::LastKnownLegalHolder},
}};
}  // namespace

wire::CustodyRole CustodyRoleFromName(std::string_view role) {
  for (const auto& [name, value] : kRoles)
    if (name == role) return value;
  return wire::CustodyRole::Other;
}

std::string_view OutcomeName(wire::TraceOutcome outcome) {
  switch (outcome) {
    case wire::TraceOutcome::Found: return "found";
    case wire::TraceOutcome::Partial: return "partial";
    case wire::TraceOutcome::NoRecord: return "no record";
    case wire::TraceOutcome::Delayed: return "delayed";
    case wire::TraceOutcome::Restricted: return "restricted";
    case wire::TraceOutcome::Refused: return "refused";
    case wire::TraceOutcome::Referred: return "referred";
    case wire::TraceOutcome::Unspecified: break;
  }
  return "unspecified";
}

adapters::WeaponQuery QueryFromRequest(const wire::TraceRequest& request) {
  adapters::WeaponQuery q;
  if (const wire::Weapon* w = request.weapon()) {
    q.serial = Str(w->serial());
    q.manufacturer = Str(w->manufacturer());
    q.model = Str(w->model());
    q.type = wire::EnumNameWeaponType(w->type());
    q.calibre = Str(w->calibre());
    q.country_of_manufacture = Str(w->country_of_manufacture());
  }
  return q;
}

wire::TraceResponseT ResponseFromFindings(const adapters::Findings& f) {
  wire::TraceResponseT r;
  switch (f.outcome) {
    case adapters::FindingOutcome::kFound: r.outcome = wire::TraceOutcome::Found; break;
    case adapters::FindingOutcome::kPartial: r.outcome = wire::TraceOutcome::Partial; break;
    case adapters::FindingOutcome::kNoRecord: r.outcome = wire::TraceOutcome::NoRecord; break;
  }
  r.reason = wire::OutcomeReason::None;
  r.manufacturer = f.manufacturer;
  r.model = f.model;
  r.calibre = f.calibre;
  r.comments = f.comments;
  for (const adapters::CustodyEntry& e : f.chain) {
    auto link = std::make_unique<wire::CustodyLinkT>();
    link->role = CustodyRoleFromName(e.role);
    link->name = e.name;
    link->licence_number = e.licence_number;
    link->country = e.country;
    link->address = e.address;
    link->date_in = e.date_in;
    link->date_out = e.date_out;
    link->document_type = e.document_type;
    link->document_reference = e.document_reference;
    link->source_record = e.source_record;
    r.custody_chain.push_back(std::move(link));
  }
  return r;
}

}  // namespace tracenet::trace
