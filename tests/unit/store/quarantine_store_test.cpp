// The quarantine keeps refused frames for the operator, answers "was this id refused?" for a
// retried copy, and stays within its bound.
#include "node/store/quarantine_store.h"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace tracenet::store {
namespace {

TEST(QuarantineStoreTest, KeepsReasonsNewestFirstAndFindsARetriedId) {
  auto store = NodeStore::Open(test_support::FreshTempDir("quarantine"));
  ASSERT_TRUE(store) << store.error().message;
  QuarantineStore quarantine(**store);
  ASSERT_TRUE((*store)->env().Write([&](Txn& txn) -> Status {
    for (int i = 0; i < 3; ++i) {
      QuarantineEntry e;
      e.at_ms = 1000 + i;
      e.link_peer = "HUB-LYON";
      e.sender = "XXX-ROGUE";
      e.kind = 1;
      e.message_id = Bytes(16, static_cast<uint8_t>(i + 1));
      e.reason = "invalid_payload: try " + std::to_string(i);
      e.envelope = Bytes(QuarantineStore::kMaxKeptBytes + (i == 2 ? 1 : 0), 7);
      if (Status s = quarantine.Add(txn, e); !s) return s;
    }
    return Status::Ok();
  }));
  ASSERT_TRUE((*store)->env().Read([&](Txn& txn) -> Status {
    auto list = quarantine.List(txn, 10);
    EXPECT_TRUE(list);
    EXPECT_EQ(list->size(), 3u);
    EXPECT_EQ(list->front().reason, "invalid_payload: try 2");
    EXPECT_TRUE(list->front().envelope.empty());  // too large to keep
    EXPECT_EQ(list->back().envelope.size(), QuarantineStore::kMaxKeptBytes);
    EXPECT_EQ(quarantine.ReasonFor(txn, "XXX-ROGUE", Bytes(16, 2)).value_or(""), "invalid_payload: try 1");
    EXPECT_FALSE(quarantine.ReasonFor(txn, "XXX-ROGUE", Bytes(16, 9)));
    EXPECT_FALSE(quarantine.ReasonFor(txn, "MEX-FGR", Bytes(16, 2)));  // another sender's message with that id
    auto one = quarantine.Get(txn, list->back().seq);
    EXPECT_TRUE(one && *one);
    EXPECT_EQ((*one)->sender, "XXX-ROGUE");
    return Status::Ok();
  }));
}

TEST(QuarantineStoreTest, DropsTheOldestBeyondItsBound) {
  auto store = NodeStore::Open(test_support::FreshTempDir("quarantine-bound"));
  ASSERT_TRUE(store);
  QuarantineStore quarantine(**store);
  ASSERT_TRUE((*store)->env().Write([&](Txn& txn) -> Status {
    for (size_t i = 0; i < QuarantineStore::kMaxEntries + 5; ++i) {
      QuarantineEntry e;
      e.message_id = Bytes(16, 0);
      e.message_id[0] = static_cast<uint8_t>(i >> 8);
      e.message_id[1] = static_cast<uint8_t>(i);
      e.message_id[2] = 1;
      e.reason = "r" + std::to_string(i);
      if (Status s = quarantine.Add(txn, e); !s) return s;
    }
    return Status::Ok();
  }));
  ASSERT_TRUE((*store)->env().Read([&](Txn& txn) -> Status {
    EXPECT_EQ(txn.Count((*store)->table("quarantine")), QuarantineStore::kMaxEntries);
    Bytes first(16, 0);
    first[2] = 1;
    EXPECT_FALSE(quarantine.ReasonFor(txn, "", first));  // the oldest went, with its id
    auto list = quarantine.List(txn, 1);
    EXPECT_EQ(list->front().reason, "r" + std::to_string(QuarantineStore::kMaxEntries + 4));
    return Status::Ok();
  }));
}

}  // namespace
}  // namespace tracenet::store
