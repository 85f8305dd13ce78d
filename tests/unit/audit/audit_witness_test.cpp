// Audit witnesses: a node's receipts carry its latest signed checkpoint, its peers keep the newest
// one, and a log whose tail was cut off (which its own verification cannot see) is shown by
// comparing it with that witness. Two real nodes in one process (MemoryLinks, real LMDB stores).
#include <gtest/gtest.h>

#include "node/audit/audit_log.h"
#include "node/audit/audit_witness.h"
#include "node/store/node_store.h"
#include "tests/support/in_process_federation.h"
#include "tests/support/temp_dir.h"

namespace tracenet {
namespace {

using test_support::InProcessNode;
using test_support::Member;

const Member kKen{"KEN-NFB", "national", 1, {}};
const Member kMex{"MEX-FGR", "national", 3, {}};
constexpr uint64_t kStart = 1'900'000'000'000;

class AuditWitnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = test_support::FreshTempDir("audit_witness");
    auto directory = test_support::WriteTestDirectory(m_dir + "/directory.dir", {kKen, kMex}, kStart);
    ASSERT_TRUE(directory);
    m_directory = *directory;
    m_ken = Start(kKen);
    m_mex = Start(kMex);
    ASSERT_TRUE(m_ken && m_mex);
  }
  std::unique_ptr<InProcessNode> Start(const Member& m) {
    return InProcessNode::Start(m_dir + "/" + m.id, m, {kKen, kMex}, m_clock,
                                [&](config::NodeConfig& c) { m_directory.Apply(c); });
  }
  // KEN-NFB sends MEX-FGR a trace request; MEX-FGR's receipt comes back.
  void OneTrace(const std::string& serial) {
    m_ken->Serve([&] { ASSERT_TRUE(m_ken->node().Submit(kMex.id, test_support::SampleRequest(serial))); });
    test_support::Exchange(*m_ken, *m_mex);
    m_clock.Set(m_clock.NowMs() + 2000);
  }
  // Deletes the log's entries and checkpoints from the last checkpoint before `seq` on, as
  // someone with the (stopped) node's store could: what is left still verifies on its own.
  static void CutLogBefore(const std::string& data_dir, uint64_t seq) {
    auto store = store::NodeStore::Open(data_dir);
    ASSERT_TRUE(store);
    store::NodeStore& s = **store;
    ASSERT_TRUE(s.env().Write([&](store::Txn& txn) -> Status {
      uint64_t keep = 0;
      Status scan = txn.Scan(s.table("audit_checkpoints"), {}, [&](ByteView k, ByteView) {
        if (store::U64FromKey(k) < seq) keep = store::U64FromKey(k);
        return true;
      });
      if (!scan) return scan;
      for (const char* table : {"audit_log", "audit_checkpoints"}) {
        std::vector<Bytes> doomed;
        Status s2 = txn.Scan(s.table(table), store::U64Key(keep + 1), [&](ByteView k, ByteView) {
          doomed.emplace_back(k.begin(), k.end());
          return true;
        });
        if (!s2) return s2;
        for (const Bytes& k : doomed)
          if (auto d = txn.Delete(s.table(table), k); !d) return d.error();
      }
      return Status::Ok();
    }));
  }
  std::vector<audit::Witness> KenWitnessesForMex() {
    std::vector<audit::Witness> out;
    auto witnesses = m_ken->node().AuditWitnesses();
    if (witnesses)
      for (const audit::Witness& w : *witnesses)
        if (w.member == kMex.id) out.push_back(w);
    return out;
  }
  std::optional<audit::Witness> KenWitnessForMex() {
    auto witnesses = m_ken->node().AuditWitnesses();
    if (!witnesses) return std::nullopt;
    for (const audit::Witness& w : *witnesses)
      if (w.member == kMex.id) return w;
    return std::nullopt;
  }

  FixedClock m_clock{kStart};
  std::string m_dir;
  test_support::TestDirectory m_directory;
  std::unique_ptr<InProcessNode> m_ken, m_mex;
};

TEST_F(AuditWitnessTest, PeersKeepTheNewestCheckpointFromReceiptsAndItMatchesTheLog) {
  OneTrace("W1");
  OneTrace("W2");
  OneTrace("W3");
  auto witness = KenWitnessForMex();
  ASSERT_TRUE(witness) << "MEX-FGR's receipts carry its audit checkpoints";
  EXPECT_GT(witness->checkpoint.seq, 0u);
  EXPECT_EQ(witness->conflicts, 0u);
  auto check = m_mex->node().CheckAuditWitness(witness->checkpoint);
  ASSERT_TRUE(check);
  EXPECT_TRUE(check->consistent) << check->verdict;
}

TEST_F(AuditWitnessTest, ACutOffTailPassesItsOwnCheckButNotThePeersWitness) {
  for (const char* serial : {"T1", "T2", "T3", "T4"}) OneTrace(serial);
  auto witness = KenWitnessForMex();
  ASSERT_TRUE(witness);
  const uint64_t witnessed = witness->checkpoint.seq;

  // Offline, someone with the store cuts MEX-FGR's log back to the checkpoint before the
  // witnessed one: every remaining entry still chains and ends under a signed checkpoint.
  m_mex.reset();
  CutLogBefore(m_dir + "/" + kMex.id + "/data", witnessed);
  m_mex = Start(kMex);
  ASSERT_TRUE(m_mex);
  auto own = m_mex->node().VerifyAudit();
  ASSERT_TRUE(own);
  EXPECT_TRUE(own->ok) << "the cut-off log verifies on its own: " << own->problem;
  EXPECT_LT(own->entries, witnessed);

  auto check = m_mex->node().CheckAuditWitness(witness->checkpoint);
  ASSERT_TRUE(check);
  EXPECT_FALSE(check->consistent);
  EXPECT_NE(check->verdict.find("TRUNCATED"), std::string::npos) << check->verdict;
}

// The attack a single newest witness cannot see: cut the log back, then let it grow past its old
// length, so the next receipt's checkpoint (of the new history) is the newest. Yesterday's
// witness is still kept, and the log no longer matches it.
TEST_F(AuditWitnessTest, ALogCutBackAndGrownAgainStillFailsAnEarlierDaysWitness) {
  for (const char* serial : {"D1", "D2", "D3"}) OneTrace(serial);
  auto yesterday = KenWitnessForMex();
  ASSERT_TRUE(yesterday);
  m_clock.Set(m_clock.NowMs() + audit::WitnessStore::kDayMs);

  m_mex.reset();
  CutLogBefore(m_dir + "/" + kMex.id + "/data", yesterday->checkpoint.seq);
  m_mex = Start(kMex);
  ASSERT_TRUE(m_mex);
  for (const char* serial : {"R1", "R2", "R3", "R4", "R5", "R6"}) OneTrace(serial);
  std::vector<audit::Witness> kept = KenWitnessesForMex();
  ASSERT_EQ(kept.size(), 2u) << "one witness per day";
  EXPECT_GT(kept.back().checkpoint.seq, yesterday->checkpoint.seq) << "the log grew past its old length";
  auto today = m_mex->node().CheckAuditWitness(kept.back().checkpoint);
  ASSERT_TRUE(today);
  EXPECT_TRUE(today->consistent) << "today's witness is of the new history";
  auto check = m_mex->node().CheckAuditWitness(kept.front().checkpoint);
  ASSERT_TRUE(check);
  EXPECT_FALSE(check->consistent);
  EXPECT_NE(check->verdict.find("REWRITTEN"), std::string::npos) << check->verdict;
}

TEST_F(AuditWitnessTest, AWitnessNotSignedByTheNodeProvesNothing) {
  OneTrace("F1");
  OneTrace("F2");
  auto witness = KenWitnessForMex();
  ASSERT_TRUE(witness);
  audit::SignedCheckpoint forged = witness->checkpoint;
  forged.seq += 1000;  // a peer claiming MEX-FGR's log went further than it did
  auto check = m_mex->node().CheckAuditWitness(forged);
  ASSERT_TRUE(check);
  EXPECT_FALSE(check->consistent);
  EXPECT_NE(check->verdict.find("not signed by this node's key"), std::string::npos) << check->verdict;

  // And a member's receipt cannot plant a checkpoint under someone else's key: refused as a witness.
  auto store = store::NodeStore::Open(m_dir + "/scratch");
  ASSERT_TRUE(store);
  audit::WitnessStore witnesses(**store);
  crypto::Identity mex = test_support::FixedIdentity(kMex.seed), ken = test_support::FixedIdentity(kKen.seed);
  crypto::Signature sig = crypto::Sign(ken.sign_secret, audit::CheckpointBytes(7, witness->checkpoint.hash));
  audit::SignedCheckpoint by_ken{7, witness->checkpoint.hash, Bytes(sig.begin(), sig.end())};
  Status refused = (*store)->env().Write(
      [&](store::Txn& txn) { return witnesses.Observe(txn, kMex.id, mex.pub.sign_public, by_ken, kStart); });
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kBadSignature);
}

TEST_F(AuditWitnessTest, TwoHistoriesForOneEntryAreKeptAsAConflict) {
  auto store = store::NodeStore::Open(m_dir + "/scratch");
  ASSERT_TRUE(store);
  audit::WitnessStore witnesses(**store);
  crypto::Identity mex = test_support::FixedIdentity(kMex.seed);
  auto signed_at = [&](uint64_t seq, uint8_t fill) {
    crypto::Hash32 h;
    h.fill(fill);
    crypto::Signature sig = crypto::Sign(mex.sign_secret, audit::CheckpointBytes(seq, h));
    return audit::SignedCheckpoint{seq, h, Bytes(sig.begin(), sig.end())};
  };
  ASSERT_TRUE((*store)->env().Write([&](store::Txn& txn) -> Status {
    if (Status s = witnesses.Observe(txn, kMex.id, mex.pub.sign_public, signed_at(5, 0xAA), kStart); !s) return s;
    if (Status s = witnesses.Observe(txn, kMex.id, mex.pub.sign_public, signed_at(4, 0xBB), kStart); !s) return s;
    return witnesses.Observe(txn, kMex.id, mex.pub.sign_public, signed_at(5, 0xCC), kStart);
  }));
  std::vector<audit::Witness> kept;
  ASSERT_TRUE((*store)->env().Read([&](store::Txn& txn) -> Status {
    auto list = witnesses.List(txn);
    if (!list) return list.error();
    kept = *list;
    return Status::Ok();
  }));
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].checkpoint.seq, 5u) << "an older checkpoint does not replace a newer one";
  EXPECT_EQ(kept[0].checkpoint.hash[0], 0xAA) << "the first history seen is kept";
  EXPECT_EQ(kept[0].conflicts, 1u) << "a second history for the same entry is counted";
}

}  // namespace
}  // namespace tracenet
