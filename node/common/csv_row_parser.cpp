#include "node/common/csv_row_parser.h"

namespace tracenet {

CsvRowParser::CsvRowParser(char delimiter) {
  csv_init(&m_parser, CSV_STRICT | CSV_STRICT_FINI);
  csv_set_delim(&m_parser, static_cast<unsigned char>(delimiter));
}

CsvRowParser::~CsvRowParser() { csv_free(&m_parser); }

void CsvRowParser::OnField(void* data, size_t len, void* self) {
  static_cast<CsvRowParser*>(self)->m_current.emplace_back(static_cast<const char*>(data), len);
}

void CsvRowParser::OnRowEnd(int, void* self) {
  auto* p = static_cast<CsvRowParser*>(self);
  p->m_done = std::move(p->m_current);
  p->m_current.clear();
  p->m_row_ended = true;
}

Error CsvRowParser::ParseError() const {
  return MakeError(Errc::kMalformed, std::string("malformed CSV: ") + csv_strerror(csv_error(const_cast<csv_parser*>(&m_parser))) +
                                         " (a quote that is not closed, or text after a closing quote)");
}

Result<bool> CsvRowParser::Feed(std::string_view line) {
  m_row_ended = false;
  if (csv_parse(&m_parser, line.data(), line.size(), OnField, OnRowEnd, this) != line.size()) return ParseError();
  return m_row_ended;
}

Result<bool> CsvRowParser::Finish() {
  m_row_ended = false;
  if (csv_fini(&m_parser, OnField, OnRowEnd, this) != 0) return ParseError();
  return m_row_ended;
}

}  // namespace tracenet
