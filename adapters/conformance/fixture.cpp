#include "adapters/conformance/fixture.h"

#include <csv.h>

#include "adapters/sdk/normalise.h"
#include "adapters/sqlite/sqlite_registry.h"

namespace tracenet::adapters::conformance {

namespace {

CustodyEntry Held(std::string role, std::string name, std::string country, std::string date, std::string document_type = "",
                  std::string document_reference = "", std::string licence = "") {
  CustodyEntry e;
  e.role = std::move(role);
  e.name = std::move(name);
  e.country = std::move(country);
  e.date_in = std::move(date);
  e.document_type = std::move(document_type);
  e.document_reference = std::move(document_reference);
  e.licence_number = std::move(licence);
  e.address = e.country == "MEX" ? "Av. Insurgentes Sur 1, Ciudad de México" : "1 Registry Street";
  e.source_record = "FIX-" + e.role.substr(0, 3) + "-" + e.date_in;
  return e;
}

const char* const kCsvColumns[] = {"serial", "manufacturer", "model", "type", "calibre", "country_of_manufacture",
                                   "year", "role", "name", "licence_number", "country", "address", "date_in",
                                   "document_type", "document_reference", "source_record"};

std::vector<std::string> CsvRow(const FixtureWeapon& w, const CustodyEntry* e) {
  std::vector<std::string> row{w.serial, w.manufacturer, w.model, w.type, w.calibre, w.country_of_manufacture,
                               std::to_string(w.year)};
  if (e) row.insert(row.end(), {e->role, e->name, e->licence_number, e->country, e->address, e->date_in,
                                e->document_type, e->document_reference, e->source_record});
  else row.resize(16);
  return row;
}

std::string SqlText(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

Result<std::string> ToLatin1(const std::string& utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) out.push_back(static_cast<char>(c));
    else if ((c == 0xC2 || c == 0xC3) && i + 1 < utf8.size()) out.push_back(static_cast<char>(((c & 0x03) << 6) | (utf8[++i] & 0x3F)));
    else return MakeError(Errc::kInvalidArgument, "fixture text has characters outside Latin-1");
  }
  return out;
}

std::string RenderSql() {
  std::string sql = std::string(RegistrySchemaSql()) + "\n";
  int id = 9000;
  for (const FixtureWeapon& w : FixtureWeapons()) {
    ++id;
    std::string wid = std::to_string(id);
    sql += "INSERT INTO weapons (id, serial, serial_norm, manufacturer, manufacturer_norm, model, type, calibre, "
           "country_of_manufacture, year) VALUES (" + wid + ", " + SqlText(w.serial) + ", " +
           SqlText(NormaliseSerial(w.serial)) + ", " + SqlText(w.manufacturer) + ", " + SqlText(NormaliseMake(w.manufacturer)) +
           ", " + SqlText(w.model) + ", " + SqlText(w.type) + ", " + SqlText(w.calibre) + ", " +
           SqlText(w.country_of_manufacture) + ", " + std::to_string(w.year) + ");\n";
    for (const CustodyEntry& e : w.chain) {
      std::string common = SqlText(e.licence_number) + ", " + SqlText(e.country) + ", " + SqlText(e.address);
      if (e.role == "manufacturer")
        sql += "INSERT INTO manufacture_records (weapon_id, manufacturer_name, licence_number, country, address, date, "
               "record_ref) VALUES (" + wid + ", " + SqlText(e.name) + ", " + common + ", " + SqlText(e.date_in) + ", " +
               SqlText(e.source_record) + ");\n";
      else if (e.role == "exporter" || e.role == "importer")
        sql += "INSERT INTO import_export_records (weapon_id, direction, date, party_name, licence_number, country, "
               "address, document_type, document_reference, record_ref) VALUES (" + wid + ", " +
               SqlText(e.role == "exporter" ? "export" : "import") + ", " + SqlText(e.date_in) + ", " + SqlText(e.name) +
               ", " + common + ", " + SqlText(e.document_type) + ", " + SqlText(e.document_reference) + ", " +
               SqlText(e.source_record) + ");\n";
      else
        sql += "INSERT INTO transfer_records (weapon_id, date, role, party_name, licence_number, country, address, "
               "document_type, document_reference, record_ref) VALUES (" + wid + ", " + SqlText(e.date_in) + ", " +
               SqlText(e.role) + ", " + SqlText(e.name) + ", " + common + ", " + SqlText(e.document_type) + ", " +
               SqlText(e.document_reference) + ", " + SqlText(e.source_record) + ");\n";
    }
  }
  return sql;
}

std::string RenderDelimited(char delimiter) {
  auto field = [&](const std::string& v) {
    if (delimiter == '\t') return v;  // the fixture has no tabs or newlines
    std::string quoted(v.size() * 2 + 2, '\0');
    quoted.resize(csv_write(quoted.data(), quoted.size(), v.data(), v.size()));
    return quoted;
  };
  auto line = [&](const std::vector<std::string>& row) {
    std::string out;
    for (size_t i = 0; i < row.size(); ++i) out += (i ? std::string(1, delimiter) : "") + field(row[i]);
    return out + "\n";
  };
  std::string text = line(std::vector<std::string>(std::begin(kCsvColumns), std::end(kCsvColumns)));
  for (const FixtureWeapon& w : FixtureWeapons()) {
    if (w.chain.empty()) text += line(CsvRow(w, nullptr));
    for (const CustodyEntry& e : w.chain) text += line(CsvRow(w, &e));
  }
  return text;
}

}  // namespace

const std::vector<FixtureWeapon>& FixtureWeapons() {
  static const std::vector<FixtureWeapon> weapons{
      {"TNCK-1001", "Glock", "G17", "pistol", "9x19mm", "AUT", 2015,
       {Held("manufacturer", "Glock GmbH", "AUT", "2015-03-02", "manufacturing record", "", "AT-M-0001"),
        Held("exporter", "Glock GmbH", "AUT", "2015-04-10", "export licence", "AT-EX-2015-0410"),
        Held("importer", "Acme Arms Import LLC", "USA", "2015-05-01", "import permit", "US-IMP-77120"),
        Held("dealer", "Main Street Guns", "USA", "2016-01-15", "invoice", "INV-5531", "FFL-1-23-456"),
        Held("first_retail_purchaser", "J. Doe", "USA", "2016-02-20", "transfer form", "4473-99812")},
       FindingOutcome::kFound},
      {"TNCK-1002", "Smith & Wesson", "M&P9", "pistol", "9x19mm", "USA", 2018,
       {Held("manufacturer", "Smith & Wesson Inc.", "USA", "2018-06-11", "manufacturing record"),
        Held("dealer", "Frontier Outfitters", "USA", "2018-09-03", "invoice", "INV-0093")},
       FindingOutcome::kPartial},
      {"TNCK-1003", "Beretta", "92FS", "pistol", "9x19mm", "ITA", 2010, {}, FindingOutcome::kPartial},
      {"TNCK-1004", "Glock", "G19", "pistol", "9x19mm", "AUT", 2012,
       {Held("manufacturer", "Glock GmbH", "AUT", "2012-01-20", "manufacturing record"),
        Held("government_stock", "Federal Police Armoury", "AUT", "2012-03-01", "delivery note", "BMI-2012-17")},
       FindingOutcome::kFound},
      {"TNCK-1004", "Beretta", "PX4", "pistol", "9x19mm", "ITA", 2013,
       {Held("manufacturer", "Fabbrica d'Armi Pietro Beretta S.p.A.", "ITA", "2013-05-05", "manufacturing record"),
        Held("exporter", "Fabbrica d'Armi Pietro Beretta S.p.A.", "ITA", "2013-07-19", "export licence", "IT-EX-13-0719")},
       FindingOutcome::kPartial},
      {"AB-10O7", "FN Herstal", "FAL", "rifle", "7.62x51mm", "BEL", 1985,
       {Held("manufacturer", "FN Herstal SA", "BEL", "1985-02-14", "manufacturing record"),
        Held("exporter", "FN Herstal SA", "BEL", "1985-06-30", "export licence", "BE-EX-85-633"),
        Held("importer", "Armería Núñez S.A.", "MEX", "1985-08-12", "import permit", "MX-SEDENA-85-0912"),
        Held("last_known_legal_holder", "Club de Tiro Peñasco", "MEX", "1990-11-02", "registration", "RFAFE-90-4411")},
       FindingOutcome::kFound},
      {"TNCK-1006", "Heckler & Koch", "MP5", "submachine_gun", "9x19mm", "DEU", 2001,
       {Held("manufacturer", "Heckler & Koch GmbH", "DEU", "2001-04-04", "manufacturing record"),
        Held("distributor", "Vertrieb Müller GmbH", "DEU", "2001-05-15", "invoice", "VM-2001-55"),
        Held("dealer", "O'Brien & Sons, Ltd. \"Security Division\"", "IRL", "2001-09-09", "invoice", "OB-9")},
       FindingOutcome::kPartial},
  };
  return weapons;
}

Result<std::string> RenderFixture(FixtureFormat format, bool latin1) {
  std::string text = format == FixtureFormat::kSql ? RenderSql() : RenderDelimited(format == FixtureFormat::kCsv ? ',' : '\t');
  if (!latin1) return text;
  if (format == FixtureFormat::kSql) return MakeError(Errc::kInvalidArgument, "the SQL fixture is UTF-8 only");
  return ToLatin1(text);
}

}  // namespace tracenet::adapters::conformance
