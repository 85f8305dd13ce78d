#include "node/stolen/reference_tables.h"

#include <cctype>
#include <functional>
#include <set>
#include <vector>

#include "node/common/csv_row_parser.h"
#include "node/stolen/serial_forms.h"

namespace tracenet::stolen {

// Generated from node/stolen/data/*.csv at build time (shipped_tables.cpp.in).
extern const std::string_view kShippedManufacturerAliases;
extern const std::string_view kShippedCalibreEquivalents;

namespace {

// Calls `row` for each data row after the header; returns the "# version:" value.
Result<std::string> ReadTable(std::string_view text, std::string_view name, size_t columns,
                              const std::function<Status(const std::vector<std::string>&)>& row) {
  CsvRowParser parser(',');
  std::string version;
  bool header_seen = false;
  size_t line_no = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start + 1);
    start = end == std::string_view::npos ? text.size() : end + 1;
    ++line_no;
    if (line.starts_with("#")) {
      if (line.starts_with("# version:")) {
        version = std::string(line.substr(10));
        version.erase(0, version.find_first_not_of(' '));
        version.erase(version.find_last_not_of(" \r\n") + 1);
      }
      continue;
    }
    auto ended = parser.Feed(line);
    if (!ended) return MakeError(Errc::kInvalidArgument, std::string(name) + " line " + std::to_string(line_no) + ": " + ended.error().message);
    if (!*ended) continue;
    if (!header_seen) {
      header_seen = true;
      continue;
    }
    if (parser.fields().size() != columns)
      return MakeError(Errc::kInvalidArgument, std::string(name) + " line " + std::to_string(line_no) + ": expected " +
                                                   std::to_string(columns) + " columns");
    if (Status s = row(parser.fields()); !s)
      return MakeError(s.error().code, std::string(name) + " line " + std::to_string(line_no) + ": " + s.error().message);
  }
  if (version.empty()) return MakeError(Errc::kInvalidArgument, std::string(name) + " has no \"# version:\" line");
  return version;
}

}  // namespace

Result<ReferenceTables> ReferenceTables::FromCsv(std::string_view manufacturer_aliases, std::string_view calibre_equivalents) {
  ReferenceTables t;
  auto makes = ReadTable(manufacturer_aliases, "manufacturer aliases", 2, [&](const std::vector<std::string>& f) {
    std::string key = NameKey(f[1]);
    if (key.empty() || f[0].empty()) return Status(MakeError(Errc::kInvalidArgument, "empty name"));
    auto [it, fresh] = t.m_make_by_key.emplace(key, f[0]);
    if (!fresh && it->second != f[0])
      return Status(MakeError(Errc::kInvalidArgument, "alias \"" + f[1] + "\" names both " + it->second + " and " + f[0]));
    return Status::Ok();
  });
  if (!makes) return makes.error();
  auto calibres = ReadTable(calibre_equivalents, "calibre equivalents", 3, [&](const std::vector<std::string>& f) {
    std::string key = NameKey(f[1]);
    if (key.empty() || f[0].empty()) return Status(MakeError(Errc::kInvalidArgument, "empty name"));
    if (f[2] != "same" && f[2] != "near")
      return Status(MakeError(Errc::kInvalidArgument, "relation must be same or near, not \"" + f[2] + "\""));
    auto [it, fresh] = t.m_calibre_by_key.emplace(key, CalibreEntry{f[0], f[2] == "near"});
    if (!fresh && it->second.cls != f[0])
      return Status(MakeError(Errc::kInvalidArgument, "calibre \"" + f[1] + "\" is in two classes"));
    return Status::Ok();
  });
  if (!calibres) return calibres.error();
  t.m_makes_version = *makes;
  t.m_calibres_version = *calibres;
  return t;
}

Result<ReferenceTables> ReferenceTables::LoadShipped() {
  return FromCsv(kShippedManufacturerAliases, kShippedCalibreEquivalents);
}

const ReferenceTables& ReferenceTables::Shipped() {
  // The shipped data is checked by a unit test; a broken table is a build defect, not input.
  static const ReferenceTables tables = LoadShipped().value();
  return tables;
}

namespace {

// Words a company adds to its name — legal forms, "manufacturing", the country of a branch —
// which officers and registries write or leave out at will: "Glock Inc", "Beretta USA",
// "Colts Mfg Co", "FN America". Compared without dots, in upper case.
const std::set<std::string, std::less<>> kCorporateWords = {
    "INC",  "INCORPORATED", "CORP", "CORPORATION", "CO",   "COMPANY", "LTD",  "LIMITED",       "LLC", "LLP",
    "PLC",  "GMBH",         "GESMBH", "AG",        "KG",   "SA",      "SAS",  "SPA",           "SRL", "SL",
    "AB",   "AS",           "ASA",  "OY",          "BV",   "NV",      "PTY",  "PJSC",          "JSC", "OAO",
    "MFG",  "MANUFACTURING", "MANUFACTURERS", "USA", "US", "AMERICA", "AMERICAN", "INTERNATIONAL", "INTL", "GROUP",
    "HOLDING", "HOLDINGS", "INDUSTRIES", "AD", "DOO", "FIREARMS", "ARMS", "ARMAS", "&", "AND", "THE"};

// `name` less one, two, ... trailing corporate words (never its first word), shortest last:
// "Walther Arms Inc" -> "Walther Arms", "Walther".
std::vector<std::string> WithoutCorporateWords(std::string_view name) {
  std::vector<std::string> words, keys;
  std::string word;
  for (size_t i = 0; i <= name.size(); ++i) {
    char ch = i < name.size() ? name[i] : ' ';
    if (ch == ' ' || ch == ',' || ch == '\t') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word.push_back(ch);
    }
  }
  for (const std::string& w : words) {
    std::string key;
    for (char ch : w)
      if (ch != '.') key.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
    keys.push_back(std::move(key));
  }
  std::vector<std::string> shorter;
  for (size_t keep = words.size(); keep > 1 && kCorporateWords.count(keys[keep - 1]);) {
    --keep;
    std::string out;
    for (size_t i = 0; i < keep; ++i) out += (i ? " " : "") + words[i];
    shorter.push_back(std::move(out));
  }
  return shorter;
}

}  // namespace

std::string ReferenceTables::CanonicalMake(std::string_view name) const {
  auto it = m_make_by_key.find(NameKey(name));
  for (const std::string& shorter : WithoutCorporateWords(name)) {
    if (it != m_make_by_key.end()) break;
    it = m_make_by_key.find(NameKey(shorter));
  }
  return it == m_make_by_key.end() ? std::string() : it->second;
}

std::string ReferenceTables::CalibreClass(std::string_view name) const {
  auto it = m_calibre_by_key.find(NameKey(name));
  return it == m_calibre_by_key.end() ? std::string() : it->second.cls;
}

CalibreRelation ReferenceTables::CompareCalibres(std::string_view a, std::string_view b) const {
  auto ia = m_calibre_by_key.find(NameKey(a)), ib = m_calibre_by_key.find(NameKey(b));
  if (ia == m_calibre_by_key.end() || ib == m_calibre_by_key.end())
    return NameKey(a) == NameKey(b) && !NameKey(a).empty() ? CalibreRelation::kSame : CalibreRelation::kUnknown;
  if (ia->second.cls != ib->second.cls) return CalibreRelation::kDifferent;
  return ia->second.near != ib->second.near ? CalibreRelation::kNear : CalibreRelation::kSame;
}

}  // namespace tracenet::stolen
