#include "node/store/node_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

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

// Queues entries 1..n, entry i for peer_of(i).
Status AddEntries(NodeStore& store, Txn& txn, uint8_t n, const std::function<std::string(uint8_t)>& peer_of) {
  for (uint8_t i = 1; i <= n; ++i) {
    OutboxEntry e = Entry(i, peer_of(i));
    if (Status s = store.AddToOutbox(txn, e); !s) return s;
  }
  return Status::Ok();
}

// The ids queued for `peer` after `after_seq`, in order.
std::vector<uint8_t> PeerIds(NodeStore& store, const std::string& peer, uint64_t after_seq = 0) {
  std::vector<uint8_t> ids;
  EXPECT_TRUE(store.env().Read([&](Txn& txn) {
    return store.ScanPeerOutbox(txn, peer, after_seq, [&](const OutboxEntry& e) {
      EXPECT_EQ(e.peer, peer);
      ids.push_back(e.message_id[0]);
      return true;
    });
  }));
  return ids;
}

TEST(NodeStoreTest, APeersQueueIsReadInOrderWithoutTheOthersAndFromWhereItLeftOff) {
  std::string dir = FreshTempDir("outbox_by_peer");
  auto store = NodeStore::Open(dir);
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->env().Write([&](Txn& txn) -> Status {
    // One peer id a prefix of the other.
    if (Status s = AddEntries(**store, txn, 6, [](uint8_t i) { return i % 2 ? "USA" : "USA-ATF"; }); !s) return s;
    auto removed = (*store)->RemoveFromOutbox(txn, Bytes(16, 3));
    return removed ? Status::Ok() : Status(removed.error());
  }));
  EXPECT_EQ(PeerIds(**store, "USA"), (std::vector<uint8_t>{1, 5}));
  EXPECT_EQ(PeerIds(**store, "USA-ATF"), (std::vector<uint8_t>{2, 4, 6}));
  EXPECT_EQ(PeerIds(**store, "USA-ATF", 2), (std::vector<uint8_t>{4, 6}));  // after sequence 2
  EXPECT_TRUE(PeerIds(**store, "MEX").empty());
}

TEST(NodeStoreTest, AStoreFromBeforeThePeerIndexGetsItOnOpen) {
  std::string dir = FreshTempDir("outbox_by_peer_upgrade");
  {
    auto store = NodeStore::Open(dir);
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->env().Write([&](Txn& txn) -> Status {
      if (Status s = AddEntries(**store, txn, 3, [](uint8_t i) { return i == 2 ? "MEX" : "USA"; }); !s) return s;
      // As an older build left it: outbox entries, no per-peer index.
      for (uint64_t seq = 1; seq <= 3; ++seq) {
        Bytes key = Bytes{'U', 'S', 'A', 0};
        Bytes s = U64Key(seq);
        key.insert(key.end(), s.begin(), s.end());
        (void)txn.Delete((*store)->table("outbox_by_peer"), key);
        key = Bytes{'M', 'E', 'X', 0};
        key.insert(key.end(), s.begin(), s.end());
        (void)txn.Delete((*store)->table("outbox_by_peer"), key);
      }
      EXPECT_EQ(txn.Count((*store)->table("outbox_by_peer")), 0u);
      return Status::Ok();
    }));
  }
  auto store = NodeStore::Open(dir);
  ASSERT_TRUE(store);
  EXPECT_EQ(PeerIds(**store, "USA"), (std::vector<uint8_t>{1, 3}));
  EXPECT_EQ(PeerIds(**store, "MEX"), (std::vector<uint8_t>{2}));
}

TEST(NodeStoreTest, ReleasingMappedPagesKeepsEveryRecordReadable) {
  std::string dir = FreshTempDir("release_mapped");
  auto store = NodeStore::Open(dir);
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->env().Write([&](Txn& txn) { return AddEntries(**store, txn, 200, [](uint8_t) { return "USA"; }); }));
  std::vector<uint8_t> before = PeerIds(**store, "USA");
  // Released while a reader holds a snapshot: its views refault from the page cache.
  ASSERT_TRUE((*store)->env().Read([&](Txn& txn) -> Status {
    auto seq = txn.Get((*store)->table("outbox_by_id"), Bytes(16, 7));
    if (!seq) return MakeError(Errc::kNotFound, "no entry 7");
    auto view = txn.Get((*store)->table("outbox"), Bytes(seq->begin(), seq->end()));  // points into the map
    if (!view) return MakeError(Errc::kNotFound, "no outbox record 7");
    Bytes copy(view->begin(), view->end());
    EXPECT_GT((*store)->env().ReleaseMappedPages(), 0u) << "the store's mapping was not found";
    EXPECT_EQ(Bytes(view->begin(), view->end()), copy);
    return Status::Ok();
  }));
  EXPECT_EQ(PeerIds(**store, "USA"), before);
  EXPECT_EQ(before.size(), 200u);
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
