// Reads a CSV export of lost/stolen records for `tracenet stolen import`: a header row of field
// names (DOMAIN.md §5: owner_ref, category, serial, make, ...), then one record per row. Each
// row is checked as the node will check it, so every bad row is reported with its line number
// before anything is sent. Thread-safety: pure function.
#pragma once

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

// Fails (naming the line) for an unreadable file, a header with an unknown field or no
// owner_ref/serial, or broken quoting; row problems are in `errors`.
Result<StolenCsv> ReadStolenCsv(const std::string& path);
// The same for CSV text already in memory; `name` stands for the file in messages.
Result<StolenCsv> ParseStolenCsv(std::string_view text, const std::string& name);

}  // namespace tracenet::stolen
