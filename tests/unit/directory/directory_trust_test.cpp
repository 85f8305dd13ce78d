// The directory's trust rules: k of n authority signatures, no tampering, no rollback, no
// expired or foreign directory, a version chain that links, revocation and key rotation.
#include "node/directory/directory_trust.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include "node/crypto/identity.h"
#include "node/crypto/primitives.h"

namespace tracenet::directory {
namespace {

constexpr uint64_t kNow = 1'800'000'000'000;
constexpr uint64_t kDay = 86'400'000;

struct Authority {
  crypto::SigningSecret secret;
  crypto::PublicKey32 pub{};
  Authority() { crypto_sign_keypair(pub.data(), secret.data()); }
};

Member MemberFrom(const std::string& id, const std::string& role, const crypto::PublicIdentity& keys) {
  Member m{id, "MEX", id + " tracing centre", role, {"tcp://127.0.0.1:7401"}, {}, {}};
  m.keys = {{KeyPurpose::kSigning, keys.sign_public, 0, 0},
            {KeyPurpose::kEncryption, keys.enc_public, 0, 0},
            {KeyPurpose::kTransport, keys.transport_public, 0, 0}};
  return m;
}

class DirectoryTrustTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::Init().ok());
    anchor = {"test-federation", {a[0].pub, a[1].pub, a[2].pub}, 2};
    doc.federation = "test-federation";
    doc.version = 1;
    doc.issued_at_ms = kNow;
    doc.expires_at_ms = kNow + 90 * kDay;
    doc.members = {MemberFrom("HUB-LYON", "hub", hub.pub), MemberFrom("MEX-FGR", "national", mex.pub),
                   MemberFrom("USA-ATF", "national", usa.pub)};
    doc.members[1].home_hubs = {"HUB-LYON"};
  }
  SignedDirectory Signed(const Document& d, std::initializer_list<int> signers) {
    SignedDirectory s{EncodeDocument(d), {}};
    for (int i : signers) AddSignature(s, a[i].secret, a[i].pub);
    return s;
  }
  Document Next(const SignedDirectory& previous) {
    Document d = *DecodeDocument(previous.document);
    d.version += 1;
    crypto::Hash32 h = crypto::Hash256(previous.document);
    d.previous_hash.assign(h.begin(), h.end());
    return d;
  }
  AppliedVersion Applied(const SignedDirectory& s) {
    return {DecodeDocument(s.document)->version, crypto::Hash256(s.document)};
  }

  Authority a[4];  // a[3] is not pinned
  crypto::Identity hub = crypto::GenerateIdentity(), mex = crypto::GenerateIdentity(), usa = crypto::GenerateIdentity();
  TrustAnchor anchor;
  Document doc;
};

TEST_F(DirectoryTrustTest, KOfNSignaturesMakeADirectoryValid) {
  auto verified = VerifyDirectory(Signed(doc, {0, 2}), anchor, {}, kNow);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->members.size(), 3u);
  EXPECT_EQ(verified->FindMember("MEX-FGR")->home_hubs, std::vector<std::string>{"HUB-LYON"});
}

TEST_F(DirectoryTrustTest, KMinusOneSignaturesAreRefused) {
  auto one = VerifyDirectory(Signed(doc, {1}), anchor, {}, kNow);
  ASSERT_FALSE(one);
  EXPECT_EQ(one.error().code, Errc::kBadSignature);
  EXPECT_EQ(one.error().message, "directory has 1 valid signature from the pinned authorities; 2 are required");
  // An unpinned authority, or the same authority twice, does not make up the number.
  SignedDirectory padded = Signed(doc, {1, 3});
  padded.signatures.push_back(padded.signatures.front());
  EXPECT_FALSE(VerifyDirectory(padded, anchor, {}, kNow));
}

TEST_F(DirectoryTrustTest, ATamperedDocumentIsRefused) {
  SignedDirectory s = Signed(doc, {0, 1, 2});
  Bytes original = s.document;
  for (size_t i = 0; i < original.size(); i += 7) {
    s.document = original;
    s.document[i] ^= 0x01;
    EXPECT_FALSE(VerifyDirectory(s, anchor, {}, kNow)) << "byte " << i;
  }
}

TEST_F(DirectoryTrustTest, AnOlderVersionIsARollbackAndRefused) {
  SignedDirectory v1 = Signed(doc, {0, 1});
  SignedDirectory v2 = Signed(Next(v1), {0, 1});
  ASSERT_TRUE(VerifyDirectory(v2, anchor, Applied(v1), kNow));
  auto rollback = VerifyDirectory(v1, anchor, Applied(v2), kNow);
  ASSERT_FALSE(rollback);
  EXPECT_NE(rollback.error().message.find("not newer than the applied version 2 (rollback refused)"), std::string::npos);
  // The same version again is fine (a repeated push); a different document under it is not.
  EXPECT_TRUE(VerifyDirectory(v2, anchor, Applied(v2), kNow));
  Document forked = Next(v1);
  forked.members.pop_back();
  EXPECT_FALSE(VerifyDirectory(Signed(forked, {0, 1}), anchor, Applied(v2), kNow));
}

TEST_F(DirectoryTrustTest, ANextVersionMustNameTheAppliedOneAsItsPrevious) {
  SignedDirectory v1 = Signed(doc, {0, 1});
  Document v2 = Next(v1);
  v2.previous_hash[0] ^= 0xff;
  auto broken = VerifyDirectory(Signed(v2, {0, 1}), anchor, Applied(v1), kNow);
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message.find("previous hash differs"), std::string::npos);
}

TEST_F(DirectoryTrustTest, ExpiredAndForeignDirectoriesAreRefused) {
  auto expired = VerifyDirectory(Signed(doc, {0, 1}), anchor, {}, doc.expires_at_ms);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, Errc::kExpired);
  Document other = doc;
  other.federation = "another-federation";
  auto foreign = VerifyDirectory(Signed(other, {0, 1}), anchor, {}, kNow);
  ASSERT_FALSE(foreign);
  EXPECT_NE(foreign.error().message.find("this node belongs to \"test-federation\""), std::string::npos);
}

TEST_F(DirectoryTrustTest, ARevokedKeyTakesItsMemberOutOfThePeers) {
  EXPECT_EQ(PeersAt(doc, kNow, "MEX-FGR").size(), 2u);
  doc.revoked.push_back({usa.pub.transport_public, kNow, "key compromised"});
  auto peers = PeersAt(doc, kNow, "MEX-FGR");
  ASSERT_EQ(peers.size(), 1u);
  EXPECT_EQ(peers[0].id, "HUB-LYON");
}

TEST_F(DirectoryTrustTest, RotationUsesTheNewKeyOnceValidAndTheOldOneUntilItsEnd) {
  crypto::Identity next = crypto::GenerateIdentity();
  Member& m = *doc.FindMember("USA-ATF");
  m.keys[0].valid_until_ms = kNow + 7 * kDay;  // the overlap: old key valid one more week
  m.keys.push_back({KeyPurpose::kSigning, next.pub.sign_public, kNow + kDay, 0});
  auto before = PeersAt(doc, kNow, "MEX-FGR");
  auto during = PeersAt(doc, kNow + 2 * kDay, "MEX-FGR");
  auto after = PeersAt(doc, kNow + 8 * kDay, "MEX-FGR");
  auto usa_key = [](const std::vector<protocol::PeerKeys>& peers) {
    for (const auto& p : peers)
      if (p.id == "USA-ATF") return p.sign_public;
    return crypto::PublicKey32{};
  };
  EXPECT_EQ(usa_key(before), usa.pub.sign_public);
  EXPECT_EQ(usa_key(during), next.pub.sign_public);
  EXPECT_EQ(usa_key(after), next.pub.sign_public);
  // During the overlap the old key is still accepted on what arrives; after it, no longer.
  auto previous = [](const std::vector<protocol::PeerKeys>& peers) {
    for (const auto& p : peers)
      if (p.id == "USA-ATF") return p.previous_sign_keys;
    return std::vector<crypto::PublicKey32>{};
  };
  EXPECT_EQ(previous(during), std::vector<crypto::PublicKey32>{usa.pub.sign_public});
  EXPECT_TRUE(previous(after).empty());
}

TEST_F(DirectoryTrustTest, SignaturesCollectedSeparatelyMergeOnlyOverTheSameDocument) {
  SignedDirectory by0 = Signed(doc, {0}), by2 = Signed(doc, {2});
  auto merged = MergeSignatures({by0, by2});
  ASSERT_TRUE(merged);
  EXPECT_EQ(CountValidSignatures(*merged, anchor), 2u);
  EXPECT_TRUE(VerifyDirectory(*merged, anchor, {}, kNow));
  Document other = doc;
  other.expires_at_ms += 1;
  EXPECT_FALSE(MergeSignatures({by0, Signed(other, {2})}));
}

TEST_F(DirectoryTrustTest, MalformedBytesAndBrokenReferencesAreRefused) {
  EXPECT_FALSE(DecodeSigned(Bytes{1, 2, 3}));
  EXPECT_FALSE(DecodeDocument(Bytes(100, 0xff)));
  Document bad = doc;
  bad.members[2].home_hubs = {"MEX-FGR"};  // not a hub
  auto decoded = DecodeDocument(EncodeDocument(bad));
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().message.find("which is not a hub member"), std::string::npos);
  bad = doc;
  bad.members.push_back(bad.members[1]);
  EXPECT_FALSE(DecodeDocument(EncodeDocument(bad)));
  auto round = DecodeSigned(EncodeSigned(Signed(doc, {0, 1})));
  ASSERT_TRUE(round);
  EXPECT_EQ(round->signatures.size(), 2u);
}

}  // namespace
}  // namespace tracenet::directory
