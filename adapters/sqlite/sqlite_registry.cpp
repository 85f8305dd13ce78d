#include "adapters/sqlite/sqlite_registry.h"

#include <algorithm>

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
  keys.insert(keys.end(), {"path", "busy_timeout_ms", "connections"});
  if (Status s = settings.OnlyKeys(keys); !s) return s.error();
  auto path = settings.RequiredPath("path");
  if (!path) return path.error();
  auto busy = settings.Int("busy_timeout_ms", 2000, 0, 600000);
  if (!busy) return busy.error();
  auto connections = settings.Int("connections", 4, 1, 64);
  if (!connections) return connections.error();
  auto mapping = ReadSqlMapping(settings, DocumentedSchemaMapping(Placeholders::kSqlite));
  if (!mapping) return mapping.error();
  auto reg = Open(*path, *mapping, static_cast<int>(*busy), static_cast<size_t>(*connections));
  if (!reg) return reg.error();
  return std::unique_ptr<RegistryAdapter>(std::move(reg.value()));
}

SqliteRegistry::Connection::~Connection() {
  for (sqlite3_stmt* s : {weapon, custody}) sqlite3_finalize(s);
  if (db) sqlite3_close(db);
}

Result<std::unique_ptr<SqliteRegistry::Connection>> SqliteRegistry::Connect(int busy_timeout_ms) {
  auto c = std::make_unique<Connection>();
  int rc = sqlite3_open_v2(m_path.c_str(), &c->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK)
    return MakeError(Errc::kConfig, "cannot open registry " + m_path + ": " + sqlite3_errstr(rc));
  sqlite3_busy_timeout(c->db, busy_timeout_ms);
  const std::pair<const SqlQuery*, sqlite3_stmt**> statements[] = {{&m_mapping.weapon, &c->weapon},
                                                                   {&m_mapping.custody, &c->custody}};
  for (const auto& [query, stmt] : statements) {
    if (sqlite3_prepare_v3(c->db, query->sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, stmt, nullptr) != SQLITE_OK)
      return MakeError(Errc::kConfig, "registry " + m_path + ": cannot prepare \"" + query->sql.substr(0, 60) +
                                          "...\": " + sqlite3_errmsg(c->db) +
                                          " (does the database have the mapped tables? adapters/sqlite/README.md)");
    if (sqlite3_bind_parameter_count(*stmt) != static_cast<int>(query->params.size()))
      return MakeError(Errc::kConfig, "registry " + m_path + ": the query has " +
                                          std::to_string(sqlite3_bind_parameter_count(*stmt)) +
                                          " placeholders but its params list names " +
                                          std::to_string(query->params.size()));
  }
  return c;
}

Result<std::unique_ptr<SqliteRegistry>> SqliteRegistry::Open(const std::string& path, SqlMapping mapping,
                                                             int busy_timeout_ms, size_t connections) {
  std::unique_ptr<SqliteRegistry> reg(new SqliteRegistry());
  reg->m_path = path;
  reg->m_mapping = std::move(mapping);
  for (size_t i = 0; i < std::max<size_t>(1, connections); ++i) {
    auto c = reg->Connect(busy_timeout_ms);
    if (!c) return c.error();
    if (i == 0) {
      auto weapon_columns = WeaponColumns::FromNames(ColumnNames((*c)->weapon));
      if (!weapon_columns) return MakeError(Errc::kConfig, "registry " + path + ": " + weapon_columns.error().message);
      auto custody_columns = CustodyColumns::FromNames(ColumnNames((*c)->custody));
      if (!custody_columns) return MakeError(Errc::kConfig, "registry " + path + ": " + custody_columns.error().message);
      reg->m_weapon_columns = std::make_unique<WeaponColumns>(*weapon_columns);
      reg->m_custody_columns = std::make_unique<CustodyColumns>(*custody_columns);
    }
    reg->m_pool.Add(std::move(c.value()));
  }
  return reg;
}

namespace {
Status Bind(sqlite3* db, sqlite3_stmt* s, const std::vector<std::string>& params, const ParamValues& values) {
  for (size_t i = 0; i < params.size(); ++i) {
    const std::string& v = values.at(params[i]);
    if (sqlite3_bind_text(s, static_cast<int>(i + 1), v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) !=
        SQLITE_OK)
      return SqlError(db, "bind");
  }
  return Status::Ok();
}
}  // namespace

Result<Findings> SqliteRegistry::Lookup(const WeaponQuery& query) {
  ParamValues values = WeaponParamValues(query);
  Findings f;
  if (values["serial_norm"].empty()) return f;  // nothing to match on: no record
  auto c = m_pool.Take();
  {
    StatementScope scope{c->weapon};
    if (Status s = Bind(c->db, c->weapon, m_mapping.weapon.params, values); !s) return s.error();
    int rc = sqlite3_step(c->weapon);
    if (rc == SQLITE_DONE) return f;
    if (rc != SQLITE_ROW) return SqlError(c->db, "lookup");
    ColumnText text = [&](int i) { return Column(c->weapon, i); };
    values["weapon_key"] = m_weapon_columns->Key(text);
    m_weapon_columns->Fill(f, text);
  }
  {
    StatementScope scope{c->custody};
    if (Status s = Bind(c->db, c->custody, m_mapping.custody.params, values); !s) return s.error();
    ColumnText text = [&](int i) { return Column(c->custody, i); };
    int rc;
    while ((rc = sqlite3_step(c->custody)) == SQLITE_ROW) f.chain.push_back(m_custody_columns->Read(text, m_mapping.roles));
    if (rc != SQLITE_DONE) return SqlError(c->db, "custody read");
  }
  CompleteFindings(f);
  return f;
}

Status SqliteRegistry::Health() {
  auto c = m_pool.Take();
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(c->db, "SELECT count(*) FROM sqlite_schema", -1, &s, nullptr) != SQLITE_OK)
    return SqlError(c->db, "health check");
  int rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_ROW) return SqlError(c->db, "health check");
  return Status::Ok();
}

}  // namespace tracenet::adapters
