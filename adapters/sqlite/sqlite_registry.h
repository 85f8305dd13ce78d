// The SQLite registry adapter: answers lookups from a registry database laid out as
// adapters/sqlite/README.md documents (weapons, manufacture, import/export and transfer
// records). The database is opened read-only; lookups use prepared statements only.
// Thread-safety: Lookup and Health serialise on an internal mutex.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <mutex>
#include <string>

#include "adapters/sdk/registry_adapter.h"

namespace tracenet::adapters {

class SqliteRegistry final : public RegistryAdapter {
 public:
  // Fails with Errc::kConfig when the file is missing or lacks the documented tables.
  static Result<std::unique_ptr<SqliteRegistry>> Open(const std::string& path, int busy_timeout_ms = 2000);
  ~SqliteRegistry() override;

  std::string name() const override { return "sqlite"; }
  Result<Findings> Lookup(const WeaponQuery& query) override;
  Status Health() override;

 private:
  SqliteRegistry() = default;
  Status AppendChain(int64_t weapon_id, Findings& findings);

  std::mutex m_mutex;
  std::string m_path;
  sqlite3* m_db = nullptr;
  sqlite3_stmt* m_find_weapon = nullptr;
  sqlite3_stmt* m_manufacture = nullptr;
  sqlite3_stmt* m_import_export = nullptr;
  sqlite3_stmt* m_transfers = nullptr;
};

// Creates the documented tables and indexes in a new or empty database (used by the demo's
// generator, tests and integrators who start from scratch).
Status CreateRegistrySchema(sqlite3* db);

}  // namespace tracenet::adapters
