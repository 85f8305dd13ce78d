#include "adapters/sqlite/sqlite_registry.h"

#include "adapters/sdk/normalise.h"

namespace tracenet::adapters {

namespace {

std::string Column(sqlite3_stmt* s, int i) {
  const unsigned char* text = sqlite3_column_text(s, i);
  return text ? reinterpret_cast<const char*>(text) : "";
}

Error SqlError(sqlite3* db, const std::string& what) {
  int code = sqlite3_errcode(db);
  Errc errc = (code == SQLITE_BUSY || code == SQLITE_LOCKED) ? Errc::kUnavailable : Errc::kIo;
  return MakeError(errc, "registry " + what + ": " + sqlite3_errmsg(db));
}

// Resets a statement on every exit path.
struct StatementScope {
  sqlite3_stmt* s;
  ~StatementScope() {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
  }
};

constexpr const char* kFindWeapon =
    "SELECT id, manufacturer, model, type, calibre, country_of_manufacture, year "
    "FROM weapons WHERE serial_norm = ?1 AND manufacturer_norm = ?2 ORDER BY id LIMIT 1";
constexpr const char* kManufacture =
    "SELECT manufacturer_name, licence_number, country, address, date, record_ref "
    "FROM manufacture_records WHERE weapon_id = ?1 ORDER BY date";
constexpr const char* kImportExport =
    "SELECT direction, date, party_name, licence_number, country, address, document_type, "
    "document_reference, record_ref FROM import_export_records WHERE weapon_id = ?1 "
    "ORDER BY date, CASE direction WHEN 'export' THEN 0 ELSE 1 END";
constexpr const char* kTransfers =
    "SELECT date, role, party_name, licence_number, country, address, document_type, "
    "document_reference, record_ref FROM transfer_records WHERE weapon_id = ?1 ORDER BY date, rowid";

bool IsEndOfChainRole(const std::string& role) {
  return role == "first_retail_purchaser" || role == "government_stock" ||
         role == "last_known_legal_holder";
}

}  // namespace

Result<std::unique_ptr<SqliteRegistry>> SqliteRegistry::Open(const std::string& path, int busy_timeout_ms) {
  std::unique_ptr<SqliteRegistry> reg(new SqliteRegistry());
  reg->m_path = path;
  int rc = sqlite3_open_v2(path.c_str(), &reg->m_db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK)
    return MakeError(Errc::kConfig, "cannot open registry " + path + ": " + sqlite3_errstr(rc));
  sqlite3_busy_timeout(reg->m_db, busy_timeout_ms);
  const std::pair<const char*, sqlite3_stmt**> statements[] = {
      {kFindWeapon, &reg->m_find_weapon},
      {kManufacture, &reg->m_manufacture},
      {kImportExport, &reg->m_import_export},
      {kTransfers, &reg->m_transfers}};
  for (const auto& [sql, stmt] : statements) {
    if (sqlite3_prepare_v3(reg->m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, nullptr) != SQLITE_OK)
      return MakeError(Errc::kConfig, "registry " + path +
                                          " does not have the documented tables (adapters/sqlite/README.md): " +
                                          sqlite3_errmsg(reg->m_db));
  }
  return reg;
}

SqliteRegistry::~SqliteRegistry() {
  for (sqlite3_stmt* s : {m_find_weapon, m_manufacture, m_import_export, m_transfers}) sqlite3_finalize(s);
  if (m_db) sqlite3_close(m_db);
}

Status SqliteRegistry::AppendChain(int64_t weapon_id, Findings& f) {
  auto step_all = [&](sqlite3_stmt* s, auto&& row) -> Status {
    StatementScope scope{s};
    sqlite3_bind_int64(s, 1, weapon_id);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) row(s);
    if (rc != SQLITE_DONE) return SqlError(m_db, "read");
    return Status::Ok();
  };
  Status s = step_all(m_manufacture, [&](sqlite3_stmt* st) {
    f.chain.push_back({"manufacturer", Column(st, 0), Column(st, 1), Column(st, 2), Column(st, 3),
                       Column(st, 4), "", "manufacturing record", "", Column(st, 5)});
  });
  if (!s) return s;
  s = step_all(m_import_export, [&](sqlite3_stmt* st) {
    f.chain.push_back({Column(st, 0) == "export" ? "exporter" : "importer", Column(st, 2),
                       Column(st, 3), Column(st, 4), Column(st, 5), Column(st, 1), "",
                       Column(st, 6), Column(st, 7), Column(st, 8)});
  });
  if (!s) return s;
  s = step_all(m_transfers, [&](sqlite3_stmt* st) {
    f.chain.push_back({Column(st, 1), Column(st, 2), Column(st, 3), Column(st, 4), Column(st, 5),
                       Column(st, 0), "", Column(st, 6), Column(st, 7), Column(st, 8)});
  });
  if (!s) return s;
  // A party held the weapon from its date in until the next party's date in.
  for (size_t i = 0; i + 1 < f.chain.size(); ++i) f.chain[i].date_out = f.chain[i + 1].date_in;
  return Status::Ok();
}

Result<Findings> SqliteRegistry::Lookup(const WeaponQuery& query) {
  std::lock_guard lock(m_mutex);
  std::string serial = NormaliseSerial(query.serial);
  std::string make = NormaliseMake(query.manufacturer);
  Findings f;
  if (serial.empty() || make.empty()) return f;  // nothing to match on: no record
  int64_t weapon_id = 0;
  {
    StatementScope scope{m_find_weapon};
    sqlite3_bind_text(m_find_weapon, 1, serial.data(), static_cast<int>(serial.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(m_find_weapon, 2, make.data(), static_cast<int>(make.size()), SQLITE_TRANSIENT);
    int rc = sqlite3_step(m_find_weapon);
    if (rc == SQLITE_DONE) return f;
    if (rc != SQLITE_ROW) return SqlError(m_db, "lookup");
    weapon_id = sqlite3_column_int64(m_find_weapon, 0);
    f.manufacturer = Column(m_find_weapon, 1);
    f.model = Column(m_find_weapon, 2);
    f.type = Column(m_find_weapon, 3);
    f.calibre = Column(m_find_weapon, 4);
    f.country_of_manufacture = Column(m_find_weapon, 5);
    f.year = sqlite3_column_int(m_find_weapon, 6);
  }
  if (Status s = AppendChain(weapon_id, f); !s) return s.error();
  bool complete = !f.chain.empty() && IsEndOfChainRole(f.chain.back().role);
  f.outcome = complete ? FindingOutcome::kFound : FindingOutcome::kPartial;
  if (!complete)
    f.comments = f.chain.empty() ? "weapon is registered but no custody records were found"
                                 : "records end with the " + f.chain.back().role + "; later transfers are not recorded";
  return f;
}

Status SqliteRegistry::Health() {
  std::lock_guard lock(m_mutex);
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(m_db, "SELECT count(*) FROM weapons", -1, &s, nullptr) != SQLITE_OK)
    return SqlError(m_db, "health check");
  int rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_ROW) return SqlError(m_db, "health check");
  return Status::Ok();
}

}  // namespace tracenet::adapters
