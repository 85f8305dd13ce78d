// The audit log on a real LMDB file: a chain across batches verifies; one byte changed in a
// stored entry, a removed entry or a forged checkpoint is found and named; an exported bundle
// verifies with the node's public key alone, and not with another key or after any edit.
#include "node/audit/audit_bundle.h"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace tracenet::audit {
namespace {

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::Init());
    identity = crypto::GenerateIdentity();
    auto opened = store::NodeStore::Open(test_support::FreshTempDir("audit_log"));
    ASSERT_TRUE(opened);
    store = std::move(*opened);
    log = std::make_unique<AuditLog>(*store, identity);
    for (int batch = 0; batch < 3; ++batch) {
      for (int i = 0; i < 10; ++i)
        log->Add({1'800'000'000'000ULL + batch * 10 + i, "MEX-FGR", "sent", "case " + std::to_string(batch * 10 + i),
                  "sent: USA-ATF took custody"});
      ASSERT_TRUE(store->env().Write([&](store::Txn& txn) { return log->Flush(txn); }));
    }
  }
  VerifyReport Verify(const crypto::PublicKey32& key) {
    VerifyReport report;
    EXPECT_TRUE(store->env().Read([&](store::Txn& txn) {
      auto r = AuditLog::Verify(txn, *store, key);
      if (r) report = *r;
      return r ? Status::Ok() : Status(r.error());
    }));
    return report;
  }
  // Overwrites entry `seq` in place with `edit` applied to its stored bytes.
  void Tamper(uint64_t seq, const std::function<void(Bytes&)>& edit) {
    ASSERT_TRUE(store->env().Write([&](store::Txn& txn) -> Status {
      Bytes value(txn.Get(store->table("audit_log"), store::U64Key(seq))->begin(),
                  txn.Get(store->table("audit_log"), store::U64Key(seq))->end());
      edit(value);
      return txn.Put(store->table("audit_log"), store::U64Key(seq), value);
    }));
  }
  nlohmann::json Bundle() {
    nlohmann::json bundle;
    EXPECT_TRUE(store->env().Read([&](store::Txn& txn) -> Status {
      auto entries = AuditLog::Read(txn, *store, 1, 0);
      auto checkpoints = AuditLog::Checkpoints(txn, *store, 1, 0);
      bundle = MakeBundle("MEX-FGR", identity.pub.sign_public, *entries, *checkpoints);
      return Status::Ok();
    }));
    return bundle;
  }

  crypto::Identity identity;
  std::unique_ptr<store::NodeStore> store;
  std::unique_ptr<AuditLog> log;
};

TEST_F(AuditLogTest, AChainAcrossBatchesVerifiesWithOneSignedCheckpointPerBatch) {
  VerifyReport r = Verify(identity.pub.sign_public);
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.entries, 30u);
  EXPECT_EQ(r.checkpoints, 3u);
  EXPECT_FALSE(Verify(crypto::GenerateIdentity().pub.sign_public).ok) << "another node's key does not verify";
}

TEST_F(AuditLogTest, OneByteChangedInAStoredEntryIsFoundAndNamed) {
  Tamper(17, [](Bytes& v) {  // one byte of the detail text: "custody" becomes "custodx"
    std::string_view text = AsString(v);
    v[text.find("custody") + 6] ^= 0x01;
  });
  VerifyReport r = Verify(identity.pub.sign_public);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_break, 17u);
  EXPECT_NE(r.problem.find("was changed"), std::string::npos) << r.problem;
}

TEST_F(AuditLogTest, ARemovedEntryOrAForgedCheckpointIsFound) {
  ASSERT_TRUE(store->env().Write([&](store::Txn& txn) -> Status {
    auto deleted = txn.Delete(store->table("audit_log"), store::U64Key(9));
    return deleted ? Status::Ok() : Status(deleted.error());
  }));
  VerifyReport r = Verify(identity.pub.sign_public);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_break, 9u);
  EXPECT_NE(r.problem.find("missing"), std::string::npos) << r.problem;

  SetUp();  // a fresh log: now the checkpoint over entry 20 is replaced by another key's
  crypto::Identity other = crypto::GenerateIdentity();
  ASSERT_TRUE(store->env().Write([&](store::Txn& txn) -> Status {
    auto entry = DecodeEntry(*txn.Get(store->table("audit_log"), store::U64Key(20)));
    crypto::Signature forged = crypto::Sign(other.sign_secret, CheckpointBytes(20, entry->hash));
    return txn.Put(store->table("audit_checkpoints"), store::U64Key(20), ByteView(forged.data(), forged.size()));
  }));
  r = Verify(identity.pub.sign_public);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_break, 20u);
  EXPECT_NE(r.problem.find("not signed"), std::string::npos) << r.problem;
}

TEST_F(AuditLogTest, AnExportedBundleVerifiesWithThePublicKeyAloneAndNotAfterAnyEdit) {
  nlohmann::json bundle = Bundle();
  VerifyReport r = VerifyBundle(bundle, identity.pub.sign_public);
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.entries, 30u);
  EXPECT_FALSE(VerifyBundle(bundle, crypto::GenerateIdentity().pub.sign_public).ok);

  nlohmann::json edited = bundle;
  edited["entries"][4]["detail"] = "sent: nobody took custody";
  r = VerifyBundle(edited, identity.pub.sign_public);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_break, 5u);

  edited = bundle;
  edited["entries"].erase(edited["entries"].begin() + 12);
  EXPECT_FALSE(VerifyBundle(edited, identity.pub.sign_public).ok) << "a dropped entry breaks the links";

  edited = bundle;
  edited["checkpoints"].erase(edited["checkpoints"].end() - 1);
  r = VerifyBundle(edited, identity.pub.sign_public);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("not covered"), std::string::npos) << r.problem;
}

}  // namespace
}  // namespace tracenet::audit
