// The PostgreSQL registry adapter (libpq): the integrator's SQL mapping
// (adapters/sql/sql_mapping.h, placeholders $1..) runs as prepared statements over a small pool
// of connections. A connection that breaks is re-established on its next use, so a database
// restart costs the lookups in flight (retried by the node), nothing more.
// Thread-safety: Lookup and Health may be called from many threads (one connection each).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "adapters/sql/connection_pool.h"
#include "adapters/sql/sql_mapping.h"

typedef struct pg_conn PGconn;

namespace tracenet::adapters {

struct PostgresOptions {
  std::string conninfo;  // libpq connection string: "host=127.0.0.1 port=5432 dbname=registry user=..."
  size_t pool_size = 4;
  int statement_timeout_ms = 5000;
  SqlMapping mapping = DocumentedSchemaMapping(Placeholders::kPostgres);
};

class PostgresRegistry final : public RegistryAdapter {
 public:
  // [registry.postgres]: conninfo, pool_size, statement_timeout_ms and the SQL mapping keys.
  static Result<std::unique_ptr<RegistryAdapter>> FromSettings(const AdapterSettings& settings);
  // Opens one connection at once (checking the mapping against the server); the rest on demand.
  static Result<std::unique_ptr<PostgresRegistry>> Open(PostgresOptions options);
  ~PostgresRegistry() override = default;

  std::string name() const override { return "postgres"; }
  Result<Findings> Lookup(const WeaponQuery& query) override;
  Status Health() override;

 private:
  struct Connection {
    PGconn* conn = nullptr;
    bool prepared = false;
    ~Connection();
  };
  explicit PostgresRegistry(PostgresOptions options) : m_options(std::move(options)) {}
  // Connects (or reconnects) and prepares the mapped statements.
  Status Ready(Connection& c);

  PostgresOptions m_options;
  std::unique_ptr<WeaponColumns> m_weapon_columns;
  std::unique_ptr<CustodyColumns> m_custody_columns;
  ConnectionPool<Connection> m_pool;
};

}  // namespace tracenet::adapters
