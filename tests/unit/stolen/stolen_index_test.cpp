// The lost/stolen index on a real LMDB file: every matching rule finds its record through the
// index keys among thousands of others, updates re-index, removals unindex, and bad records
// are refused without touching what is stored.
#include "node/stolen/stolen_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "tests/support/temp_dir.h"

namespace tracenet::stolen {
namespace {

using ::tracenet::test_support::FreshTempDir;

StolenRecord Record(std::string ref, std::string serial, std::string make = "Glock", std::string calibre = "9x19mm") {
  StolenRecord r;
  r.owner = "KEN-NFB";
  r.owner_ref = std::move(ref);
  r.serial = std::move(serial);
  r.make = std::move(make);
  r.calibre = std::move(calibre);
  r.type = "pistol";
  return r;
}

SearchQuery Query(const std::string& serial, std::string make = "", std::string calibre = "") {
  return {SerialFormsOf(serial, true).value(), std::move(make), std::move(calibre), "", false, false, false};
}

class StolenIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = StolenIndex::Open(FreshTempDir("stolen_index"));
    ASSERT_TRUE(opened) << opened.error().message;
    index = std::move(*opened);
    // Thousands of unrelated records, so a rule has to find its record through the keys.
    std::mt19937 rng(11);
    std::vector<StolenRecord> noise;
    for (int i = 0; i < 5000; ++i) {
      std::string serial = "N";
      for (int k = 0; k < 9; ++k) serial.push_back("0123456789ACDEFHJKMNPRTUVWXY"[rng() % 28]);
      noise.push_back(Record("noise-" + std::to_string(i), serial));
    }
    noise.push_back(Record("target", "GLK482913", "Smith & Wesson", "9mm Luger"));
    ASSERT_TRUE(index->Put(noise));
  }
  // The refs of the hits for `q`.
  std::vector<std::string> Refs(const SearchQuery& q) {
    auto r = index->Search(q);
    EXPECT_TRUE(r) << r.error().message;
    std::vector<std::string> refs;
    if (r)
      for (const SearchHit& h : r->hits) refs.push_back(h.record.owner_ref);
    return refs;
  }
  bool Finds(const std::string& serial) {
    auto refs = Refs(Query(serial));
    return std::find(refs.begin(), refs.end(), "target") != refs.end();
  }
  std::unique_ptr<StolenIndex> index;
};

TEST_F(StolenIndexTest, EveryRuleFindsTheRecordThroughTheIndex) {
  EXPECT_TRUE(Finds("glk-482 913"));   // normalised
  EXPECT_TRUE(Finds("GLK48291J3"));    // letter between digits
  EXPECT_TRUE(Finds("GLK4B29I3"));     // confusables B->8, I->1
  EXPECT_TRUE(Finds("GLK48?9?3"));     // obliterated positions
  EXPECT_TRUE(Finds("GLK48*"));        // prefix
  EXPECT_TRUE(Finds("*82913"));        // suffix
  EXPECT_TRUE(Finds("XLK482913"));     // one edit in the first third
  EXPECT_TRUE(Finds("GLK487913"));     // one edit in the middle
  EXPECT_TRUE(Finds("GLK48291"));      // last character lost
  EXPECT_TRUE(Finds("XLK482917"));     // two edits: first and last third (middle intact)
  EXPECT_TRUE(Finds("GLX482917"));     // two edits around the middle: prefix or suffix range
  EXPECT_FALSE(Finds("QQQ482999"));    // three edits
  EXPECT_FALSE(Finds("ZZ9999999"));
}

// The key ranges are complete: every record the matcher would accept at its edit distance is
// found through them, whatever the edits (insertions, deletions, substitutions, swaps), where
// they fall, and the lengths involved. Random serials and edits, fixed seed.
TEST(StolenIndexKeysTest, EveryRecordWithinTheAllowedEditsIsFoundThroughTheKeys) {
  auto index = StolenIndex::Open(FreshTempDir("stolen_index_keys")).value();
  std::mt19937 rng(5);
  const std::string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";  // confusables, O, letters between digits
  auto random_serial = [&](size_t length) {
    std::string s;
    for (size_t i = 0; i < length; ++i) s.push_back(alphabet[rng() % alphabet.size()]);
    return s;
  };
  std::vector<StolenRecord> records;
  for (int i = 0; i < 3000; ++i) records.push_back(Record("k" + std::to_string(i), random_serial(5 + rng() % 12)));
  ASSERT_TRUE(index->Put(records));
  size_t checked = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string& serial = records[static_cast<size_t>(i)].serial;
    std::string q = serial;
    for (int e = 0, edits = 1 + static_cast<int>(rng() % 2); e < edits; ++e) {
      size_t at = rng() % q.size();
      switch (rng() % 4) {
        case 0: q[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: q.insert(q.begin() + static_cast<long>(at), alphabet[rng() % alphabet.size()]); break;
        case 2: if (q.size() > 1) q.erase(at, 1); break;
        default: if (at + 1 < q.size()) std::swap(q[at], q[at + 1]);
      }
    }
    SearchQuery query{SerialFormsOf(q, true).value(), "", "", "", false, false, false, true};
    auto match = MatchRecord(query, {SerialFormsOf(serial).value(), "Glock", "9x19mm", "pistol"});
    if (!match) continue;  // the matcher would not accept it either
    ++checked;
    // An exact search finds what the rules short of edits accept (score 85 and up).
    for (bool approximate : {true, false}) {
      if (!approximate && match->score < 85) continue;
      query.approximate = approximate;
      auto r = index->Search(query, 1000);
      ASSERT_TRUE(r) << r.error().message;
      bool found = std::any_of(r->hits.begin(), r->hits.end(), [&](const SearchHit& h) { return h.record.serial == serial; });
      EXPECT_TRUE(found) << serial << " searched as " << q << (approximate ? " (approximate)" : " (exact)");
    }
  }
  EXPECT_GT(checked, 1000u);
}

TEST_F(StolenIndexTest, AnExactSearchLeavesOutWhatIsOnlyClose) {
  SearchQuery exact = Query("GLK4B29I3");  // confusables still count as equal
  exact.approximate = false;
  auto refs = Refs(exact);
  EXPECT_EQ(refs, std::vector<std::string>{"target"});
  exact = Query("GLK487913");  // one edit away: only an approximate search finds it
  exact.approximate = false;
  EXPECT_TRUE(Refs(exact).empty());
}

TEST_F(StolenIndexTest, CandidatesComeBestFirstWithReasonsAndAliases) {
  ASSERT_TRUE(index->Put({Record("near", "GLK482918", "Glock")}));
  auto r = index->Search(Query("GLK482913", "S&W", "9mm Parabellum"));
  ASSERT_TRUE(r);
  ASSERT_GE(r->hits.size(), 2u);
  EXPECT_EQ(r->hits[0].record.owner_ref, "target");
  EXPECT_EQ(r->hits[0].candidate.score, 100);
  std::string reasons;
  for (const std::string& why : r->hits[0].candidate.reasons) reasons += why + "; ";
  EXPECT_NE(reasons.find("make alias S&W = Smith & Wesson"), std::string::npos) << reasons;
  EXPECT_NE(reasons.find("calibre equivalent"), std::string::npos) << reasons;
  EXPECT_EQ(r->hits[1].record.owner_ref, "near");
  EXPECT_LT(r->hits[1].candidate.score, r->hits[0].candidate.score);
}

TEST_F(StolenIndexTest, EqualScoresAreOrderedByEvidenceNotByImportOrder) {
  // Four records the same distance from the query, imported weakest evidence first.
  auto with = [](std::string ref, std::string category, std::string status, uint64_t version_ms) {
    StolenRecord r = Record(std::move(ref), "TIE55021");
    r.category = std::move(category);
    r.status = std::move(status);
    r.version_ms = version_ms;
    return r;
  };
  ASSERT_TRUE(index->Put({with("located-old", "stolen", "located", 1000), with("lost-new", "lost", "active", 5000),
                          with("stolen-old", "stolen", "active", 1000), with("stolen-new", "stolen", "active", 5000)}));
  EXPECT_EQ(Refs(Query("TIE55021")), (std::vector<std::string>{"stolen-new", "stolen-old", "lost-new", "located-old"}));
}

TEST_F(StolenIndexTest, AnUpdateReindexesAndARemovalUnindexes) {
  StolenRecord moved = Record("target", "ZX7710442");
  moved.status = "located";
  ASSERT_TRUE(index->Put({moved}));
  EXPECT_FALSE(Finds("GLK482913"));
  auto refs = Refs(Query("ZX7710442"));
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(index->Get("KEN-NFB", "target").value()->status, "located");
  // The same record twice in one batch: the later version wins, the earlier leaves no key.
  ASSERT_TRUE(index->Put({Record("twice", "QW1234567"), Record("twice", "QW7654321")}));
  EXPECT_TRUE(Refs(Query("QW1234567")).empty());
  EXPECT_EQ(Refs(Query("QW7654321")), std::vector<std::string>{"twice"});
  auto removed = index->Remove("KEN-NFB", "target");
  ASSERT_TRUE(removed && *removed);
  EXPECT_TRUE(Refs(Query("ZX7710442")).empty());
  EXPECT_FALSE(index->Get("KEN-NFB", "target").value().has_value());
  EXPECT_FALSE(*index->Remove("KEN-NFB", "target"));
}

TEST_F(StolenIndexTest, ABadRecordIsRefusedAndItsBatchLeavesNothing) {
  size_t before = index->size();
  StolenRecord bad = Record("bad", "\xff\xfe");
  auto s = index->Put({Record("ok-1", "AA1234567"), bad});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("record 2 (bad): serial"), std::string::npos) << s.error().message;
  EXPECT_EQ(index->size(), before);
  EXPECT_FALSE(index->Get("KEN-NFB", "ok-1").value().has_value());  // all or nothing
  StolenRecord oversized = Record("big", "AB123456");
  oversized.remarks = std::string(5000, 'x');
  EXPECT_NE(index->Put({oversized}).error().message.find("remarks is longer"), std::string::npos);
  StolenRecord category = Record("cat", "AB123456");
  category.category = "borrowed";
  EXPECT_FALSE(index->Put({category}));
  EXPECT_TRUE(Finds("GLK482913"));  // what was stored is intact
}

TEST(StolenIndexRunsTest, MergingRunsChangesNoAnswerAndDropsEntriesOfChangedAndRemovedRecords) {
  std::string dir = FreshTempDir("stolen_index_runs");
  auto index = StolenIndex::Open(dir, {.merge_in_background = false}).value();
  // Twenty batches, each its own run; some records then change serial or go.
  std::map<std::string, std::string> live;  // ref -> serial
  for (int batch = 0; batch < 20; ++batch) {
    std::vector<StolenRecord> records;
    for (int i = 0; i < 50; ++i) {
      std::string ref = "r" + std::to_string(batch * 50 + i);
      std::string serial = "KP" + std::to_string(1000000 + batch * 50 + i);
      records.push_back(Record(ref, serial));
      live[ref] = serial;
    }
    ASSERT_TRUE(index->Put(records));
  }
  StolenRecord corrected = Record("r7", "KP7777777");
  corrected.version_ms = 1;
  ASSERT_TRUE(index->Put({corrected}));
  live["r7"] = "KP7777777";
  ASSERT_TRUE(*index->Remove("KEN-NFB", "r8"));
  live.erase("r8");
  ASSERT_EQ(index->runs().size(), 21u);

  auto answers = [&] {
    std::vector<std::vector<std::string>> all;
    for (const char* q : {"KP1000007", "KP1000008", "KP7777777", "KP1000500", "KP100050?", "KP10005O0"}) {
      auto r = index->Search({SerialFormsOf(q, true).value(), "", "", "", false, false, false, true});
      EXPECT_TRUE(r) << r.error().message;
      std::vector<std::string> refs;
      for (const SearchHit& h : r->hits) refs.push_back(h.record.owner_ref + "=" + std::to_string(h.candidate.score));
      all.push_back(refs);
    }
    return all;
  };
  auto before = answers();
  auto names = [](const std::vector<std::string>& refs, const std::string& ref) {
    return std::any_of(refs.begin(), refs.end(), [&](const std::string& r) { return r.rfind(ref + "=", 0) == 0; });
  };
  EXPECT_FALSE(before[0].empty());  // neighbours of r7's old serial...
  EXPECT_FALSE(names(before[0], "r7"));  // ...but not r7, whose serial changed
  EXPECT_FALSE(names(before[1], "r8"));  // nor removed r8
  EXPECT_EQ(before[2].size(), 1u);
  EXPECT_FALSE(before[4].empty());

  ASSERT_TRUE(index->MergeAll());
  auto runs = index->runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(answers(), before);
  // Exactly the entries of the records that are live: none of r7's old serial nor of r8.
  size_t expected = 0;
  for (const auto& [ref, serial] : live) expected += KeysOfRecord(SerialFormsOf(serial).value()).size();
  EXPECT_EQ(runs[0].entries, expected);

  // Reopened, the index has the merged run and answers the same.
  index.reset();
  index = StolenIndex::Open(dir).value();
  EXPECT_EQ(index->runs(), runs);
  EXPECT_EQ(answers(), before);
}

TEST(StolenIndexRunsTest, AMergeACrashLeftUnfinishedIsDroppedAtOpen) {
  std::string dir = FreshTempDir("stolen_index_orphan");
  {
    auto index = StolenIndex::Open(dir, {.merge_in_background = false}).value();
    ASSERT_TRUE(index->Put({Record("a", "GLK482913")}));
    // What a merge has written when the process dies: a run table that no run list names.
    ASSERT_TRUE(index->env().Write([&](store::Txn& txn) -> Status {
      auto t = txn.OpenTable(RunTableName(0xffff), true);
      if (!t) return t.error();
      return txn.Put(*t, Bytes{2, 'X', 0, 0, 0, 9}, Bytes{'X'});
    }));
  }
  auto index = StolenIndex::Open(dir).value();
  auto names = index->env().TableNames().value();
  EXPECT_EQ(std::count(names.begin(), names.end(), RunTableName(0xffff)), 0);
  EXPECT_EQ(index->runs().size(), 1u);
  auto r = index->Search(Query("GLK482913"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->hits.size(), 1u);
}

TEST_F(StolenIndexTest, APatternWithoutKnownEndsIsRefused) {
  auto r = index->Search(Query("?L*3"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
}

}  // namespace
}  // namespace tracenet::stolen
