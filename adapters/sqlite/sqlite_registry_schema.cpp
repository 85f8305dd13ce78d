#include "adapters/sqlite/sqlite_registry.h"

namespace tracenet::adapters {

// Keep in step with adapters/sqlite/README.md.
static constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS weapons (
  id INTEGER PRIMARY KEY,
  serial TEXT NOT NULL,               -- as marked on the frame or receiver
  serial_norm TEXT NOT NULL,          -- NormaliseSerial(serial)
  manufacturer TEXT NOT NULL,
  manufacturer_norm TEXT NOT NULL,    -- NormaliseMake(manufacturer)
  model TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL DEFAULT '',      -- pistol, revolver, rifle, shotgun, ...
  calibre TEXT NOT NULL DEFAULT '',
  country_of_manufacture TEXT NOT NULL DEFAULT '',
  year INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS weapons_by_serial ON weapons(serial_norm, manufacturer_norm);

CREATE TABLE IF NOT EXISTS manufacture_records (
  weapon_id INTEGER NOT NULL REFERENCES weapons(id),
  manufacturer_name TEXT NOT NULL,
  licence_number TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  date TEXT NOT NULL DEFAULT '',       -- ISO 8601 date of manufacture
  record_ref TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS manufacture_by_weapon ON manufacture_records(weapon_id);

CREATE TABLE IF NOT EXISTS import_export_records (
  weapon_id INTEGER NOT NULL REFERENCES weapons(id),
  direction TEXT NOT NULL CHECK (direction IN ('export', 'import')),
  date TEXT NOT NULL DEFAULT '',
  party_name TEXT NOT NULL,            -- the exporter (export) or importer (import)
  licence_number TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  document_type TEXT NOT NULL DEFAULT '',       -- export licence, end-user certificate, import permit
  document_reference TEXT NOT NULL DEFAULT '',
  record_ref TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS import_export_by_weapon ON import_export_records(weapon_id);

CREATE TABLE IF NOT EXISTS transfer_records (
  weapon_id INTEGER NOT NULL REFERENCES weapons(id),
  date TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL,                  -- role of the receiving party (see README)
  party_name TEXT NOT NULL,
  licence_number TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  document_type TEXT NOT NULL DEFAULT '',       -- invoice, transfer form, ...
  document_reference TEXT NOT NULL DEFAULT '',
  record_ref TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS transfers_by_weapon ON transfer_records(weapon_id, date);
)sql";

const char* RegistrySchemaSql() { return kSchema; }

Status CreateRegistrySchema(sqlite3* db) {
  char* message = nullptr;
  if (sqlite3_exec(db, kSchema, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    return MakeError(Errc::kIo, "cannot create registry schema: " + text);
  }
  return Status::Ok();
}

}  // namespace tracenet::adapters
