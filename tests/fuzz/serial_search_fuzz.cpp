// Fuzz target for search input from outside (a peer's or a user's lost/stolen query): the bytes
// up to the first NUL are a query serial (with wildcards), the rest a record serial; both are
// normalised and, when valid, matched. Must never crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "node/stolen/candidate_match.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t split = text.find('\0');
  std::string_view query = text.substr(0, split);
  std::string_view record = split == std::string_view::npos ? query : text.substr(split + 1);
  auto q = tracenet::stolen::SerialFormsOf(query, true);
  auto r = tracenet::stolen::SerialFormsOf(record, false);
  if (!q || !r) return 0;
  tracenet::stolen::SearchQuery search{*q, "S&W", "9mm", "pistol", false, false, false};
  tracenet::stolen::RecordDescription described{*r, std::string(record.substr(0, 8)), "9x19mm", "pistol"};
  (void)tracenet::stolen::MatchRecord(search, described);
  return 0;
}
