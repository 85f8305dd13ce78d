#include "adapters/postgres/postgres_registry.h"

#include <libpq-fe.h>

#include "adapters/sdk/findings_assembly.h"

namespace tracenet::adapters {

namespace {

constexpr const char* kWeaponStatement = "tracenet_weapon";
constexpr const char* kCustodyStatement = "tracenet_custody";

std::string ConnectionMessage(PGconn* c) {
  std::string m = c ? PQerrorMessage(c) : "out of memory";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

// Owns a PGresult.
struct ResultScope {
  PGresult* r;
  ~ResultScope() { PQclear(r); }
};

Error QueryError(PGconn* c, PGresult* r, const std::string& what) {
  bool lost = PQstatus(c) != CONNECTION_OK;
  std::string message = r && PQresultErrorMessage(r)[0] ? PQresultErrorMessage(r) : ConnectionMessage(c);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  // 57014: statement_timeout cancelled the query.
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  if (state && std::string(state) == "57014") return MakeError(Errc::kTimeout, "registry " + what + " timed out: " + message);
  return MakeError(lost ? Errc::kUnavailable : Errc::kIo, "registry " + what + ": " + message);
}

std::vector<std::string> Names(PGresult* description) {
  std::vector<std::string> names;
  for (int i = 0; i < PQnfields(description); ++i) names.emplace_back(PQfname(description, i));
  return names;
}

}  // namespace

Result<std::unique_ptr<RegistryAdapter>> PostgresRegistry::FromSettings(const AdapterSettings& s) {
  std::vector<std::string> keys = SqlMappingKeys();
  keys.insert(keys.end(), {"conninfo", "pool_size", "statement_timeout_ms"});
  if (Status k = s.OnlyKeys(keys); !k) return k.error();
  PostgresOptions o;
  auto conninfo = s.RequiredStr("conninfo");
  if (!conninfo) return conninfo.error();
  o.conninfo = *conninfo;
  auto pool = s.Int("pool_size", 4, 1, 64);
  if (!pool) return pool.error();
  o.pool_size = static_cast<size_t>(*pool);
  auto timeout = s.Int("statement_timeout_ms", 5000, 1, 600000);
  if (!timeout) return timeout.error();
  o.statement_timeout_ms = static_cast<int>(*timeout);
  auto mapping = ReadSqlMapping(s, DocumentedSchemaMapping(Placeholders::kPostgres));
  if (!mapping) return mapping.error();
  o.mapping = *mapping;
  auto reg = Open(std::move(o));
  if (!reg) return reg.error();
  return std::unique_ptr<RegistryAdapter>(std::move(reg.value()));
}

Result<std::unique_ptr<PostgresRegistry>> PostgresRegistry::Open(PostgresOptions options) {
  std::unique_ptr<PostgresRegistry> reg(new PostgresRegistry(std::move(options)));
  for (size_t i = 0; i < reg->m_options.pool_size; ++i) reg->m_pool.Add(std::make_unique<Connection>());
  Connection& first = *reg->m_pool.all().front();
  if (Status s = reg->Ready(first); !s) return MakeError(Errc::kConfig, s.error().message);
  // The mapping's column names, read once from the server's description of the statements.
  PGresult* weapon = PQdescribePrepared(first.conn, kWeaponStatement);
  ResultScope weapon_scope{weapon};
  auto weapon_columns = WeaponColumns::FromNames(Names(weapon));
  if (!weapon_columns) return weapon_columns.error();
  PGresult* custody = PQdescribePrepared(first.conn, kCustodyStatement);
  ResultScope custody_scope{custody};
  auto custody_columns = CustodyColumns::FromNames(Names(custody));
  if (!custody_columns) return custody_columns.error();
  reg->m_weapon_columns = std::make_unique<WeaponColumns>(*weapon_columns);
  reg->m_custody_columns = std::make_unique<CustodyColumns>(*custody_columns);
  return reg;
}

PostgresRegistry::Connection::~Connection() {
  if (conn) PQfinish(conn);
}

Status PostgresRegistry::Ready(Connection& c) {
  if (c.conn && PQstatus(c.conn) == CONNECTION_OK && c.prepared) return Status::Ok();
  if (c.conn) PQfinish(c.conn);
  c.prepared = false;
  c.conn = PQconnectdb(m_options.conninfo.c_str());
  if (PQstatus(c.conn) != CONNECTION_OK)
    return MakeError(Errc::kUnavailable, "cannot connect to the PostgreSQL registry: " + ConnectionMessage(c.conn));
  // The timeout is our own integer, not outside input; SET takes no parameters.
  std::string set_timeout = "SET statement_timeout = " + std::to_string(m_options.statement_timeout_ms);
  ResultScope timeout{PQexec(c.conn, set_timeout.c_str())};
  if (PQresultStatus(timeout.r) != PGRES_COMMAND_OK) return QueryError(c.conn, timeout.r, "session setup");
  ResultScope read_only{PQexec(c.conn, "SET default_transaction_read_only = on")};
  if (PQresultStatus(read_only.r) != PGRES_COMMAND_OK) return QueryError(c.conn, read_only.r, "session setup");
  const std::pair<const char*, const SqlQuery*> statements[] = {{kWeaponStatement, &m_options.mapping.weapon},
                                                                {kCustodyStatement, &m_options.mapping.custody}};
  for (const auto& [name, query] : statements) {
    ResultScope prepared{PQprepare(c.conn, name, query->sql.c_str(), static_cast<int>(query->params.size()), nullptr)};
    if (PQresultStatus(prepared.r) != PGRES_COMMAND_OK)
      return MakeError(Errc::kConfig, "registry: cannot prepare \"" + query->sql.substr(0, 60) +
                                          "...\": " + QueryError(c.conn, prepared.r, "prepare").message);
  }
  c.prepared = true;
  return Status::Ok();
}

Result<Findings> PostgresRegistry::Lookup(const WeaponQuery& query) {
  ParamValues values = WeaponParamValues(query);
  Findings f;
  if (values["serial_norm"].empty()) return f;
  auto c = m_pool.Take();
  if (Status s = Ready(*c); !s) return s.error();
  auto run = [&](const char* statement, const SqlQuery& q) {
    std::vector<const char*> params;
    std::vector<int> lengths;
    for (const std::string& name : q.params) {
      const std::string& v = values.at(name);
      params.push_back(v.c_str());
      lengths.push_back(static_cast<int>(v.size()));
    }
    return PQexecPrepared(c->conn, statement, static_cast<int>(params.size()), params.data(), lengths.data(), nullptr, 0);
  };
  ResultScope weapon{run(kWeaponStatement, m_options.mapping.weapon)};
  if (PQresultStatus(weapon.r) != PGRES_TUPLES_OK) return QueryError(c->conn, weapon.r, "lookup");
  if (PQntuples(weapon.r) == 0) return f;
  ColumnText weapon_text = [&](int i) { return std::string(PQgetvalue(weapon.r, 0, i), PQgetlength(weapon.r, 0, i)); };
  values["weapon_key"] = m_weapon_columns->Key(weapon_text);
  m_weapon_columns->Fill(f, weapon_text);
  ResultScope custody{run(kCustodyStatement, m_options.mapping.custody)};
  if (PQresultStatus(custody.r) != PGRES_TUPLES_OK) return QueryError(c->conn, custody.r, "custody read");
  for (int row = 0; row < PQntuples(custody.r); ++row) {
    ColumnText text = [&](int i) { return std::string(PQgetvalue(custody.r, row, i), PQgetlength(custody.r, row, i)); };
    f.chain.push_back(m_custody_columns->Read(text, m_options.mapping.roles));
  }
  CompleteFindings(f);
  return f;
}

Status PostgresRegistry::Health() {
  auto c = m_pool.Take();
  Status s = Ready(*c);
  if (s) {
    ResultScope r{PQexec(c->conn, "SELECT 1")};
    if (PQresultStatus(r.r) != PGRES_TUPLES_OK) s = QueryError(c->conn, r.r, "health check");
  }
  return s;
}

}  // namespace tracenet::adapters
