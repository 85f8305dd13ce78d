// schema/test-vectors/ cannot drift from the node: this test rebuilds every file with the node's
// own code and compares, then reads the files back and checks each vector the way an outside
// implementer would — derivations from the primitives, envelopes opened and disclosed, invalid
// frames delivered to a real node (in process) whose hop acknowledgements must say what the
// file says. To rewrite the files after a deliberate change:
//   TRACENET_WRITE_TEST_VECTORS=1 unit_tests --gtest_filter='TestVectors*'
#include <gtest/gtest.h>
#include <sodium.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "node/common/file_util.h"
#include "node/crypto/primitives.h"
#include "node/directory/directory_trust.h"
#include "node/protocol/header_claims.h"
#include "node/protocol/payload_check.h"
#include "node/protocol/sender_rules.h"
#include "node/protocol/wire.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_vectors.h"

namespace tracenet {
namespace {

using Json = nlohmann::ordered_json;
using test_support::kVectorHub;
using test_support::kVectorKen;
using test_support::kVectorMex;
namespace pw = protocol::wire;

const std::string kDir = std::string(TRACENET_SOURCE_DIR) + "/schema/test-vectors";

Bytes Unhex(const Json& value) {
  std::string hex = value.get<std::string>();
  Bytes out(hex.size() / 2);
  size_t length = 0;
  EXPECT_EQ(sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &length, nullptr), 0) << hex;
  out.resize(length);
  return out;
}

template <size_t N>
std::array<uint8_t, N> Fixed(const Json& value) {
  Bytes b = Unhex(value);
  std::array<uint8_t, N> out{};
  EXPECT_EQ(b.size(), N);
  std::copy_n(b.begin(), std::min(N, b.size()), out.begin());
  return out;
}

Json Load(const std::string& name) {
  std::ifstream in(kDir + "/" + name);
  EXPECT_TRUE(in) << "missing " << kDir << "/" << name;
  return in ? Json::parse(in) : Json();
}

const test_support::Member& Named(const std::string& id) {
  for (const test_support::Member* m : {&kVectorMex, &kVectorKen, &kVectorHub})
    if (m->id == id) return *m;
  throw std::runtime_error("no member " + id);
}

std::shared_ptr<const protocol::Keyring> Ring(const test_support::Member& self) {
  std::vector<test_support::Member> others;
  for (const test_support::Member& m : {kVectorMex, kVectorKen, kVectorHub})
    if (m.id != self.id) others.push_back(m);
  return test_support::KeyringOf(self, others);
}

TEST(TestVectorsTest, TheFilesAreWhatTheNodeComputesToday) {
  auto built = test_support::BuildTestVectors();
  if (std::getenv("TRACENET_WRITE_TEST_VECTORS")) {
    std::filesystem::create_directories(kDir);
    for (const auto& [name, json] : built) ASSERT_TRUE(WriteFileAtomic(kDir + "/" + name, AsBytes(json.dump(2) + "\n"), 0644));
  }
  for (const auto& [name, json] : built) {
    std::string where;  // the JSON pointers that differ, not two pages of hex
    for (const Json& op : Json::diff(Load(name), json)) where += " " + op["path"].get<std::string>();
    EXPECT_TRUE(where.empty()) << name << " differs from what the node computes at" << where
                               << "; if the change is deliberate, regenerate with TRACENET_WRITE_TEST_VECTORS=1 (see this "
                               << "test's header)";
  }
}

TEST(TestVectorsTest, KeysAndDerivationsFollowFromTheSeeds) {
  Json keys = Load("keys.json");
  for (const Json& m : keys["members"]) {
    std::array<uint8_t, 32> pub{};
    std::array<uint8_t, 64> secret{};
    auto seed = Fixed<32>(m["sign_seed"]);
    crypto_sign_seed_keypair(pub.data(), secret.data(), seed.data());
    EXPECT_EQ(pub, Fixed<32>(m["sign_public"])) << m["id"];
    EXPECT_EQ(crypto::KeyIdOf(pub), Fixed<8>(m["sign_key_id"])) << "a key id is the first 8 bytes of BLAKE2b-256 of the key";
    auto enc_secret = Fixed<32>(m["enc_secret"]);
    crypto_scalarmult_base(pub.data(), enc_secret.data());
    EXPECT_EQ(pub, Fixed<32>(m["enc_public"])) << m["id"];
  }
  Json c = Load("crypto.json");
  const Json& mex = keys["members"][0];
  const Json& ken = keys["members"][1];
  crypto::BoxSecret ken_secret;
  auto ken_secret_bytes = Fixed<32>(ken["enc_secret"]);
  std::copy(ken_secret_bytes.begin(), ken_secret_bytes.end(), ken_secret.data());
  // The recipient derives the sender's pair key from its own side.
  auto pair = crypto::DerivePairKey(ken_secret, Fixed<32>(mex["enc_public"]), Fixed<32>(mex["enc_public"]), Fixed<32>(ken["enc_public"]));
  ASSERT_TRUE(pair);
  EXPECT_EQ(Bytes(pair->data(), pair->data() + 32), Unhex(c["pair_key"]));
  crypto::SymmetricKey mk = crypto::DeriveMessageKey(*pair, Unhex(c["message_id"]));
  EXPECT_EQ(Bytes(mk.data(), mk.data() + 32), Unhex(c["message_key"]));
  EXPECT_EQ(crypto::CommitToKey(mk), Fixed<32>(c["key_commitment"]));
  Bytes ciphertext = Unhex(c["ciphertext"]);
  EXPECT_EQ(Bytes(ciphertext.begin(), ciphertext.begin() + 24), Unhex(c["nonce"]));
  auto plaintext = crypto::AeadOpen(mk, Unhex(c["header"]), ciphertext);
  ASSERT_TRUE(plaintext);
  EXPECT_EQ(*plaintext, Unhex(c["payload"]));
  EXPECT_EQ(protocol::SigningInput(Unhex(c["header"]), ciphertext), Unhex(c["signing_input"]));
  EXPECT_TRUE(crypto::Verify(Unhex(mex["sign_public"]), Unhex(c["signing_input"]), Unhex(c["signature"])));
  EXPECT_EQ(crypto::Hash256(Unhex(c["envelope"])), Fixed<32>(c["envelope_hash"]));
}

TEST(TestVectorsTest, EveryValidEnvelopeOpensAtItsRecipientAndDisclosesToAThirdParty) {
  Json file = Load("envelopes.json");
  std::set<std::string> kinds;
  for (const Json& v : file["envelopes"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    const auto& to = Named(v["recipient"]);
    const auto& from = Named(v["sender"]);
    Bytes envelope = Unhex(v["envelope"]);
    auto opened = protocol::OpenEnvelope(envelope, *Ring(to), {file["now_ms"].get<uint64_t>(), 300'000, 1 << 20, 720 * 3'600'000ull});
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_EQ(opened->payload, Unhex(v["payload"]));
    EXPECT_EQ(opened->header.message_id, Unhex(v["message_id"]));
    EXPECT_EQ(static_cast<int>(opened->header.kind), v["kind_code"].get<int>());
    EXPECT_TRUE(protocol::CheckPayload(opened->header.kind, opened->payload));
    EXPECT_TRUE(protocol::CheckHeaderClaims(opened->header.kind, from.id, opened->header.message_id, opened->payload));
    EXPECT_TRUE(protocol::CheckSenderRule(opened->header.kind, from.role, to.role));
    auto key = Fixed<32>(v["message_key"]);
    crypto::SymmetricKey mk;
    std::copy(key.begin(), key.end(), mk.data());
    auto disclosed = protocol::VerifyDisclosedMessage(envelope, test_support::PeerKeysOf(from).sign_public, mk);
    ASSERT_TRUE(disclosed);
    EXPECT_EQ(*disclosed, Unhex(v["payload"]));
    EXPECT_EQ(protocol::EncodeDeliver(envelope), Unhex(v["deliver_frame"]));
    kinds.insert(v["kind"]);
  }
  EXPECT_EQ(kinds.size(), static_cast<size_t>(pw::MessageKind::MAX)) << "one envelope of every kind";
}

TEST(TestVectorsTest, ANodeAnswersEveryInvalidFrameAsTheFileSays) {
  Json file = Load("invalid.json");
  std::string dir = test_support::FreshTempDir("test_vectors");
  auto directory = test_support::WriteTestDirectory(dir + "/directory.dir", {kVectorMex, kVectorKen, kVectorHub}, test_support::kVectorNowMs);
  ASSERT_TRUE(directory);
  FixedClock clock{test_support::kVectorNowMs};
  int started = 0;
  for (const Json& v : file["vectors"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    // A fresh node for each, so one vector's message id or clock does not affect the next.
    auto ken = test_support::InProcessNode::Start(dir + "/ken" + std::to_string(++started), kVectorKen, {kVectorMex, kVectorHub}, clock,
                                                  [&](config::NodeConfig& c) {
                                                    directory->Apply(c);
                                                    c.max_message_bytes = v["max_message_bytes"].get<uint64_t>();
                                                  });
    ASSERT_TRUE(ken);
    clock.Set(v["now_ms"].get<uint64_t>());
    ken->links().Inject(v["link_member"].get<std::string>(), Unhex(v["frame"]));
    ken->node().Step();
    test_support::Seen seen = test_support::SentTo(*ken, v["link_member"].get<std::string>());
    ASSERT_EQ(seen.acks.size(), 1u);
    const protocol::HopAckFrame& ack = seen.acks[0];
    EXPECT_EQ(pw::EnumNameHopStatus(ack.status), v["expected_status"].get<std::string>());
    EXPECT_EQ(static_cast<int>(protocol::ToWireError(ack.error)), v["expected_error_code"].get<int>()) << ack.detail;
    EXPECT_EQ(ack.message_id, Unhex(v["expected_ack_message_id"]));
  }
}

TEST(TestVectorsTest, TheDirectoryAndTheCustodyBatchVerifyWithTheirPublicKeys) {
  Json d = Load("directory.json");
  auto signed_directory = directory::DecodeSigned(Unhex(d["signed_directory"]));
  ASSERT_TRUE(signed_directory);
  EXPECT_EQ(signed_directory->document, Unhex(d["document"]));
  directory::TrustAnchor anchor{d["federation"], {Fixed<32>(d["authority_public"])}, 1};
  auto document = directory::VerifyDirectory(*signed_directory, anchor, {}, d["checked_at_ms"].get<uint64_t>());
  ASSERT_TRUE(document) << document.error().message;
  EXPECT_EQ(document->members.size(), 3u);
  EXPECT_TRUE(crypto::Verify(Unhex(d["authority_public"]), Unhex(d["signing_input"]), Unhex(d["signature"])));

  Json links = Load("link_frames.json");
  std::set<std::string> bodies;
  for (const Json& f : links["frames"]) {
    SCOPED_TRACE(f["name"].get<std::string>());
    auto decoded = protocol::DecodeLinkFrame(Unhex(f["frame"]), 1 << 20);
    ASSERT_TRUE(decoded);
    bodies.insert(f["body"]);
    if (auto* custody = std::get_if<protocol::CustodyBatchFrame>(&*decoded)) {
      EXPECT_EQ(protocol::CustodyBatchSigningInput(custody->message_ids, custody->envelope_hashes), Unhex(f["fields"]["signing_input"]));
      EXPECT_TRUE(crypto::Verify(test_support::PeerKeysOf(kVectorHub).sign_public, Unhex(f["fields"]["signing_input"]), custody->signature));
    }
    if (auto* ack = std::get_if<protocol::HopAckFrame>(&*decoded)) {
      EXPECT_EQ(ack->message_id, Unhex(f["fields"]["message_id"]));
      EXPECT_EQ(pw::EnumNameHopStatus(ack->status), f["fields"]["status"].get<std::string>());
    }
  }
  EXPECT_EQ(bodies.size(), 5u) << "every body but Deliver, which envelopes.json carries";
}

}  // namespace
}  // namespace tracenet
