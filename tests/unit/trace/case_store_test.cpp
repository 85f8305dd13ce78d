// Cases by state (case_state): kept in step with each case's state at every batch, so the
// inbox and lists of one state read only those cases; rebuilt once for an older store.
#include "node/trace/case_store.h"

#include <gtest/gtest.h>

#include "node/trace/lifecycle.h"
#include "tests/support/temp_dir.h"

namespace tracenet::trace {
namespace {

class CaseStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::NodeStore::Open(test_support::FreshTempDir("case_state"));
    ASSERT_TRUE(opened) << opened.error().message;
    node_store = std::move(opened.value());
    cases = std::make_unique<CaseStore>(*node_store, key);
  }
  // Runs `change` in one write batch, flushed as the node loop does.
  void Batch(const std::function<Status(store::Txn&)>& change) {
    ASSERT_TRUE(node_store->env().Write([&](store::Txn& txn) -> Status {
      if (Status s = change(txn); !s) return s;
      return cases->Flush(txn);
    }));
  }
  void Open(uint8_t id, std::string_view state) {
    Batch([&](store::Txn& txn) {
      CaseRecord r;
      r.case_id = Bytes(16, id);
      r.peer = "MEX";
      r.state = std::string(state);
      return cases->Create(txn, r);
    });
  }
  void Move(uint8_t id, std::string_view state) {
    Batch([&](store::Txn& txn) -> Status {
      auto r = cases->Edit(txn, Bytes(16, id));
      if (!r) return r.error();
      (*r)->state = std::string(state);
      return Status::Ok();
    });
  }
  std::vector<uint8_t> InState(std::string_view state) {
    std::vector<uint8_t> ids;
    EXPECT_TRUE(node_store->env().Read([&](store::Txn& txn) {
      return cases->ListInState(txn, state, [&](const CaseRecord& r) {
        ids.push_back(r.case_id[0]);
        return true;
      });
    }));
    return ids;
  }
  crypto::SymmetricKey key;
  std::unique_ptr<store::NodeStore> node_store;
  std::unique_ptr<CaseStore> cases;
};

TEST_F(CaseStoreTest, EachCaseIsListedUnderItsCurrentStateOnlyNewestFirst) {
  Open(1, state::kReceived);
  Open(2, state::kReceived);
  Open(3, state::kReceived);
  Move(1, state::kAwaitingReview);
  Move(3, state::kAwaitingReview);
  Move(2, state::kAwaitingRegistry);
  EXPECT_EQ(InState(state::kAwaitingReview), (std::vector<uint8_t>{3, 1}));
  EXPECT_EQ(InState(state::kAwaitingRegistry), (std::vector<uint8_t>{2}));
  EXPECT_TRUE(InState(state::kReceived).empty());
  // A state name that is a prefix of another does not pick up the other's cases.
  Move(2, state::kResponded);
  EXPECT_TRUE(InState("respond").empty());
  EXPECT_EQ(InState(state::kResponded), (std::vector<uint8_t>{2}));

  // Several changes in one batch and a discarded batch leave the index as the records are.
  Batch([&](store::Txn& txn) -> Status {
    auto r = cases->Edit(txn, Bytes(16, 1));
    if (!r) return r.error();
    (*r)->state = std::string(state::kCancelled);
    CaseRecord copy = **r;
    copy.state = std::string(state::kResponded);
    return cases->Update(txn, copy);
  });
  EXPECT_EQ(InState(state::kResponded), (std::vector<uint8_t>{2, 1}));
  EXPECT_TRUE(InState(state::kCancelled).empty());
  EXPECT_FALSE(node_store->env().Write([&](store::Txn& txn) -> Status {
    auto r = cases->Edit(txn, Bytes(16, 3));
    if (!r) return r.error();
    (*r)->state = std::string(state::kCancelled);
    cases->Discard();
    return MakeError(Errc::kIo, "the batch fails");
  }));
  EXPECT_EQ(InState(state::kAwaitingReview), (std::vector<uint8_t>{3}));
  std::map<std::string, uint64_t> counts;
  ASSERT_TRUE(node_store->env().Read([&](store::Txn& txn) -> Status {
    auto c = cases->CountByState(txn);
    if (!c) return c.error();
    counts = *c;
    return Status::Ok();
  }));
  EXPECT_EQ(counts, (std::map<std::string, uint64_t>{{"awaiting_review", 1}, {"responded", 2}}));
}

TEST_F(CaseStoreTest, AStoreFromBeforeTheIndexIsIndexedOnceAtOpen) {
  Open(1, state::kSubmitted);
  Open(2, state::kAwaitingReview);
  Open(3, state::kAwaitingReview);
  // As written before the index existed: cases, no case_state entries.
  ASSERT_TRUE(node_store->env().Write([&](store::Txn& txn) -> Status {
    std::vector<Bytes> keys;
    if (Status s = txn.Scan(node_store->table("case_state"), {}, [&](ByteView k, ByteView) {
          keys.emplace_back(k.begin(), k.end());
          return true;
        }); !s)
      return s;
    for (const Bytes& k : keys)
      if (auto d = txn.Delete(node_store->table("case_state"), k); !d) return d.error();
    return Status::Ok();
  }));
  EXPECT_TRUE(InState(state::kAwaitingReview).empty());
  ASSERT_TRUE(node_store->env().Write([&](store::Txn& txn) { return cases->IndexStatesIfMissing(txn); }));
  EXPECT_EQ(InState(state::kAwaitingReview), (std::vector<uint8_t>{3, 2}));
  EXPECT_EQ(InState(state::kSubmitted), (std::vector<uint8_t>{1}));
  // Once indexed, a second call changes nothing (and does not read every case again).
  Move(2, state::kResponded);
  ASSERT_TRUE(node_store->env().Write([&](store::Txn& txn) { return cases->IndexStatesIfMissing(txn); }));
  EXPECT_EQ(InState(state::kAwaitingReview), (std::vector<uint8_t>{3}));
}

}  // namespace
}  // namespace tracenet::trace
