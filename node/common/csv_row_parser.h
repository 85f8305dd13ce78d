// Reads CSV (RFC 4180 quoting, via libcsv) one physical line at a time, so the caller always
// knows the byte offset where each record starts, even when quoted fields span lines.
// Thread-safety: an instance belongs to one thread.
#pragma once

#include <csv.h>

#include <string>
#include <string_view>
#include <vector>

#include "node/common/result.h"

namespace tracenet {

class CsvRowParser {
 public:
  explicit CsvRowParser(char delimiter);
  ~CsvRowParser();
  CsvRowParser(const CsvRowParser&) = delete;
  CsvRowParser& operator=(const CsvRowParser&) = delete;

  // Feeds one line (with its newline, if any). True when a record ended on this line; its
  // fields are then in fields() until the next call. kMalformed on broken quoting.
  Result<bool> Feed(std::string_view line);
  // At the end of input: completes a last record that had no newline.
  Result<bool> Finish();
  const std::vector<std::string>& fields() const { return m_done; }

 private:
  static void OnField(void* data, size_t len, void* self);
  static void OnRowEnd(int c, void* self);
  Error ParseError() const;

  csv_parser m_parser;
  std::vector<std::string> m_current;
  std::vector<std::string> m_done;
  bool m_row_ended = false;
};

}  // namespace tracenet
