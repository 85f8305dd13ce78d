#include "adapters/sql/sql_mapping.h"

#include <algorithm>
#include <charconv>

#include "adapters/sdk/normalise.h"

namespace tracenet::adapters {

namespace {

// The documented schema keeps the chain in three tables; one query unions them in custody
// order: manufacture, then exports and imports by date (an export before the import it feeds),
// then domestic transfers by date.
constexpr const char* kWeaponSql =
    "SELECT id AS weapon_key, manufacturer, model, type, calibre, country_of_manufacture, year "
    "FROM weapons WHERE serial_norm = {1} AND manufacturer_norm = {2} ORDER BY id LIMIT 1";
constexpr const char* kCustodySql =
    "SELECT 'manufacturer' AS role, manufacturer_name AS name, licence_number, country, address, "
    "date AS date_in, 'manufacturing record' AS document_type, '' AS document_reference, "
    "record_ref AS source_record, 0 AS stage, 0 AS tiebreak "
    "FROM manufacture_records WHERE weapon_id = {1} "
    "UNION ALL SELECT CASE direction WHEN 'export' THEN 'exporter' ELSE 'importer' END, party_name, "
    "licence_number, country, address, date, document_type, document_reference, record_ref, 1, "
    "CASE direction WHEN 'export' THEN 0 ELSE 1 END "
    "FROM import_export_records WHERE weapon_id = {1} "
    "UNION ALL SELECT role, party_name, licence_number, country, address, date, document_type, "
    "document_reference, record_ref, 2, 0 FROM transfer_records WHERE weapon_id = {1} "
    "ORDER BY stage, date_in, tiebreak";

std::string WithPlaceholders(std::string sql, Placeholders style) {
  for (char n : {'1', '2'}) {
    std::string from = std::string("{") + n + "}";
    std::string to = (style == Placeholders::kSqlite ? "?" : "$") + std::string(1, n);
    for (size_t at; (at = sql.find(from)) != std::string::npos;) sql.replace(at, from.size(), to);
  }
  return sql;
}

const std::vector<std::string> kWeaponParamNames{"serial", "serial_norm", "manufacturer", "manufacturer_norm",
                                                 "model", "type", "calibre", "country_of_manufacture"};
const std::vector<std::string> kWeaponFields{"manufacturer", "model", "type", "calibre",
                                             "country_of_manufacture", "year", "comments"};
const std::vector<std::string> kCustodyFields{"role", "name", "licence_number", "country", "address", "date_in",
                                              "date_out", "document_type", "document_reference", "source_record"};

bool Contains(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

Status CheckParams(const AdapterSettings& settings, const std::string& key, const std::vector<std::string>& params,
                   bool custody) {
  for (const std::string& p : params) {
    bool known = custody ? (p == "weapon_key" || Contains(kWeaponParamNames, p)) : Contains(kWeaponParamNames, p);
    if (!known)
      return MakeError(Errc::kConfig, settings.section() + " " + key + " names \"" + p +
                                          "\"; a parameter is one of serial, serial_norm, manufacturer, "
                                          "manufacturer_norm, model, type, calibre, country_of_manufacture" +
                                          (custody ? ", weapon_key" : ""));
  }
  return Status::Ok();
}

std::map<std::string, int> IndexOf(const std::vector<std::string>& names, const std::vector<std::string>& fields) {
  std::map<std::string, int> out;
  for (size_t i = 0; i < names.size(); ++i)
    if (Contains(fields, names[i]) && !out.count(names[i])) out[names[i]] = static_cast<int>(i);
  return out;
}

std::string Field(const std::map<std::string, int>& fields, const char* name, const ColumnText& text) {
  auto it = fields.find(name);
  return it == fields.end() ? std::string() : text(it->second);
}

}  // namespace

SqlMapping DocumentedSchemaMapping(Placeholders style) {
  return SqlMapping{{WithPlaceholders(kWeaponSql, style), {"serial_norm", "manufacturer_norm"}},
                    {WithPlaceholders(kCustodySql, style), {"weapon_key"}},
                    {}};
}

std::vector<std::string> SqlMappingKeys() {
  return {"weapon_sql", "weapon_params", "custody_sql", "custody_params", "roles"};
}

Result<SqlMapping> ReadSqlMapping(const AdapterSettings& s, SqlMapping m) {
  auto weapon_sql = s.Str("weapon_sql", m.weapon.sql);
  if (!weapon_sql) return weapon_sql.error();
  auto weapon_params = s.StrList("weapon_params", m.weapon.params);
  if (!weapon_params) return weapon_params.error();
  auto custody_sql = s.Str("custody_sql", m.custody.sql);
  if (!custody_sql) return custody_sql.error();
  auto custody_params = s.StrList("custody_params", m.custody.params);
  if (!custody_params) return custody_params.error();
  auto roles = s.StrMap("roles");
  if (!roles) return roles.error();
  if (Status c = CheckParams(s, "weapon_params", *weapon_params, false); !c) return c.error();
  if (Status c = CheckParams(s, "custody_params", *custody_params, true); !c) return c.error();
  return SqlMapping{{*weapon_sql, *weapon_params}, {*custody_sql, *custody_params}, *roles};
}

ParamValues WeaponParamValues(const WeaponQuery& q) {
  return {{"serial", q.serial},
          {"serial_norm", NormaliseSerial(q.serial)},
          {"manufacturer", q.manufacturer},
          {"manufacturer_norm", NormaliseMake(q.manufacturer)},
          {"model", q.model},
          {"type", q.type},
          {"calibre", q.calibre},
          {"country_of_manufacture", q.country_of_manufacture}};
}

Result<WeaponColumns> WeaponColumns::FromNames(const std::vector<std::string>& names) {
  WeaponColumns c;
  for (size_t i = 0; i < names.size() && c.m_key < 0; ++i)
    if (names[i] == "weapon_key") c.m_key = static_cast<int>(i);
  if (c.m_key < 0) return MakeError(Errc::kConfig, "weapon_sql must return a column named weapon_key");
  c.m_fields = IndexOf(names, kWeaponFields);
  return c;
}

void WeaponColumns::Fill(Findings& f, const ColumnText& text) const {
  f.manufacturer = Field(m_fields, "manufacturer", text);
  f.model = Field(m_fields, "model", text);
  f.type = Field(m_fields, "type", text);
  f.calibre = Field(m_fields, "calibre", text);
  f.country_of_manufacture = Field(m_fields, "country_of_manufacture", text);
  f.comments = Field(m_fields, "comments", text);
  std::string year = Field(m_fields, "year", text);
  int value = 0;
  std::from_chars(year.data(), year.data() + year.size(), value);
  f.year = value;
}

Result<CustodyColumns> CustodyColumns::FromNames(const std::vector<std::string>& names) {
  CustodyColumns c;
  c.m_fields = IndexOf(names, kCustodyFields);
  if (!c.m_fields.count("role") || !c.m_fields.count("name"))
    return MakeError(Errc::kConfig, "custody_sql must return columns named role and name");
  return c;
}

CustodyEntry CustodyColumns::Read(const ColumnText& text, const std::map<std::string, std::string>& roles) const {
  CustodyEntry e;
  e.role = Field(m_fields, "role", text);
  if (auto it = roles.find(e.role); it != roles.end()) e.role = it->second;
  e.name = Field(m_fields, "name", text);
  e.licence_number = Field(m_fields, "licence_number", text);
  e.country = Field(m_fields, "country", text);
  e.address = Field(m_fields, "address", text);
  e.date_in = Field(m_fields, "date_in", text);
  e.date_out = Field(m_fields, "date_out", text);
  e.document_type = Field(m_fields, "document_type", text);
  e.document_reference = Field(m_fields, "document_reference", text);
  e.source_record = Field(m_fields, "source_record", text);
  return e;
}

}  // namespace tracenet::adapters
