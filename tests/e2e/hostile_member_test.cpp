// A member with valid keys sending well-signed, well-encrypted messages with hostile contents:
// each is refused (or ignored) with a reason, the node keeps serving, and nothing it stored
// changes. Written as an attacker would try them (schema/README.md §12).
#include <thread>

#include "federation_fixture.h"
#include "node/crypto/primitives.h"
#include "node/protocol/envelope.h"
#include "test_peer.h"

namespace tracenet::e2e {
namespace {

namespace wire = protocol::wire;
using wire::HopStatus;
using wire::MessageKind;

std::vector<demo::NodeSpec> Specs() {
  return {{"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "generate"}, {"EVIL-TEST", "XXX", ""}};  // EVIL: the test speaks for it
}

uint64_t NowMs() { return SystemClock().NowMs(); }

wire::TraceRequestT Request(const std::string& serial, const std::string& make) {
  wire::TraceRequestT r;
  r.priority = wire::Priority::Routine;
  r.grounds = wire::IllicitGrounds::NationalLaw;
  r.weapon = std::make_unique<wire::WeaponT>();
  r.weapon->serial = serial;
  r.weapon->manufacturer = make;
  r.weapon->type = wire::WeaponType::Pistol;
  return r;
}

class HostileMemberTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::Init());
    f = std::make_unique<Federation>(Specs());
    evil = *crypto::LoadIdentity(f->layout("EVIL-TEST").dir + "/keys");
    auto peers = config::LoadPeers(f->layout("EVIL-TEST").dir + "/peers.toml");
    ASSERT_TRUE(peers);
    for (const auto& p : *peers) server_keys[p.id] = p.transport_public;
    evil_keys = *protocol::Keyring::Create("EVIL-TEST", evil, *peers);
  }
  std::unique_ptr<TestPeer> LinkTo(const std::string& node) {
    return std::make_unique<TestPeer>(f->layout(node).endpoint, evil, server_keys.at(node));
  }
  // A message from EVIL-TEST, signed and sealed as any member's.
  Bytes Seal(const std::string& to, MessageKind kind, const Bytes& payload) {
    auto sealed = protocol::SealEnvelope(*evil_keys, to, kind, payload, NowMs(), 3'600'000);
    EXPECT_TRUE(sealed) << sealed.error().message;
    return sealed->bytes;
  }
  std::unique_ptr<Federation> f;
  crypto::Identity evil;
  std::map<std::string, crypto::PublicKey32> server_keys;
  std::shared_ptr<const protocol::Keyring> evil_keys;
};

TEST_F(HostileMemberTest, TextThatIsNotUtf8IsRefusedAndTheCaseListKeepsWorking) {
  f->Start("USA-ATF");
  auto link = LinkTo("USA-ATF");
  wire::TraceRequestT request = Request("EVIL-1", "Glock");
  request.weapon->model = std::string("G17\xff\xfe", 5);
  auto ack = link->Deliver(Seal("USA-ATF", MessageKind::TraceRequest, protocol::PackPayload<wire::TraceRequest>(request)));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->status, HopStatus::Rejected);
  EXPECT_EQ(ack->error, Errc::kInvalidPayload);
  EXPECT_NE(ack->detail.find("weapon.model is not valid UTF-8"), std::string::npos) << ack->detail;
  // A control character in a nested vector of strings is refused the same way.
  request = Request("EVIL-2", "Glock");
  request.weapon->other_markings = {"ok", "\x1b]0;owned\x07"};
  ack = link->Deliver(Seal("USA-ATF", MessageKind::TraceRequest, protocol::PackPayload<wire::TraceRequest>(request)));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->error, Errc::kInvalidPayload) << ack->detail;

  EXPECT_EQ(f->Cases("USA-ATF").size(), 0u);  // the list answers, and nothing was stored
  EXPECT_GE(f->Status("USA-ATF")["counters"]["rejections"].value("invalid_payload", 0), 2);
  // The node still takes a good request from the same member.
  ack = link->Deliver(Seal("USA-ATF", MessageKind::TraceRequest,
                           protocol::PackPayload<wire::TraceRequest>(Request("EVIL-3", "Glock"))));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->status, HopStatus::Accepted) << ack->detail;
  EXPECT_EQ(f->Cases("USA-ATF").size(), 1u);
}

TEST_F(HostileMemberTest, AnAnswerAboutATraceTheSenderAskedCannotOverwriteTheAnswerersOwn) {
  f->Start("USA-ATF");
  auto link = LinkTo("USA-ATF");
  const auto& w = f->known_weapon();
  Bytes request = Seal("USA-ATF", MessageKind::TraceRequest,
                       protocol::PackPayload<wire::TraceRequest>(Request(w.serial, w.manufacturer)));
  auto ack = link->Deliver(request);
  ASSERT_TRUE(ack);
  ASSERT_EQ(ack->status, HopStatus::Accepted) << ack->detail;
  std::string case_id = ToHex(protocol::ParseEnvelope(request, request.size())->header.message_id);
  Json answered = f->WaitCase("USA-ATF", case_id, [](const Json& c) { return c["state"] == "responded"; });
  ASSERT_EQ(answered["outcome"], "found");

  // EVIL-TEST now "answers" its own question, hoping to replace USA-ATF's stored answer.
  wire::TraceResponseT forged;
  forged.request_message_id = *FromHex(case_id);
  forged.outcome = wire::TraceOutcome::NoRecord;
  forged.reason = wire::OutcomeReason::None;
  ack = link->Deliver(Seal("USA-ATF", MessageKind::TraceResponse, protocol::PackPayload<wire::TraceResponse>(forged)));
  ASSERT_TRUE(ack);
  wire::TraceAcknowledgementT forged_ack;
  forged_ack.request_message_id = *FromHex(case_id);
  forged_ack.validation = wire::Validation::NotCompetent;
  ack = link->Deliver(Seal("USA-ATF", MessageKind::TraceAcknowledgement,
                           protocol::PackPayload<wire::TraceAcknowledgement>(forged_ack)));
  ASSERT_TRUE(ack);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Json after = *f->Api("USA-ATF").Get("/v1/traces/" + case_id);
  EXPECT_EQ(after["state"], "responded");
  EXPECT_EQ(after["outcome"], "found");
  EXPECT_EQ(after["timeline"].size(), answered["timeline"].size()) << after["timeline"].dump();
  EXPECT_EQ(after["response"], answered["response"]);
  EXPECT_EQ(after["acknowledgement"], answered["acknowledgement"]);
}

TEST_F(HostileMemberTest, ANonDeliveryNoticeFromAMemberThatIsNotAHubChangesNothing) {
  f->Start("MEX-FGR");  // USA-ATF stays down for now: the request waits in MEX-FGR's outbox
  const auto& w = f->known_weapon();
  std::string case_id = f->Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer);
  wire::ErrorT notice;
  notice.in_reply_to = *FromHex(case_id);
  notice.code = wire::ErrorCode::Expired;
  notice.detail = "held until it expired";
  auto link = LinkTo("MEX-FGR");
  auto ack = link->Deliver(Seal("MEX-FGR", MessageKind::Error, protocol::PackPayload<wire::Error>(notice)));
  ASSERT_TRUE(ack);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Json c = *f->Api("MEX-FGR").Get("/v1/traces/" + case_id);
  EXPECT_NE(c["state"], "undeliverable") << c.dump();
  // The real answer arrives once USA-ATF is up.
  f->Start("USA-ATF");
  Json answered = f->WaitCase("MEX-FGR", case_id, [](const Json& x) { return x["state"] == "answered"; }, 60);
  EXPECT_EQ(answered["outcome"], "found");
  for (const Json& e : answered["timeline"]) EXPECT_NE(e["event"], "undeliverable") << answered["timeline"].dump();
}

}  // namespace
}  // namespace tracenet::e2e
