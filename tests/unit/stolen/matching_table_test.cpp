// The matcher against a labelled table of query/record pairs (match_pairs.tsv): each rule of
// DOMAIN.md §6 has positives and negatives. Every pair must come out as labelled, with the
// expected reason; precision and recall, overall and per rule, are printed.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>

#include "node/common/csv_row_parser.h"
#include "node/stolen/candidate_match.h"

namespace tracenet::stolen {
namespace {

struct Tally {
  size_t tp = 0, fp = 0, fn = 0, tn = 0;
};

TEST(MatchingTableTest, EveryLabelledPairComesOutAsLabelledWithItsReason) {
  std::ifstream in(std::string(TRACENET_SOURCE_DIR) + "/tests/unit/stolen/match_pairs.tsv");
  ASSERT_TRUE(in) << "match_pairs.tsv not found";
  CsvRowParser parser('\t');
  std::map<std::string, Tally> by_rule;
  Tally all;
  std::string line;
  size_t pairs = 0, line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    auto ended = parser.Feed(line + "\n");
    ASSERT_TRUE(ended && *ended) << "line " << line_no;
    std::vector<std::string> f = parser.fields();
    ASSERT_EQ(f.size(), 12u) << "line " << line_no;
    ++pairs;
    auto qs = SerialFormsOf(f[1], true);
    auto rs = SerialFormsOf(f[6]);
    ASSERT_TRUE(qs && rs) << "line " << line_no;
    SearchQuery q{*qs, f[2], f[3], f[4], f[5].find('m') != std::string::npos, f[5].find('c') != std::string::npos,
                  f[5].find('t') != std::string::npos};
    RecordDescription r{*rs, f[7], f[8], f[9]};
    auto candidate = MatchRecord(q, r);
    bool expected = f[10] == "match";
    Tally& t = by_rule[f[0]];
    if (candidate && expected) ++t.tp, ++all.tp;
    if (candidate && !expected) ++t.fp, ++all.fp;
    if (!candidate && expected) ++t.fn, ++all.fn;
    if (!candidate && !expected) ++t.tn, ++all.tn;
    std::string reasons;
    if (candidate)
      for (const std::string& why : candidate->reasons) reasons += why + "; ";
    EXPECT_EQ(candidate.has_value(), expected) << "line " << line_no << " [" << f[0] << "] " << f[1] << " vs " << f[6]
                                               << (candidate ? " matched: " + reasons : std::string(" did not match"));
    if (candidate && expected && !f[11].empty())
      EXPECT_NE(reasons.find(f[11]), std::string::npos) << "line " << line_no << " [" << f[0] << "] reasons: " << reasons;
    if (candidate) {
      EXPECT_GE(candidate->score, kMinCandidateScore);
      EXPECT_LE(candidate->score, 100);
    }
  }
  EXPECT_GE(pairs, 200u);
  auto ratio = [](size_t a, size_t b) { return b == 0 ? 1.0 : static_cast<double>(a) / static_cast<double>(b); };
  std::printf("%-28s %5s %5s %5s %5s %9s %7s\n", "rule", "tp", "fp", "fn", "tn", "precision", "recall");
  for (const auto& [rule, t] : by_rule)
    std::printf("%-28s %5zu %5zu %5zu %5zu %9.3f %7.3f\n", rule.c_str(), t.tp, t.fp, t.fn, t.tn, ratio(t.tp, t.tp + t.fp),
                ratio(t.tp, t.tp + t.fn));
  std::printf("%-28s %5zu %5zu %5zu %5zu %9.3f %7.3f  (%zu pairs)\n", "all", all.tp, all.fp, all.fn, all.tn,
              ratio(all.tp, all.tp + all.fp), ratio(all.tp, all.tp + all.fn), pairs);
}

}  // namespace
}  // namespace tracenet::stolen
