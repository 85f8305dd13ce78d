// Reads a CSV export of lost/stolen records for `tracenet stolen import`: a header row of field
// names (DOMAIN.md §5: owner_ref, category, serial, make, ...), then one record per row. Each
// row is checked as the node will check it, so every bad row is reported with its line number
// before anything is sent. Thread-safety: pure function.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "node/common/result.h"

namespace tracenet::stolen {

struct CsvRowError {
  size_t line = 0;  // 1-based line where the row starts
  std::string message;
};

struct StolenCsv {
  std::vector<nlohmann::json> records;  // the good rows, as API records
  std::vector<CsvRowError> errors;
  std::string digest;  // hex BLAKE2b-256 of the file: names the import for resuming
};

// How an export's own column names map to record fields: source column -> field, or -> "-" to
// leave the column out ("record_id" -> "owner_ref", "unit" -> "agency", "notes" -> "-").
using ColumnMapping = std::map<std::string, std::string>;

// `source=field` pairs (`--map`), or the lines of a mapping file (blank lines and # comments
// allowed); refuses a field that is not a record field.
Result<ColumnMapping> ParseColumnMapping(const std::vector<std::string>& pairs, const std::string& where);

// Fails (naming the line) for an unreadable file, a header with an unknown field (after the
// mapping) or no owner_ref/serial, a mapped column the file lacks, or broken quoting; row
// problems are in `errors`. The digest covers the mapping too: another mapping, another import.
Result<StolenCsv> ReadStolenCsv(const std::string& path, const ColumnMapping& mapping = {});
// The same for CSV text already in memory; `name` stands for the file in messages.
Result<StolenCsv> ParseStolenCsv(std::string_view text, const std::string& name, const ColumnMapping& mapping = {});

}  // namespace tracenet::stolen
