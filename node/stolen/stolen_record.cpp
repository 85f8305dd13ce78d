#include "node/stolen/stolen_record.h"

#include "node/common/text.h"

#include <array>
#include <utility>

#include "node/stolen/serial_forms.h"
#include "node/store/record_codec.h"

namespace tracenet::stolen {
namespace {

constexpr uint8_t kRecordVersion = 2;  // 2: version_ms


}  // namespace

Status ValidateRecord(const StolenRecord& r) {
  const std::array<std::pair<const char*, const std::string*>, 15> fields{{
      {"owner", &r.owner}, {"owner_ref", &r.owner_ref}, {"agency", &r.agency}, {"category", &r.category},
      {"serial", &r.serial}, {"make", &r.make}, {"model", &r.model}, {"type", &r.type}, {"calibre", &r.calibre},
      {"country_of_manufacture", &r.country_of_manufacture}, {"importer", &r.importer}, {"event_date", &r.event_date},
      {"event_place", &r.event_place}, {"status", &r.status}, {"remarks", &r.remarks}}};
  for (const auto& [name, value] : fields) {
    size_t limit = std::string_view(name) == "remarks" ? kMaxRemarksBytes : kMaxFieldBytes;
    if (value->size() > limit)
      return MakeError(Errc::kInvalidArgument, std::string(name) + " is longer than " + std::to_string(limit) + " bytes");
    if (Status s = CheckText(*value, name, limit); !s) return s;
  }
  // owner and owner_ref together key the record in LMDB tables (keys of at most 511 bytes).
  if (r.owner.size() > kMaxOwnerBytes)
    return MakeError(Errc::kInvalidArgument, "owner is longer than " + std::to_string(kMaxOwnerBytes) + " bytes");
  if (r.owner_ref.size() > kMaxOwnerRefBytes)
    return MakeError(Errc::kInvalidArgument, "owner_ref is longer than " + std::to_string(kMaxOwnerRefBytes) + " bytes");
  if (r.owner.empty()) return MakeError(Errc::kInvalidArgument, "owner is required");
  if (r.owner_ref.empty()) return MakeError(Errc::kInvalidArgument, "owner_ref is required");
  if (r.owner.find('\0') != std::string::npos || r.owner_ref.find('\0') != std::string::npos)
    return MakeError(Errc::kInvalidArgument, "owner and owner_ref may not contain NUL");
  if (r.category != "lost" && r.category != "stolen" && r.category != "trafficked" && r.category != "smuggled")
    return MakeError(Errc::kInvalidArgument, "category must be lost, stolen, trafficked or smuggled, not \"" + r.category + "\"");
  if (r.status != "active" && r.status != "located" && r.status != "cleared" && r.status != "cancelled")
    return MakeError(Errc::kInvalidArgument, "status must be active, located, cleared or cancelled, not \"" + r.status + "\"");
  if (auto forms = SerialFormsOf(r.serial); !forms)
    return MakeError(Errc::kInvalidArgument, "serial: " + forms.error().message);
  return Status::Ok();
}

Bytes EncodeRecord(const StolenRecord& r) {
  return store::RecordWriter()
      .U8(kRecordVersion).Str(r.owner).Str(r.owner_ref).Str(r.agency).Str(r.category).Str(r.serial).Str(r.make)
      .Str(r.model).Str(r.type).Str(r.calibre).Str(r.country_of_manufacture).Str(r.importer).Str(r.event_date)
      .Str(r.event_place).Str(r.status).Str(r.remarks).U64(r.last_validated_ms).U64(r.expires_at_ms)
      .U64(r.version_ms).Take();
}

std::optional<StolenRecord> DecodeRecord(ByteView bytes) {
  store::RecordReader in(bytes);
  StolenRecord r;
  uint8_t version = in.U8();
  for (std::string* field : {&r.owner, &r.owner_ref, &r.agency, &r.category, &r.serial, &r.make, &r.model, &r.type,
                             &r.calibre, &r.country_of_manufacture, &r.importer, &r.event_date, &r.event_place,
                             &r.status, &r.remarks})
    *field = in.Str();
  r.last_validated_ms = in.U64();
  r.expires_at_ms = in.U64();
  r.version_ms = in.U64();
  if (!in.ok() || version != kRecordVersion) return std::nullopt;
  return r;
}

Bytes EncodeSignedRecord(const StolenRecord& r) {
  return store::RecordWriter().Blob(r.owner_signature).Blob(EncodeRecord(r)).Take();
}

std::optional<StolenRecord> DecodeSignedRecord(ByteView bytes) {
  store::RecordReader in(bytes);
  Bytes signature = in.Blob();
  Bytes record = in.Blob();
  if (!in.ok()) return std::nullopt;
  auto r = DecodeRecord(record);
  if (r) r->owner_signature = std::move(signature);
  return r;
}

}  // namespace tracenet::stolen
