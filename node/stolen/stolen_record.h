// A lost, stolen, trafficked or smuggled weapon record (DOMAIN.md §5), as its owner (the member
// that reported it) keeps it, and its storage encoding. Thread-safety: plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "node/common/bytes.h"
#include "node/common/result.h"

namespace tracenet::stolen {

struct StolenRecord {
  std::string owner;      // member id of the reporting state's node
  std::string owner_ref;  // the owner's own reference; (owner, owner_ref) names the record
  std::string agency;
  std::string category = "stolen";  // lost, stolen, trafficked, smuggled
  std::string serial, make, model, type, calibre;
  std::string country_of_manufacture, importer;
  std::string event_date, event_place;  // ISO 8601 date; free text place
  std::string status = "active";        // active, located, cleared, cancelled
  std::string remarks;
  uint64_t last_validated_ms = 0;
  uint64_t expires_at_ms = 0;
  uint64_t version_ms = 0;  // when the owner wrote this version; a newer version replaces an older
  Bytes owner_signature;    // Ed25519 over EncodeRecord(*this) by the owner's key; not encoded in it
};

constexpr size_t kMaxFieldBytes = 512;   // any one field
constexpr size_t kMaxRemarksBytes = 4096;
constexpr size_t kMaxOwnerBytes = 64;      // a member id
constexpr size_t kMaxOwnerRefBytes = 256;  // with the owner, a key of the index and the owner's tables

// Checks what the index relies on: owner and reference present, known category and status, a
// serial that normalises, every field valid UTF-8 and within its size. The error names the field.
Status ValidateRecord(const StolenRecord& r);

// The canonical bytes of a record, which its owner signs (without the signature).
Bytes EncodeRecord(const StolenRecord& r);
std::optional<StolenRecord> DecodeRecord(ByteView bytes);
// A record with its owner's signature, as an index stores it.
Bytes EncodeSignedRecord(const StolenRecord& r);
std::optional<StolenRecord> DecodeSignedRecord(ByteView bytes);

}  // namespace tracenet::stolen
