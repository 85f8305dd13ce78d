// The SQLite registry adapter: answers lookups from an SQLite registry through the integrator's
// SQL mapping (adapters/sql/sql_mapping.h), by default the documented schema of
// adapters/sqlite/README.md. The database is opened read-only; lookups use prepared statements
// with bound parameters only.
// Thread-safety: Lookup and Health may be called from many threads (a connection each).
#pragma once

#include <sqlite3.h>

#include <memory>
#include <mutex>
#include <string>

#include "adapters/sql/connection_pool.h"
#include "adapters/sql/sql_mapping.h"

namespace tracenet::adapters {

class SqliteRegistry final : public RegistryAdapter {
 public:
  // Fails with Errc::kConfig when the file is missing or a mapped query does not prepare.
  static Result<std::unique_ptr<SqliteRegistry>> Open(const std::string& path,
                                                      SqlMapping mapping = DocumentedSchemaMapping(Placeholders::kSqlite),
                                                      int busy_timeout_ms = 2000, size_t connections = 4);
  // [registry.sqlite]: path, busy_timeout_ms, connections and the SQL mapping keys.
  static Result<std::unique_ptr<RegistryAdapter>> FromSettings(const AdapterSettings& settings);
  ~SqliteRegistry() override = default;

  std::string name() const override { return "sqlite"; }
  Result<Findings> Lookup(const WeaponQuery& query) override;
  Status Health() override;

 private:
  // One read-only connection with the mapped statements prepared on it.
  struct Connection {
    sqlite3* db = nullptr;
    sqlite3_stmt* weapon = nullptr;
    sqlite3_stmt* custody = nullptr;
    ~Connection();
  };
  SqliteRegistry() = default;
  Result<std::unique_ptr<Connection>> Connect(int busy_timeout_ms);

  std::string m_path;
  SqlMapping m_mapping;
  ConnectionPool<Connection> m_pool;
  std::unique_ptr<WeaponColumns> m_weapon_columns;
  std::unique_ptr<CustodyColumns> m_custody_columns;
};

// Creates the documented tables and indexes in a new or empty database (used by the demo's
// generator, tests and integrators who start from scratch).
Status CreateRegistrySchema(sqlite3* db);
// The same DDL as text (valid for PostgreSQL as well).
const char* RegistrySchemaSql();

}  // namespace tracenet::adapters
