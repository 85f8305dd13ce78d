#include "node/stolen/candidate_match.h"

#include <algorithm>
#include <array>
#include <span>
#include <vector>

namespace tracenet::stolen {
namespace {

bool HasWildcards(const SerialForms& s) { return s.normalised.find_first_of("?*") != std::string::npos; }

// The confusable folds that turn `from` into `to` position by position ("S->5, B->8").
std::string FoldsBetween(const std::string& from, const std::string& to) {
  std::vector<std::string> folds;
  for (size_t i = 0; i < from.size() && i < to.size(); ++i)
    if (from[i] != to[i]) {
      std::string fold = std::string(1, from[i]) + "\u2192" + std::string(1, to[i]);
      if (std::find(folds.begin(), folds.end(), fold) == folds.end()) folds.push_back(fold);
    }
  std::string out;
  for (const std::string& f : folds) out += (out.empty() ? "" : ", ") + f;
  return out;
}

// The serial rule that agrees, most literal first; nullopt when none does.
std::optional<Candidate> MatchSerial(const SerialForms& q, const SerialForms& r) {
  Candidate c;
  if (HasWildcards(q)) {
    size_t unknown = std::count(q.normalised.begin(), q.normalised.end(), '?');
    bool runs = q.normalised.find('*') != std::string::npos;
    std::string shape = runs ? (q.normalised.front() == '*' ? "suffix " : q.normalised.back() == '*' ? "prefix " : "pattern ")
                             : "pattern ";
    std::string what = "serial matches the " + shape + q.normalised;
    if (unknown) what += " (" + std::to_string(unknown) + " obliterated position" + (unknown > 1 ? "s" : "") + ")";
    int score = 90 - 5 * static_cast<int>(unknown) - (runs ? 15 : 0);
    if (WildcardMatch(q.normalised, r.normalised)) {
      c.score = score;
      c.reasons.push_back(what);
    } else if (WildcardMatch(q.ncic, r.ncic)) {
      c.score = score - 5;
      c.reasons.push_back(what + " after NCIC normalisation");
    } else if (WildcardMatch(q.skeleton, r.skeleton)) {
      c.score = score - 15;
      c.reasons.push_back(what + " after confusable characters");
    } else {
      return std::nullopt;
    }
    c.score = std::max(c.score, kMinCandidateScore);
    return c;
  }
  if (q.normalised == r.normalised) {
    c.score = 100;
    c.reasons.push_back("serial equal");
    return c;
  }
  if (q.ncic == r.ncic) {
    c.score = 95;
    std::string why = "serial equal after";
    bool o = q.o_read_as_zero || r.o_read_as_zero;
    std::string letters = q.letters_between_digits + r.letters_between_digits;
    if (o) why += " O\u21920";
    if (!letters.empty()) why += std::string(o ? " and" : "") + " ignoring letters between digits (" + letters + ")";
    c.reasons.push_back(why);
    return c;
  }
  if (q.skeleton == r.skeleton) {
    c.score = 85;
    std::string folds = FoldsBetween(q.ncic.size() == r.ncic.size() ? q.ncic : q.skeleton,
                                     q.ncic.size() == r.ncic.size() ? r.ncic : r.skeleton);
    c.reasons.push_back("serial equal after confusable characters" + (folds.empty() ? "" : " (" + folds + ")"));
    return c;
  }
  // One or two edits: only for serials long enough that an edit still leaves most of them.
  size_t shorter = std::min(q.skeleton.size(), r.skeleton.size());
  size_t allowed = AllowedEdits(shorter);
  if (allowed == 0) return std::nullopt;
  size_t d = EditDistance(q.skeleton, r.skeleton, allowed);
  if (d > allowed) return std::nullopt;
  c.score = d == 1 ? 70 : 55;
  c.reasons.push_back("serial " + std::to_string(d) + " character" + (d > 1 ? "s" : "") + " different (" + q.normalised +
                      " vs " + r.normalised + ")");
  return c;
}

}  // namespace

size_t EditDistance(std::string_view a, std::string_view b, size_t max) {
  if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > max) return max + 1;
  // Three rows on the stack for serial-sized strings: an index search calls this thousands of
  // times, and three allocations a call cost more than the comparison.
  constexpr size_t kStackRow = 96;
  std::array<size_t, kStackRow> rows[3];
  std::vector<size_t> heap_rows[3];
  std::span<size_t> prev2, prev, cur;
  if (b.size() < kStackRow) {
    prev2 = std::span(rows[0]).first(b.size() + 1), prev = std::span(rows[1]).first(b.size() + 1),
    cur = std::span(rows[2]).first(b.size() + 1);
  } else {
    for (auto& r : heap_rows) r.assign(b.size() + 1, 0);
    prev2 = heap_rows[0], prev = heap_rows[1], cur = heap_rows[2];
  }
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    size_t row_min = cur[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > max) return max + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[b.size()], max + 1);
}

bool WildcardMatch(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string_view ScoreBand(int score) { return score >= 85 ? "strong" : score >= 60 ? "likely" : "weak"; }

std::optional<Candidate> MatchRecord(const SearchQuery& query, const RecordDescription& record,
                                     const ReferenceTables& tables) {
  auto candidate = MatchSerial(query.serial, record.serial);
  if (!candidate) return std::nullopt;
  Candidate& c = *candidate;
  if (!query.make.empty() && !record.make.empty()) {
    std::string qm = tables.CanonicalMake(query.make), rm = tables.CanonicalMake(record.make);
    bool same = (!qm.empty() && qm == rm) || NameKey(query.make) == NameKey(record.make);
    if (same) {
      c.reasons.push_back(NameKey(query.make) == NameKey(record.make)
                              ? "make equal"
                              : "make alias " + query.make + " = " + record.make + " (" + qm + ")");
    } else if (qm.empty() || rm.empty()) {
      // A name the table lacks says nothing either way: not evidence of counterfeit markings,
      // and not a reason to drop the record when narrowing by make.
      c.score -= kUnrecognisedPenalty;
      c.reasons.push_back("make not recognised: " + (qm.empty() ? query.make : record.make) +
                          " is not in the make table, so it cannot be compared with " +
                          (qm.empty() ? record.make : query.make));
    } else {
      if (query.narrow_by_make) return std::nullopt;
      c.score -= 15;
      c.reasons.push_back("make differs: " + query.make + " vs " + record.make +
                          " (counterfeit or mis-recorded markings possible)");
    }
  }
  if (!query.calibre.empty() && !record.calibre.empty()) {
    switch (tables.CompareCalibres(query.calibre, record.calibre)) {
      case CalibreRelation::kSame:
        c.reasons.push_back(NameKey(query.calibre) == NameKey(record.calibre)
                                ? "calibre equal"
                                : "calibre equivalent " + query.calibre + " = " + record.calibre);
        break;
      case CalibreRelation::kNear:
        c.score -= 5;
        c.reasons.push_back("calibre close " + query.calibre + " \u2248 " + record.calibre);
        break;
      case CalibreRelation::kUnknown:
        c.score -= kUnrecognisedPenalty;
        c.reasons.push_back("calibre not recognised: " + query.calibre + " vs " + record.calibre +
                            " (one is not in the calibre table)");
        break;
      case CalibreRelation::kDifferent:
        if (query.narrow_by_calibre) return std::nullopt;
        c.score -= 15;
        c.reasons.push_back("calibre differs: " + query.calibre + " vs " + record.calibre);
        break;
    }
  }
  if (!query.type.empty() && !record.type.empty()) {
    if (NameKey(query.type) == NameKey(record.type)) {
      c.reasons.push_back("type equal");
    } else {
      if (query.narrow_by_type) return std::nullopt;
      c.score -= 10;
      c.reasons.push_back("type differs: " + query.type + " vs " + record.type);
    }
  }
  c.score = std::clamp(c.score, 0, 100);
  if (c.score < kMinCandidateScore) return std::nullopt;
  return candidate;
}

}  // namespace tracenet::stolen
