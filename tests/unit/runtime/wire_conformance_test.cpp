// The points of schema/README.md an outside implementer relies on, held against a whole node in
// one process: a refusal names the envelope whenever its id can be read (§1), the envelope's
// size is what §5.1 measures, a payload may not contradict its signed header (§6), a Hello
// announces protocol versions (§9), and a case timeline says each step once, in the order it
// happened to the message, whatever order the news arrived in.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "node/crypto/primitives.h"
#include "node/protocol/wire.h"
#include "tests/support/in_process_federation.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_vectors.h"

namespace tracenet {
namespace {

using test_support::InProcessNode;
using test_support::Member;
namespace pw = protocol::wire;

const Member kKen{"KEN-NFB", "national", 1, {}};
const Member kMex{"MEX-FGR", "national", 3, {}};
constexpr uint64_t kStart = 1'900'000'000'000;

// The envelope `bytes` with its routing header changed by `change`, signed again, so only the
// changed field is wrong.
Bytes WithHeader(ByteView bytes, const std::function<void(pw::RoutingHeaderT&)>& change) {
  return test_support::Resigned(bytes, kMex, change);
}

class WireConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = test_support::FreshTempDir("wire_conformance");
    auto directory = test_support::WriteTestDirectory(m_dir + "/directory.dir", {kKen, kMex}, kStart);
    ASSERT_TRUE(directory);
    m_directory = *directory;
    m_ken = InProcessNode::Start(m_dir + "/ken", kKen, {kMex}, m_clock, [&](config::NodeConfig& c) { m_directory.Apply(c); });
    ASSERT_TRUE(m_ken);
    m_ken->links().SetUp(kMex.id, true);
  }

  protocol::Sealed SealRequest(const pw::TraceRequestT& request) {
    auto sealed = m_mex.Seal(kKen.id, pw::MessageKind::TraceRequest, protocol::PackPayload<pw::TraceRequest>(request),
                             m_clock.NowMs());
    EXPECT_TRUE(sealed);
    return *sealed;
  }

  // Delivers `envelope` from MEX-FGR and returns KEN-NFB's one hop acknowledgement.
  protocol::HopAckFrame Deliver(ByteView envelope) {
    m_ken->links().Inject(kMex.id, protocol::EncodeDeliver(envelope));
    m_ken->node().Step();
    test_support::Seen seen = test_support::SentTo(*m_ken, kMex.id);
    EXPECT_EQ(seen.acks.size(), 1u);
    return seen.acks.empty() ? protocol::HopAckFrame{} : seen.acks[0];
  }

  size_t Cases() {
    size_t cases = 0;
    EXPECT_TRUE(m_ken->node().Read([&](store::Txn& txn, trace::CaseStore& store) {
      return store.ListNewestFirst(txn, [&](const trace::CaseRecord&) {
        ++cases;
        return true;
      });
    }));
    return cases;
  }

  FixedClock m_clock{kStart};
  std::string m_dir;
  test_support::TestDirectory m_directory;
  std::unique_ptr<InProcessNode> m_ken;
  test_support::RemoteMember m_mex{kMex, {kKen}};
};

TEST_F(WireConformanceTest, ARefusalNamesTheEnvelopeWheneverItsIdCanBeRead) {
  protocol::Sealed good = SealRequest(test_support::SampleRequest("NAMED1"));
  struct Defect {
    const char* what;
    std::function<void(pw::RoutingHeaderT&)> change;
    Errc expected;
  };
  const Defect defects[] = {
      {"another protocol version", [](pw::RoutingHeaderT& h) { h.protocol_version = 2; }, Errc::kUnsupportedVersion},
      {"kind 0", [](pw::RoutingHeaderT& h) { h.kind = pw::MessageKind::Unspecified; }, Errc::kMalformed},
      {"a payload_size that does not match", [](pw::RoutingHeaderT& h) { h.payload_size += 1; }, Errc::kMalformed},
      {"a sender that is no member id", [](pw::RoutingHeaderT& h) { h.sender = "MEX FGR"; }, Errc::kMalformed},
  };
  for (const Defect& d : defects) {
    protocol::HopAckFrame ack = Deliver(WithHeader(good.bytes, d.change));
    EXPECT_EQ(ack.message_id, good.message_id) << d.what;
    EXPECT_EQ(ack.status, pw::HopStatus::Rejected) << d.what;
    EXPECT_EQ(ack.error, d.expected) << d.what << ": " << ack.detail;
  }
  // Oversized: the envelope, not the frame, is measured, and the refusal still names it.
  pw::TraceRequestT big = test_support::SampleRequest("BIG1");
  big.special_instructions.assign(49 * 1024, 'x');
  m_ken.reset();
  m_ken = InProcessNode::Start(m_dir + "/ken-small", kKen, {kMex}, m_clock, [&](config::NodeConfig& c) {
    m_directory.Apply(c);
    c.max_message_bytes = 48 * 1024;
  });
  ASSERT_TRUE(m_ken);
  m_ken->links().SetUp(kMex.id, true);
  protocol::Sealed oversized = SealRequest(big);
  ASSERT_GT(oversized.bytes.size(), 48u * 1024);
  ASSERT_LT(oversized.bytes.size(), 48u * 1024 + protocol::kFrameOverheadBytes);
  protocol::HopAckFrame ack = Deliver(oversized.bytes);
  EXPECT_EQ(ack.message_id, oversized.message_id);
  EXPECT_EQ(ack.error, Errc::kOversized) << ack.detail;
  EXPECT_EQ(Cases(), 0u);

  // Bytes that are no Envelope at all: nothing can be named, so the ack carries sixteen zeros.
  Bytes garbage(200, 0x5a);
  ack = Deliver(garbage);
  EXPECT_EQ(ack.message_id, Bytes(16, 0));
  EXPECT_EQ(ack.status, pw::HopStatus::Rejected);
}

TEST_F(WireConformanceTest, ARequestThatContradictsItsSignedHeaderIsRefusedAndOpensNoCase) {
  pw::TraceRequestT wrong_state = test_support::SampleRequest("CLAIM1");
  wrong_state.requesting_state = "FRA-OCLAESP";
  protocol::HopAckFrame ack = Deliver(SealRequest(wrong_state).bytes);
  EXPECT_EQ(ack.status, pw::HopStatus::Rejected);
  EXPECT_EQ(ack.error, Errc::kInvalidPayload);
  EXPECT_NE(ack.detail.find("requesting_state"), std::string::npos) << ack.detail;

  pw::TraceRequestT wrong_id = test_support::SampleRequest("CLAIM2");
  wrong_id.request_id = "MY-OWN-REF-42";
  ack = Deliver(SealRequest(wrong_id).bytes);
  EXPECT_EQ(ack.error, Errc::kInvalidPayload);
  EXPECT_NE(ack.detail.find("request_id"), std::string::npos) << ack.detail;
  EXPECT_EQ(Cases(), 0u) << "nothing stored for either";

  // Empty, or saying what the header says, is fine.
  pw::TraceRequestT agreeing = test_support::SampleRequest("CLAIM3");
  agreeing.requesting_state = kMex.id;
  ack = Deliver(SealRequest(agreeing).bytes);
  EXPECT_EQ(ack.status, pw::HopStatus::Accepted) << ack.detail;
  EXPECT_EQ(Cases(), 1u);
}

TEST_F(WireConformanceTest, HelloAnnouncesTheProtocolVersionsANodeOpens) {
  auto decoded = protocol::DecodeLinkFrame(protocol::EncodeHello(kKen.id), 1024);
  ASSERT_TRUE(decoded);
  auto* hello = std::get_if<protocol::HelloFrame>(&*decoded);
  ASSERT_NE(hello, nullptr);
  EXPECT_EQ(hello->protocol_versions, std::vector<uint16_t>{protocol::kProtocolVersion});

  // A Hello from before the field existed means version 1.
  flatbuffers::FlatBufferBuilder b;
  b.Finish(pw::CreateLinkFrame(b, pw::LinkBody::Hello, pw::CreateHello(b, b.CreateString("MEX-FGR")).Union()));
  decoded = protocol::DecodeLinkFrame(ByteView(b.GetBufferPointer(), b.GetSize()), 1024);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(std::get<protocol::HelloFrame>(*decoded).protocol_versions, std::vector<uint16_t>{1});

  // The receiver keeps what its peer announced.
  m_ken->links().Inject(kMex.id, protocol::EncodeHello(kMex.id));
  m_ken->node().Step();
  m_ken->node().Step();
  EXPECT_EQ(m_ken->node().Snapshot().protocol_versions[kMex.id], std::vector<uint16_t>{1});
}

TEST_F(WireConformanceTest, TheTimelineSaysEachStepOnceInTheOrderItHappenedToTheMessage) {
  Bytes case_id;
  m_ken->Serve([&] {
    auto submitted = m_ken->node().Submit(kMex.id, test_support::SampleRequest("ORDER1"));
    if (submitted) case_id = *submitted;
  });
  ASSERT_EQ(case_id.size(), 16u);
  m_ken->node().Step();
  test_support::Seen sent = test_support::SentTo(*m_ken, kMex.id);
  ASSERT_EQ(sent.delivered.size(), 1u);
  ASSERT_EQ(sent.delivered[0].header.message_id, case_id);
  // What KEN-NFB sent, exactly (the other frames on the link are its Hello and the like).
  crypto::Hash32 hash{};
  for (const Bytes& bytes : sent.frames)
    if (auto frame = protocol::DecodeLinkFrame(bytes, 1 << 20); frame && std::holds_alternative<protocol::DeliverFrame>(*frame))
      hash = crypto::Hash256(std::get<protocol::DeliverFrame>(*frame).envelope);
  ASSERT_NE(hash, crypto::Hash32{});

  // The receipt and the acknowledgement arrive first, the hop ack last (different links).
  pw::DeliveryReceiptT receipt;
  auto entry = std::make_unique<pw::ReceiptEntryT>();
  entry->message_id = case_id;
  entry->envelope_hash.assign(hash.begin(), hash.end());
  receipt.entries.push_back(std::move(entry));
  receipt.received_at_ms = m_clock.NowMs();
  pw::TraceAcknowledgementT acknowledgement;
  acknowledgement.request_message_id = case_id;
  acknowledgement.received_at_ms = m_clock.NowMs();
  acknowledgement.validation = pw::Validation::Accepted;
  for (auto [kind, payload] : {std::pair{pw::MessageKind::DeliveryReceipt, protocol::PackPayload<pw::DeliveryReceipt>(receipt)},
                               std::pair{pw::MessageKind::TraceAcknowledgement,
                                         protocol::PackPayload<pw::TraceAcknowledgement>(acknowledgement)}}) {
    auto sealed = m_mex.Seal(kKen.id, kind, payload, m_clock.NowMs());
    ASSERT_TRUE(sealed);
    m_ken->links().Inject(kMex.id, protocol::EncodeDeliver(sealed->bytes));
    m_ken->node().Step();
  }
  Bytes hop_ack = protocol::EncodeHopAck(case_id, pw::HopStatus::Accepted, std::nullopt, "");
  m_ken->links().Inject(kMex.id, hop_ack, false);
  m_ken->node().Step();
  // After a crash the sender resends and is acknowledged again: still one "sent".
  m_ken->links().Inject(kMex.id, protocol::EncodeHopAck(case_id, pw::HopStatus::Accepted, Errc::kDuplicate, ""), false);
  m_ken->node().Step();

  std::vector<std::string> events;
  ASSERT_TRUE(m_ken->node().Read([&](store::Txn& txn, trace::CaseStore& store) -> Status {
    auto record = store.Find(txn, case_id);
    if (!record) return record.error();
    if (!*record) return MakeError(Errc::kNotFound, "no case");
    for (const auto& e : (*record)->timeline) events.push_back(e->state);
    return Status::Ok();
  }));
  EXPECT_EQ(events, (std::vector<std::string>{"submitted", "sent", "delivered", "acknowledged"}));
}

}  // namespace
}  // namespace tracenet
