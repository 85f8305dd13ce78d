// Fuzz target for registry exports: the CSV record reader fed line by line, as the CSV
// adapter's indexer and row reader feed it. Must never crash or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "node/common/csv_row_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  char delimiter = size > 0 && data[0] == ';' ? ';' : ',';
  tracenet::CsvRowParser parser(delimiter);
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    auto ended = parser.Feed(text.substr(start, end - start));
    if (!ended) return 0;
    if (*ended) (void)parser.fields().size();
    start = end;
  }
  (void)parser.Finish();
  return 0;
}
