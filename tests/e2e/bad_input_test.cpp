// A hostile or broken peer talking to a real node: every bad envelope is refused with a reason
// and a counter, and the node's store and service are intact afterwards.
#include <sys/stat.h>

#include <fstream>
#include <thread>
#include <zmq.hpp>

#include "federation_fixture.h"
#include "test_peer.h"
#include "node/crypto/identity.h"
#include "node/crypto/primitives.h"
#include "node/protocol/envelope.h"
#include "node/protocol/link_frame.h"

namespace tracenet::e2e {
namespace {

using protocol::wire::HopStatus;
using protocol::wire::MessageKind;

std::vector<demo::NodeSpec> Specs() {
  return {{"MEX-FGR", "MEX", ""},
          {"USA-ATF", "USA", "generate", false, "\n[limits]\nmax_message_bytes = 65536\n"},
          {"EVIL-TEST", "XXX", ""}};  // laid out, never started: the test speaks for it
}

Bytes RequestPayload(const std::string& serial) {
  protocol::wire::TraceRequestT r;
  r.priority = protocol::wire::Priority::Routine;
  r.grounds = protocol::wire::IllicitGrounds::NationalLaw;
  r.weapon = std::make_unique<protocol::wire::WeaponT>();
  r.weapon->serial = serial;
  r.weapon->manufacturer = "Glock";
  r.weapon->type = protocol::wire::WeaponType::Pistol;
  flatbuffers::FlatBufferBuilder b;
  b.Finish(protocol::wire::TraceRequest::Pack(b, &r));
  return Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

uint64_t NowMs() { return SystemClock().NowMs(); }

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::Init());
    f = std::make_unique<Federation>(Specs());
    evil = *crypto::LoadIdentity(f->layout("EVIL-TEST").dir + "/keys");
    mex = *crypto::LoadIdentity(f->layout("MEX-FGR").dir + "/keys");
    auto peers = config::LoadPeers(f->layout("EVIL-TEST").dir + "/peers.toml");
    ASSERT_TRUE(peers);
    for (const auto& p : *peers)
      if (p.id == "USA-ATF") usa_public = p;
    evil_keys = *protocol::Keyring::Create("EVIL-TEST", evil, *peers);
    auto mex_peers = config::LoadPeers(f->layout("MEX-FGR").dir + "/peers.toml");
    mex_keys = *protocol::Keyring::Create("MEX-FGR", mex, *mex_peers);
  }
  Bytes Seal(const protocol::Keyring& keys, const std::string& to, uint64_t now, std::string serial = "EVIL1") {
    auto s = protocol::SealEnvelope(keys, to, MessageKind::TraceRequest, RequestPayload(serial), now, 3'600'000);
    EXPECT_TRUE(s);
    return s->bytes;
  }
  static void ExpectRejected(const std::optional<protocol::HopAckFrame>& ack, Errc code) {
    ASSERT_TRUE(ack) << "no hop ack for " << ErrcName(code);
    EXPECT_EQ(ack->status, HopStatus::Rejected) << ack->detail;
    EXPECT_EQ(ack->error, code) << ack->detail;
    EXPECT_FALSE(ack->detail.empty());
  }
  std::unique_ptr<Federation> f;
  crypto::Identity evil, mex;
  protocol::PeerKeys usa_public;
  std::shared_ptr<const protocol::Keyring> evil_keys, mex_keys;
};

TEST_F(BadInputTest, EveryMalformedForgedOrReplayedEnvelopeIsRefusedAndTheStoreIsIntact) {
  f->Start("MEX-FGR");
  f->Start("USA-ATF");
  TestPeer peer(f->layout("USA-ATF").endpoint, evil, usa_public.transport_public);

  Bytes good = Seal(*evil_keys, "USA-ATF", NowMs());
  auto ack = peer.Deliver(good);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->status, HopStatus::Accepted) << ack->detail;

  // Replay of a delivered envelope: acknowledged as a duplicate, no second case.
  ack = peer.Deliver(good);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->status, HopStatus::Accepted);
  EXPECT_EQ(ack->error, Errc::kDuplicate);

  Bytes tampered_header = Seal(*evil_keys, "USA-ATF", NowMs());
  auto view = protocol::ParseEnvelope(tampered_header, tampered_header.size());
  size_t ciphertext_at = static_cast<size_t>(view->ciphertext.data() - tampered_header.data());
  Bytes tampered_ciphertext = tampered_header;
  // Flip a bit of the key commitment inside the signed header: it still parses, no longer verifies.
  const auto& commitment = view->header.key_commitment;
  auto at = std::search(tampered_header.begin(), tampered_header.end(), commitment.begin(), commitment.end());
  ASSERT_NE(at, tampered_header.end());
  *at ^= 0x01;
  ExpectRejected(peer.Deliver(tampered_header), Errc::kBadSignature);
  tampered_ciphertext[ciphertext_at + 40] ^= 0x01;
  ExpectRejected(peer.Deliver(tampered_ciphertext), Errc::kBadSignature);

  crypto::Identity stranger = crypto::GenerateIdentity();
  stranger.enc_secret = evil.enc_secret;
  stranger.pub.enc_public = evil.pub.enc_public;
  crypto::ComputeKeyIds(stranger.pub);
  auto stranger_keys = *protocol::Keyring::Create("EVIL-TEST", stranger, {usa_public});
  ExpectRejected(peer.Deliver(Seal(*stranger_keys, "USA-ATF", NowMs())), Errc::kUnknownSender);

  ExpectRejected(peer.Deliver(Seal(*evil_keys, "MEX-FGR", NowMs())), Errc::kWrongRecipient);
  ExpectRejected(peer.Deliver(Seal(*mex_keys, "USA-ATF", NowMs())), Errc::kSenderMismatch);
  ExpectRejected(peer.Deliver(Seal(*evil_keys, "USA-ATF", NowMs() - 2 * 3'600'000)), Errc::kExpired);
  ExpectRejected(peer.Deliver(Seal(*evil_keys, "USA-ATF", NowMs() + 3'600'000)), Errc::kNotYetValid);
  ExpectRejected(peer.Deliver(ByteView(good.data(), good.size() / 2)), Errc::kMalformed);
  Bytes random(600);
  crypto::RandomBytes(random.data(), random.size());
  ExpectRejected(peer.Deliver(random), Errc::kMalformed);
  ExpectRejected(peer.Exchange(random), Errc::kMalformed);  // not even a link frame
  ExpectRejected(peer.Deliver(Seal(*evil_keys, "USA-ATF", NowMs(), std::string(66000, 'S'))), Errc::kOversized);

  Json status = f->Status("USA-ATF");
  Json rejections = status["counters"]["rejections"];
  for (const char* reason : {"bad_signature", "unknown_sender", "wrong_recipient", "sender_mismatch", "expired",
                             "not_yet_valid", "malformed", "oversized"})
    EXPECT_GE(rejections.value(reason, 0), 1) << reason << " not counted: " << rejections.dump();
  EXPECT_EQ(status["counters"]["duplicates"], 1);
  // The replay got the original receipt again, not a second one. EVIL-TEST never listens, so
  // what USA-ATF owes it waits in the outbox: one receipt, the acknowledgement and the answer.
  for (int i = 0; i < 30 && f->Status("USA-ATF")["peers"]["EVIL-TEST"]["queued"] < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(f->Status("USA-ATF")["peers"]["EVIL-TEST"]["queued"], 3);

  // The store holds exactly the one good request, and the node still serves a real peer.
  EXPECT_EQ(f->Cases("USA-ATF").size(), 1u);
  const auto& w = f->known_weapon();
  std::string id = f->Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer);
  Json answered = f->WaitCase("MEX-FGR", id, [](const Json& c) { return c["state"] == "answered"; });
  EXPECT_EQ(answered["outcome"], "found");
  EXPECT_EQ(f->Cases("USA-ATF").size(), 2u);
}

TEST_F(BadInputTest, APeerWhoseTransportKeyIsNotConfiguredCannotSendAnything) {
  f->Start("USA-ATF");
  crypto::Identity unknown = crypto::GenerateIdentity();
  TestPeer peer(f->layout("USA-ATF").endpoint, unknown, usa_public.transport_public);
  EXPECT_FALSE(peer.Exchange(protocol::EncodeDeliver(Seal(*evil_keys, "USA-ATF", NowMs())), 2000));
  EXPECT_GE(f->Status("USA-ATF")["counters"]["zap_refused"].get<int>(), 1);
  EXPECT_EQ(f->Cases("USA-ATF").size(), 0u);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

int RunNodeToExit(const std::string& config, const std::string& log) {
  auto child = ChildProcess::Start(TRACENET_BINARY, {"node", "--config", config}, log);
  for (int i = 0; i < 100 && child->running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return child->Stop(1000);
}

TEST_F(BadInputTest, NodeRefusesToStartWithAKeyFileOthersCanRead) {
  const auto& l = f->layout("MEX-FGR");
  ::chmod((l.dir + "/keys/sign.key").c_str(), 0644);
  EXPECT_EQ(RunNodeToExit(l.config_path, l.dir + "/perm.log"), 2);
  std::string log = ReadAll(l.dir + "/perm.log");
  EXPECT_NE(log.find("sign.key has mode 0644"), std::string::npos) << log;
}

TEST_F(BadInputTest, NodeRefusesAConfigWithAMissingFieldAndNamesIt) {
  const auto& l = f->layout("MEX-FGR");
  std::string config = ReadAll(l.config_path);
  config.erase(config.find("id = \"MEX-FGR\"\n"), 15);
  std::string broken = l.dir + "/broken.toml";
  std::ofstream(broken) << config;
  EXPECT_EQ(RunNodeToExit(broken, l.dir + "/config.log"), 2);
  std::string log = ReadAll(l.dir + "/config.log");
  EXPECT_NE(log.find("[node] id is missing"), std::string::npos) << log;
}

}  // namespace
}  // namespace tracenet::e2e
