#include "adapters/sqlite/sqlite_registry.h"

#include "adapters/sdk/findings_assembly.h"

namespace tracenet::adapters {

namespace {

std::string Column(sqlite3_stmt* s, int i) {
  const unsigned char* text = sqlite3_column_text(s, i);
  return text ? std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(s, i)) : "";
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

std::vector<std::string> ColumnNames(sqlite3_stmt* s) {
  std::vector<std::string> names;
  for (int i = 0; i < sqlite3_column_count(s); ++i) names.emplace_back(sqlite3_column_name(s, i));
  return names;
}

}  // namespace

Result<std::unique_ptr<RegistryAdapter>> SqliteRegistry::FromSettings(const AdapterSettings& settings) {
  std::vector<std::string> keys = SqlMappingKeys();
  keys.insert(keys.end(), {"path", "busy_timeout_ms"});
  if (Status s = settings.OnlyKeys(keys); !s) return s.error();
  auto path = settings.RequiredPath("path");
  if (!path) return path.error();
  auto busy = settings.Int("busy_timeout_ms", 2000, 0, 600000);
  if (!busy) return busy.error();
  auto mapping = ReadSqlMapping(settings, DocumentedSchemaMapping(Placeholders::kSqlite));
  if (!mapping) return mapping.error();
  auto reg = Open(*path, *mapping, static_cast<int>(*busy));
  if (!reg) return reg.error();
  return std::unique_ptr<RegistryAdapter>(std::move(reg.value()));
}

Result<std::unique_ptr<SqliteRegistry>> SqliteRegistry::Open(const std::string& path, SqlMapping mapping,
                                                             int busy_timeout_ms) {
  std::unique_ptr<SqliteRegistry> reg(new SqliteRegistry());
  reg->m_path = path;
  reg->m_mapping = std::move(mapping);
  int rc = sqlite3_open_v2(path.c_str(), &reg->m_db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK)
    return MakeError(Errc::kConfig, "cannot open registry " + path + ": " + sqlite3_errstr(rc));
  sqlite3_busy_timeout(reg->m_db, busy_timeout_ms);
  const std::pair<const SqlQuery*, sqlite3_stmt**> statements[] = {{&reg->m_mapping.weapon, &reg->m_weapon},
                                                                   {&reg->m_mapping.custody, &reg->m_custody}};
  for (const auto& [query, stmt] : statements) {
    if (sqlite3_prepare_v3(reg->m_db, query->sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, stmt, nullptr) != SQLITE_OK)
      return MakeError(Errc::kConfig, "registry " + path + ": cannot prepare \"" + query->sql.substr(0, 60) +
                                          "...\": " + sqlite3_errmsg(reg->m_db) +
                                          " (does the database have the mapped tables? adapters/sqlite/README.md)");
    if (sqlite3_bind_parameter_count(*stmt) != static_cast<int>(query->params.size()))
      return MakeError(Errc::kConfig, "registry " + path + ": the query has " +
                                          std::to_string(sqlite3_bind_parameter_count(*stmt)) +
                                          " placeholders but its params list names " +
                                          std::to_string(query->params.size()));
  }
  auto weapon_columns = WeaponColumns::FromNames(ColumnNames(reg->m_weapon));
  if (!weapon_columns) return MakeError(Errc::kConfig, "registry " + path + ": " + weapon_columns.error().message);
  auto custody_columns = CustodyColumns::FromNames(ColumnNames(reg->m_custody));
  if (!custody_columns) return MakeError(Errc::kConfig, "registry " + path + ": " + custody_columns.error().message);
  reg->m_weapon_columns = std::make_unique<WeaponColumns>(*weapon_columns);
  reg->m_custody_columns = std::make_unique<CustodyColumns>(*custody_columns);
  return reg;
}

SqliteRegistry::~SqliteRegistry() {
  for (sqlite3_stmt* s : {m_weapon, m_custody}) sqlite3_finalize(s);
  if (m_db) sqlite3_close(m_db);
}

Status SqliteRegistry::Bind(sqlite3_stmt* s, const std::vector<std::string>& params, const ParamValues& values) {
  for (size_t i = 0; i < params.size(); ++i) {
    const std::string& v = values.at(params[i]);
    if (sqlite3_bind_text(s, static_cast<int>(i + 1), v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) !=
        SQLITE_OK)
      return SqlError(m_db, "bind");
  }
  return Status::Ok();
}

Result<Findings> SqliteRegistry::Lookup(const WeaponQuery& query) {
  std::lock_guard lock(m_mutex);
  ParamValues values = WeaponParamValues(query);
  Findings f;
  if (values["serial_norm"].empty()) return f;  // nothing to match on: no record
  {
    StatementScope scope{m_weapon};
    if (Status s = Bind(m_weapon, m_mapping.weapon.params, values); !s) return s.error();
    int rc = sqlite3_step(m_weapon);
    if (rc == SQLITE_DONE) return f;
    if (rc != SQLITE_ROW) return SqlError(m_db, "lookup");
    ColumnText text = [&](int i) { return Column(m_weapon, i); };
    values["weapon_key"] = m_weapon_columns->Key(text);
    m_weapon_columns->Fill(f, text);
  }
  {
    StatementScope scope{m_custody};
    if (Status s = Bind(m_custody, m_mapping.custody.params, values); !s) return s.error();
    ColumnText text = [&](int i) { return Column(m_custody, i); };
    int rc;
    while ((rc = sqlite3_step(m_custody)) == SQLITE_ROW) f.chain.push_back(m_custody_columns->Read(text, m_mapping.roles));
    if (rc != SQLITE_DONE) return SqlError(m_db, "custody read");
  }
  CompleteFindings(f);
  return f;
}

Status SqliteRegistry::Health() {
  std::lock_guard lock(m_mutex);
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(m_db, "SELECT 1", -1, &s, nullptr) != SQLITE_OK) return SqlError(m_db, "health check");
  int rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_ROW) return SqlError(m_db, "health check");
  // The mapped statements prepared at open; a file deleted or replaced since is caught here.
  if (sqlite3_db_readonly(m_db, "main") < 0) return MakeError(Errc::kUnavailable, "registry " + m_path + " is not open");
  return Status::Ok();
}

}  // namespace tracenet::adapters
