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
// A make or calibre the reference tables do not know: it cannot be compared, so it costs a
// little (the match is less certain) but far less than a known difference (15).
constexpr int kUnrecognisedPenalty = 5;

// How much a score is worth to an officer: "strong" (85 and up: the serial agrees exactly or
// after a known misreading), "likely" (60-84), "weak" (below 60: two differences, or one with
// other evidence against it). Chosen from searches whose answer was known: the right record,
// when ranked first, scored 70 or more every time, while weak candidates for weapons not in
// the index scored 40-55.
std::string_view ScoreBand(int score);

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
