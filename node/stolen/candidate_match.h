// Scores one lost/stolen record against a search (DOMAIN.md §6) and says why: the serial by the
// most literal form that agrees (equal; equal after O->0 or letters between digits; equal after
// confusable characters; a wildcard pattern for obliterated positions; one or two edits), then
// make (aliases), calibre (equivalents) and type raise or lower the score, or exclude the record
// when the search narrows by them. A candidate is never a confirmation.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "node/stolen/reference_tables.h"
#include "node/stolen/serial_forms.h"

namespace tracenet::stolen {

struct SearchQuery {
  SerialForms serial;  // from SerialFormsOf(raw, /*wildcards=*/true)
  std::string make, calibre, type;  // optional
  bool narrow_by_make = false, narrow_by_calibre = false, narrow_by_type = false;
  bool approximate = true;  // also look for serials one or two edits away (index: wider key ranges)
};

struct RecordDescription {
  SerialForms serial;
  std::string make, calibre, type;
};

struct Candidate {
  int score = 0;  // 0..100
  std::vector<std::string> reasons;
};

constexpr int kMinCandidateScore = 40;

// A candidate when the serial agrees by some rule and no narrowing excludes the record.
std::optional<Candidate> MatchRecord(const SearchQuery& query, const RecordDescription& record,
                                     const ReferenceTables& tables = ReferenceTables::Shipped());

// Optimal string alignment distance (edits: insert, delete, substitute, swap two neighbours),
// or max + 1 when it is larger than `max`.
size_t EditDistance(std::string_view a, std::string_view b, size_t max);
// How many edits a serial match allows between skeletons the shorter of which has `shorter`
// characters: two from eight characters, one from five, none below (an edit would leave too
// little of a short serial). The index's key ranges follow the same rule.
inline size_t AllowedEdits(size_t shorter) { return shorter >= 8 ? 2 : shorter >= 5 ? 1 : 0; }

// '?' is one character, '*' any run (also none).
bool WildcardMatch(std::string_view pattern, std::string_view text);

}  // namespace tracenet::stolen
