// Proof bundles, end to end in one process: a requesting centre (a whole node) traces a weapon
// with a requested state, then proves the case to a third party, who checks it with nothing but
// the bundle and the authority key. Every kind of forgery a party to the case could try is
// refused with its reason, and a chosen disclosure carries nothing of the other messages.
#include <gtest/gtest.h>

#include "node/common/file_util.h"
#include "node/crypto/primitives.h"
#include "node/proof/proof_bundle.h"
#include "node/protocol/wire.h"
#include "tests/support/in_process_federation.h"
#include "tests/support/temp_dir.h"

namespace tracenet {
namespace {

using test_support::InProcessNode;
using test_support::Member;
namespace pw = protocol::wire;
using Json = nlohmann::json;

const Member kMex{"MEX-FGR", "national", 3, {}};
const Member kKen{"KEN-NFB", "national", 1, {}};
constexpr uint64_t kStart = 1'900'000'000'000;

class ProofBundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = test_support::FreshTempDir("proof_bundle");
    auto directory = test_support::WriteTestDirectory(m_dir + "/directory.dir", {kMex, kKen}, kStart);
    ASSERT_TRUE(directory);
    m_directory = *directory;
    m_mex = InProcessNode::Start(m_dir + "/mex", kMex, {kKen}, m_clock, [&](config::NodeConfig& c) { m_directory.Apply(c); });
    ASSERT_TRUE(m_mex);
    m_mex->links().SetUp(kKen.id, true);
  }

  // MEX-FGR traces `serial` with KEN-NFB, which acknowledges, answers and receipts the request.
  Bytes TraceAndAnswer(const std::string& serial) {
    Bytes case_id;
    m_mex->Serve([&] {
      auto submitted = m_mex->node().Submit(kKen.id, test_support::SampleRequest(serial));
      if (submitted) case_id = *submitted;
    });
    m_mex->node().Step();
    crypto::Hash32 request_hash{};
    for (const Bytes& bytes : test_support::SentTo(*m_mex, kKen.id).frames)
      if (auto f = protocol::DecodeLinkFrame(bytes, 1 << 20); f && std::holds_alternative<protocol::DeliverFrame>(*f))
        request_hash = crypto::Hash256(std::get<protocol::DeliverFrame>(*f).envelope);
    m_mex->links().Inject(kKen.id, protocol::EncodeHopAck(case_id, pw::HopStatus::Accepted, std::nullopt, ""), false);
    m_clock.Set(m_clock.NowMs() + 1000);

    pw::TraceAcknowledgementT ack;
    ack.request_message_id = case_id;
    ack.validation = pw::Validation::Accepted;
    pw::TraceResponseT response;
    response.request_message_id = case_id;
    response.outcome = pw::TraceOutcome::Found;
    response.reason = pw::OutcomeReason::None;
    pw::DeliveryReceiptT receipt;
    receipt.entries.push_back(std::make_unique<pw::ReceiptEntryT>());
    receipt.entries[0]->message_id = case_id;
    receipt.entries[0]->envelope_hash.assign(request_hash.begin(), request_hash.end());
    for (auto [kind, payload] : {std::pair{pw::MessageKind::DeliveryReceipt, protocol::PackPayload<pw::DeliveryReceipt>(receipt)},
                                 std::pair{pw::MessageKind::TraceAcknowledgement, protocol::PackPayload<pw::TraceAcknowledgement>(ack)},
                                 std::pair{pw::MessageKind::TraceResponse, protocol::PackPayload<pw::TraceResponse>(response)}}) {
      auto sealed = m_ken.Seal(kMex.id, kind, payload, m_clock.NowMs());
      EXPECT_TRUE(sealed);
      m_last[kind] = sealed->message_id;
      m_mex->links().Inject(kKen.id, protocol::EncodeDeliver(sealed->bytes));
      m_mex->node().Step();
    }
    return case_id;
  }

  Json Prove(const Bytes& case_id, const std::vector<Bytes>& disclose = {}) {
    auto bundle = m_mex->node().ProveCase(case_id, disclose);
    EXPECT_TRUE(bundle) << bundle.error().message;
    return bundle ? Json::parse(bundle->dump()) : Json();
  }

  Result<proof::Verdict> Verify(const Json& bundle) { return proof::VerifyBundle(bundle, {m_directory.authority}, 1); }

  static Json* MessageOf(Json& bundle, pw::MessageKind kind) {
    for (Json& m : bundle["messages"])
      if (m["kind"] == pw::EnumNameMessageKind(kind)) return &m;
    return nullptr;
  }

  FixedClock m_clock{kStart};
  std::string m_dir;
  test_support::TestDirectory m_directory;
  std::unique_ptr<InProcessNode> m_mex;
  test_support::RemoteMember m_ken{kKen, {kMex}};
  std::map<pw::MessageKind, Bytes> m_last;
};

bool Says(const std::vector<std::string>& lines, std::string_view what) {
  for (const std::string& l : lines)
    if (l.find(what) != std::string::npos) return true;
  return false;
}

TEST_F(ProofBundleTest, AThirdPartySeesWhoSentWhatToWhomAndThatItWasReceived) {
  Bytes case_id = TraceAndAnswer("PROOF-1");
  Json bundle = Prove(case_id);
  EXPECT_EQ(bundle["format"], "tracenet-proof-v1");
  EXPECT_EQ(bundle["messages"].size(), 4u) << "request, receipt, acknowledgement, answer";
  auto verdict = Verify(bundle);
  ASSERT_TRUE(verdict) << verdict.error().message;
  EXPECT_TRUE(Says(verdict->proven, "MEX-FGR signed a TraceRequest to KEN-NFB")) << ::testing::PrintToString(verdict->proven);
  EXPECT_TRUE(Says(verdict->proven, "serial PROOF-1"));
  EXPECT_TRUE(Says(verdict->proven, "the answer: Found"));
  EXPECT_TRUE(Says(verdict->proven, "KEN-NFB received message " + ToHex(case_id) + ", exactly these bytes"));

  // Checked against the wrong authority, the same bundle proves nothing.
  crypto::PublicKey32 stranger{};
  stranger[0] = 7;
  auto wrong = proof::VerifyBundle(bundle, {stranger}, 1);
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("directory is signed by 0"), std::string::npos) << wrong.error().message;
}

TEST_F(ProofBundleTest, AChosenDisclosureCarriesNothingOfTheOtherMessages) {
  Bytes case_id = TraceAndAnswer("SECRET-SERIAL-9");
  Bytes answer = m_last[pw::MessageKind::TraceResponse];
  Json full = Prove(case_id);
  Json chosen = Prove(case_id, {answer});
  ASSERT_EQ(chosen["messages"].size(), 2u) << "the answer, and the request that names the case";
  std::string text = chosen.dump();
  for (const Json& m : full["messages"]) {
    if (m["message_id"] == ToHex(answer)) continue;
    if (m["message_id"] != ToHex(case_id)) EXPECT_EQ(text.find(m["envelope"].get<std::string>()), std::string::npos) << m["kind"];
    EXPECT_EQ(text.find(m["message_key"].get<std::string>()), std::string::npos) << "the key of " << m["kind"];
  }
  auto verdict = Verify(chosen);
  ASSERT_TRUE(verdict) << verdict.error().message;
  EXPECT_TRUE(Says(verdict->proven, "the answer: Found"));
  EXPECT_FALSE(Says(verdict->proven, "SECRET-SERIAL-9")) << "the request's contents stay closed";
  EXPECT_TRUE(Says(verdict->not_proven, "what message " + ToHex(case_id) + " says"));

  auto refused = m_mex->node().ProveCase(case_id, {Bytes(16, 0x11)});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kInvalidArgument);
}

TEST_F(ProofBundleTest, ForgedBundlesAreRefusedWithTheReason) {
  Bytes case_id = TraceAndAnswer("FORGE-1");
  Bytes other_case = TraceAndAnswer("FORGE-2");
  const Json good = Prove(case_id);
  ASSERT_TRUE(Verify(good));
  auto refused_because = [&](Json bundle, std::string_view reason) {
    auto verdict = Verify(bundle);
    ASSERT_FALSE(verdict) << "accepted a bundle that should be refused for: " << reason;
    EXPECT_NE(verdict.error().message.find(reason), std::string::npos) << verdict.error().message;
  };

  Json tampered = good;  // one byte of the answer's ciphertext changed
  std::string& envelope = (*MessageOf(tampered, pw::MessageKind::TraceResponse))["envelope"].get_ref<std::string&>();
  envelope[envelope.size() - 200] = envelope[envelope.size() - 200] == '0' ? '1' : '0';
  refused_because(tampered, "signature does not verify");

  Json swapped = good;  // the answer's key replaced by the acknowledgement's
  (*MessageOf(swapped, pw::MessageKind::TraceResponse))["message_key"] =
      (*MessageOf(swapped, pw::MessageKind::TraceAcknowledgement))["message_key"];
  refused_because(swapped, "is not the one its signed commitment names");

  Json mixed = good;  // the answer of another case, with its own valid key
  Json other = Prove(other_case);
  *MessageOf(mixed, pw::MessageKind::TraceResponse) = *MessageOf(other, pw::MessageKind::TraceResponse);
  refused_because(mixed, "is about another case");

  Json no_request = good;  // the case's own request left out
  auto& list = no_request["messages"];
  list.erase(std::remove_if(list.begin(), list.end(), [&](const Json& m) { return m["message_id"] == ToHex(case_id); }), list.end());
  refused_because(no_request, "does not carry the case's request");

  // A directory that does not list the requested state, validly signed by its own authority.
  auto without_ken = test_support::WriteTestDirectory(m_dir + "/without-ken.dir", {kMex}, kStart);
  ASSERT_TRUE(without_ken);
  Json unlisted = good;
  unlisted["directory"] = ToHex(*ReadFileBytes(without_ken->file));
  auto verdict = proof::VerifyBundle(unlisted, {without_ken->authority}, 1);
  ASSERT_FALSE(verdict);
  EXPECT_NE(verdict.error().message.find("KEN-NFB is not a member"), std::string::npos) << verdict.error().message;

  // A directory that had expired before the messages were made.
  auto expired = test_support::WriteTestDirectory(m_dir + "/expired.dir", {kMex, kKen}, kStart - 400ull * 86'400'000);
  ASSERT_TRUE(expired);
  Json stale = good;
  stale["directory"] = ToHex(*ReadFileBytes(expired->file));
  verdict = proof::VerifyBundle(stale, {expired->authority}, 1);
  ASSERT_FALSE(verdict);
  EXPECT_EQ(verdict.error().code, Errc::kExpired) << verdict.error().message;

  Json garbage = {{"format", "tracenet-proof-v1"}, {"case_id", "zz"}};
  refused_because(garbage, "case_id");

  Json twice = good;  // the same message twice (two versions under one id would print both)
  twice["messages"].push_back(*MessageOf(twice, pw::MessageKind::TraceResponse));
  refused_because(twice, "appears twice");
}

TEST_F(ProofBundleTest, MessagesFromOutsideTheCasesPartiesAreRefused) {
  Bytes case_id = TraceAndAnswer("PARTY-1");
  Json good = Prove(case_id);
  // A third member's answer naming this case, signed with its own valid key.
  const Member fra{"FRA-OCLAESP", "national", 4, {}};
  auto directory = test_support::WriteTestDirectory(m_dir + "/three.dir", {kMex, kKen, fra}, kStart);
  ASSERT_TRUE(directory);
  test_support::RemoteMember outsider(fra, {kMex, kKen});
  pw::TraceResponseT response;
  response.request_message_id = case_id;
  response.outcome = pw::TraceOutcome::NoRecord;
  response.reason = pw::OutcomeReason::None;
  auto sealed = outsider.Seal(kMex.id, pw::MessageKind::TraceResponse, protocol::PackPayload<pw::TraceResponse>(response), m_clock.NowMs());
  ASSERT_TRUE(sealed);
  auto view = protocol::ParseEnvelope(sealed->bytes, sealed->bytes.size());
  auto mex_keys = test_support::KeyringOf(kMex, {kKen, fra});
  auto key = protocol::DiscloseMessageKey(*mex_keys, *view);
  ASSERT_TRUE(key);
  Json forged = good;
  forged["directory"] = ToHex(*ReadFileBytes(directory->file));
  forged["messages"].push_back({{"message_id", ToHex(sealed->message_id)},
                                {"kind", "TraceResponse"},
                                {"envelope", ToHex(sealed->bytes)},
                                {"message_key", ToHex(ByteView(key->data(), key->size()))}});
  auto verdict = proof::VerifyBundle(forged, {directory->authority}, 1);
  ASSERT_FALSE(verdict);
  EXPECT_NE(verdict.error().message.find("is not between the case's parties"), std::string::npos) << verdict.error().message;
}

TEST_F(ProofBundleTest, BundlesOfAnyShapeAreRefusedNeverACrash) {
  Bytes case_id = TraceAndAnswer("SHAPE-1");
  const Json good = Prove(case_id);
  std::vector<Json> shapes;
  for (Json value : {Json(5), Json("x"), Json::array({1}), Json::object(), Json(nullptr)}) {
    for (const char* field : {"format", "case_id", "directory", "messages", "custody"}) {
      Json b = good;
      b[field] = value;
      shapes.push_back(b);
    }
    Json b = good;
    b["messages"][0] = value;
    shapes.push_back(b);
    b = good;
    b["messages"][0]["message_key"] = value;
    shapes.push_back(b);
    b = good;
    b["custody"] = Json::array({{{"hub", "HUB-X"}, {"message_ids", value}, {"envelope_hashes", Json::array()}}});
    shapes.push_back(b);
    b = good;
    b["custody"] = Json::array({value});
    shapes.push_back(b);
  }
  for (const Json& b : shapes) {
    auto verdict = Verify(b);
    EXPECT_FALSE(verdict) << b.dump().substr(0, 200);
  }
}

}  // namespace
}  // namespace tracenet
