#include "node/stolen_exchange/stolen_csv.h"

#include <algorithm>
#include <fstream>
#include <set>

#include "node/common/csv_row_parser.h"
#include "node/common/file_util.h"
#include "node/crypto/primitives.h"
#include "node/stolen_exchange/stolen_json.h"

namespace tracenet::stolen {

namespace {

const std::set<std::string> kKnown = {"owner_ref", "agency", "category", "serial", "make", "model", "type",
                                      "calibre", "country_of_manufacture", "importer", "event_date",
                                      "event_place", "status", "remarks"};
constexpr char kIgnored[] = "-";

std::string Trimmed(std::string s) {
  s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\r' || c == '\t'; }), s.end());
  return s;
}

}  // namespace

Result<ColumnMapping> ParseColumnMapping(const std::vector<std::string>& pairs, const std::string& where) {
  ColumnMapping mapping;
  for (const std::string& raw : pairs) {
    std::string pair = raw.substr(0, raw.find('#'));
    if (Trimmed(pair).empty()) continue;
    size_t eq = pair.find('=');
    std::string source = eq == std::string::npos ? "" : Trimmed(pair.substr(0, eq));
    std::string field = eq == std::string::npos ? "" : Trimmed(pair.substr(eq + 1));
    if (source.empty() || field.empty())
      return MakeError(Errc::kInvalidArgument, where + ": \"" + raw + "\" is not source_column=field");
    if (field != kIgnored && !kKnown.count(field))
      return MakeError(Errc::kInvalidArgument, where + ": " + field + " is not a record field (one of owner_ref, serial, "
                                                                      "make, model, type, calibre, category, agency, ..., or - to leave the column out)");
    if (!mapping.emplace(source, field).second)
      return MakeError(Errc::kInvalidArgument, where + ": column " + source + " is mapped twice");
  }
  return mapping;
}

Result<StolenCsv> ReadStolenCsv(const std::string& path, const ColumnMapping& mapping) {
  auto content = ReadFileBytes(path);
  if (!content) return content.error();
  return ParseStolenCsv(AsString(*content), path, mapping);
}

Result<StolenCsv> ParseStolenCsv(std::string_view text, const std::string& path, const ColumnMapping& mapping) {
  StolenCsv out;
  std::string named(text);
  for (const auto& [source, field] : mapping) named += "\n#map " + source + "=" + field;
  crypto::Hash32 digest = crypto::Hash256(AsBytes(named));
  out.digest = ToHex(ByteView(digest.data(), 16));
  CsvRowParser parser(',');
  std::vector<std::string> header;
  size_t line = 0, row_start = 1;
  auto on_row = [&](const std::vector<std::string>& fields) -> Status {
    if (header.empty()) {
      header = fields;
      std::set<std::string> seen;
      for (std::string& h : header) {
        h.erase(std::remove_if(h.begin(), h.end(), [](char c) { return c == ' ' || c == '\r' || c == '\xEF' || c == '\xBB' || c == '\xBF'; }), h.end());
        seen.insert(h);
        if (auto mapped = mapping.find(h); mapped != mapping.end()) h = mapped->second;
        if (h != kIgnored && !kKnown.count(h))
          return MakeError(Errc::kInvalidArgument, path + ":1: unknown column \"" + h + "\" (map it to a record field with --map " +
                                                       h + "=FIELD, or leave it out with --map " + h + "=-)");
      }
      std::set<std::string> given;
      for (const std::string& h : header)
        if (h != kIgnored && !given.insert(h).second)
          return MakeError(Errc::kInvalidArgument, path + ":1: two columns give " + h + " (map one of them elsewhere, or to -)");
      for (const auto& [source, field] : mapping)
        if (!seen.count(source)) return MakeError(Errc::kInvalidArgument, path + ":1: the mapping names a column " + source + " the file does not have");
      for (const char* needed : {"owner_ref", "serial"})
        if (std::find(header.begin(), header.end(), needed) == header.end())
          return MakeError(Errc::kInvalidArgument, path + ":1: the header needs a " + needed + " column");
      return Status::Ok();
    }
    if (fields.size() == 1 && fields[0].empty()) return Status::Ok();  // blank line
    if (fields.size() != header.size()) {
      out.errors.push_back({row_start, std::to_string(fields.size()) + " fields, the header has " + std::to_string(header.size())});
      return Status::Ok();
    }
    Json record = Json::object();
    for (size_t i = 0; i < header.size(); ++i)
      if (!fields[i].empty() && header[i] != kIgnored) record[header[i]] = fields[i];
    auto checked = RecordFromJson(record, "owner");
    if (!checked) out.errors.push_back({row_start, checked.error().message});
    else out.records.push_back(std::move(record));
    return Status::Ok();
  };
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view physical = text.substr(0, nl == std::string_view::npos ? text.size() : nl + 1);
    text.remove_prefix(physical.size());
    ++line;
    auto ended = parser.Feed(physical);
    if (!ended) return MakeError(Errc::kInvalidArgument, path + ":" + std::to_string(line) + ": " + ended.error().message);
    if (*ended) {
      if (Status s = on_row(parser.fields()); !s) return s.error();
      row_start = line + 1;
    }
  }
  auto last = parser.Finish();
  if (!last) return MakeError(Errc::kInvalidArgument, path + ":" + std::to_string(line) + ": " + last.error().message);
  if (*last)
    if (Status s = on_row(parser.fields()); !s) return s.error();
  if (header.empty()) return MakeError(Errc::kInvalidArgument, path + " is empty: it needs a header row");
  return out;
}

}  // namespace tracenet::stolen
