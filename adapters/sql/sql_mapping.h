// How an integrator maps an existing SQL schema onto a registry lookup, shared by the SQLite
// and PostgreSQL adapters. Two parameterised queries, written in the adapter's config:
//   weapon_sql   returns at most one row for the query's weapon; columns are read by name:
//                weapon_key (required: what custody_sql is asked with), manufacturer, model,
//                type, calibre, country_of_manufacture, year, comments;
//   custody_sql  returns the custody chain in order; columns role and name (required),
//                licence_number, country, address, date_in, date_out, document_type,
//                document_reference, source_record.
// Each query's placeholders (?1.. for SQLite, $1.. for PostgreSQL) are bound, in order, to the
// values its *_params list names. Values are always bound, never spliced into SQL text.
// Thread-safety: value types and pure functions.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "adapters/catalogue/adapter_settings.h"
#include "adapters/sdk/registry_adapter.h"

namespace tracenet::adapters {

struct SqlQuery {
  std::string sql;
  std::vector<std::string> params;
};

struct SqlMapping {
  SqlQuery weapon;
  SqlQuery custody;
  std::map<std::string, std::string> roles;  // registry's role value -> custody role name
};

enum class Placeholders { kSqlite, kPostgres };

// The mapping of the documented registry schema (adapters/sqlite/README.md).
SqlMapping DocumentedSchemaMapping(Placeholders style);
// Reads weapon_sql, weapon_params, custody_sql, custody_params and [.roles] over `defaults`.
Result<SqlMapping> ReadSqlMapping(const AdapterSettings& settings, SqlMapping defaults);
// The setting keys ReadSqlMapping understands, for AdapterSettings::OnlyKeys.
std::vector<std::string> SqlMappingKeys();

// The value a named parameter binds: serial, serial_norm, manufacturer, manufacturer_norm,
// model, type, calibre, country_of_manufacture, or weapon_key (custody only).
using ParamValues = std::map<std::string, std::string>;
ParamValues WeaponParamValues(const WeaponQuery& query);

// Reads rows by column name; built once per prepared statement from its column names.
using ColumnText = std::function<std::string(int column)>;

class WeaponColumns {
 public:
  static Result<WeaponColumns> FromNames(const std::vector<std::string>& names);
  std::string Key(const ColumnText& text) const { return text(m_key); }
  void Fill(Findings& findings, const ColumnText& text) const;

 private:
  int m_key = -1;
  std::map<std::string, int> m_fields;
};

class CustodyColumns {
 public:
  static Result<CustodyColumns> FromNames(const std::vector<std::string>& names);
  CustodyEntry Read(const ColumnText& text, const std::map<std::string, std::string>& roles) const;

 private:
  std::map<std::string, int> m_fields;
};

}  // namespace tracenet::adapters
