#include "node/store/node_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/temp_dir.h"

namespace tracenet::store {
namespace {

using ::tracenet::test_support::FreshTempDir;

OutboxEntry Entry(uint8_t id, std::string peer = "USA") {
  OutboxEntry e;
  e.peer = std::move(peer);
  e.message_id = Bytes(16, id);
  e.expires_at_ms = 1000 + id;
  e.kind = 1;
  e.envelope = Bytes(100, id);
  return e;
}

TEST(NodeStoreTest, OutboxKeepsMessagesAcrossReopenUntilRemoved) {
  std::string dir = FreshTempDir("outbox");
  {
    auto store = NodeStore::Open(dir);
    ASSERT_TRUE(store) << store.error().message;
    ASSERT_TRUE((*store)->env().Write([&](Txn& txn) -> Status {
      for (uint8_t i = 1; i <= 3; ++i) {
        OutboxEntry e = Entry(i);
        if (Status s = (*store)->AddToOutbox(txn, e); !s) return s;
      }
      return Status::Ok();
    }));
  }
  auto store = NodeStore::Open(dir);
  ASSERT_TRUE(store);
  std::vector<Bytes> ids;
  ASSERT_TRUE((*store)->env().Write([&](Txn& txn) -> Status {
    auto removed = (*store)->RemoveFromOutbox(txn, Bytes(16, 2));
    EXPECT_TRUE(removed && *removed);
    auto again = (*store)->RemoveFromOutbox(txn, Bytes(16, 2));
    EXPECT_TRUE(again && !*again);
    OutboxEntry e = Entry(4);
    return (*store)->AddToOutbox(txn, e);  // sequence continues after the reopen
  }));
  ASSERT_TRUE((*store)->env().Read([&](Txn& txn) {
    return (*store)->ScanOutbox(txn, [&](const OutboxEntry& e) {
      ids.push_back(e.message_id);
      EXPECT_EQ(e.envelope, Bytes(100, e.message_id[0]));
      return true;
    });
  }));
  EXPECT_EQ(ids, (std::vector<Bytes>{Bytes(16, 1), Bytes(16, 3), Bytes(16, 4)}));
}

TEST(NodeStoreTest, FailedTransactionLeavesNothingBehind) {
  std::string dir = FreshTempDir("abort");
  auto store = NodeStore::Open(dir);
  Status s = (*store)->env().Write([&](Txn& txn) -> Status {
    OutboxEntry e = Entry(1);
    (void)(*store)->AddToOutbox(txn, e);
    return MakeError(Errc::kInternal, "simulated failure after the write");
  });
  EXPECT_FALSE(s);
  (void)(*store)->env().Read([&](Txn& txn) {
    EXPECT_EQ((*store)->OutboxDepth(txn), 0u);
    return Status::Ok();
  });
}

TEST(NodeStoreTest, SeenEntriesArePrunedOnlyAfterExpiry) {
  std::string dir = FreshTempDir("seen");
  auto store = NodeStore::Open(dir);
  ASSERT_TRUE((*store)->env().Write([&](Txn& txn) -> Status {
    (void)(*store)->RememberSeen(txn, Bytes(16, 1), SeenEntry{100, 1, {}});
    (void)(*store)->RememberSeen(txn, Bytes(16, 2), SeenEntry{300, 1, {}});
    auto pruned = (*store)->PruneSeen(txn, 200, 100);
    EXPECT_EQ(*pruned, 1u);
    EXPECT_FALSE((*store)->FindSeen(txn, Bytes(16, 1)));
    auto kept = (*store)->FindSeen(txn, Bytes(16, 2));
    EXPECT_TRUE(kept && kept->expires_at_ms == 300);
    return Status::Ok();
  }));
}

TEST(NodeStoreTest, ReceiptsAreKeptUntilTheEnvelopesTheyCoverExpire) {
  std::string dir = FreshTempDir("receipts");
  auto store = NodeStore::Open(dir);
  ASSERT_TRUE((*store)->env().Write([&](Txn& txn) -> Status {
    auto key = (*store)->KeepReceipt(txn, 500, Bytes(16, 9), Bytes{1, 2, 3});
    EXPECT_TRUE(key);
    auto found = (*store)->FindReceipt(txn, *key);
    EXPECT_TRUE(found && Bytes(found->begin(), found->end()) == (Bytes{1, 2, 3}));
    EXPECT_EQ(*(*store)->PruneSeen(txn, 400, 100), 0u);
    EXPECT_TRUE((*store)->FindReceipt(txn, *key));
    EXPECT_EQ(*(*store)->PruneSeen(txn, 600, 100), 1u);
    EXPECT_FALSE((*store)->FindReceipt(txn, *key));
    return Status::Ok();
  }));
}

TEST(NodeStoreTest, MapGrowsInsteadOfFailingWhenFull) {
  std::string dir = FreshTempDir("grow");
  auto env = Env::Open(dir, {"data"}, size_t{1} << 20);  // 1 MiB
  ASSERT_TRUE(env);
  Bytes value(4096, 0xab);
  for (uint64_t batch = 0; batch < 8; ++batch) {
    ASSERT_TRUE((*env)->Write([&](Txn& txn) -> Status {
      for (uint64_t i = 0; i < 200; ++i)
        if (Status s = txn.Put((*env)->table("data"), U64Key(batch * 1000 + i), value); !s) return s;
      return Status::Ok();
    }));
  }
  EXPECT_GT((*env)->map_size(), size_t{1} << 20);
  (void)(*env)->Read([&](Txn& txn) {
    EXPECT_EQ(txn.Count((*env)->table("data")), 1600u);
    return Status::Ok();
  });
}

}  // namespace
}  // namespace tracenet::store
