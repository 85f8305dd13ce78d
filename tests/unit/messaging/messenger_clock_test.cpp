// Delivery timing, dedupe, receipts and quotas on whole nodes in one process: MemoryLinks instead
// of sockets and a fixed clock the test moves, so every retry and backoff is exact and nothing
// sleeps.
#include <gtest/gtest.h>

#include <map>

#include "node/protocol/wire.h"
#include "tests/support/in_process_federation.h"
#include "tests/support/temp_dir.h"

namespace tracenet {
namespace {

using test_support::InProcessNode;
using test_support::Member;
namespace pw = protocol::wire;

const Member kKen{"KEN-NFB", "national", 1, {"HUB-A"}};
const Member kHub{"HUB-A", "hub", 2, {}};
const Member kMex{"MEX-FGR", "national", 3, {"HUB-A"}};
const Member kFra{"FRA-OCLAESP", "national", 4, {"HUB-A"}};
constexpr uint64_t kStart = 1'900'000'000'000;
constexpr uint64_t kAckTimeout = 3000;  // MessengerOptions::ack_timeout_ms

pw::TraceRequestT Request(const std::string& serial) { return test_support::SampleRequest(serial); }

using test_support::Seen;
using test_support::SentTo;

class MessengerClockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = test_support::FreshTempDir("messenger_clock");
    auto directory = test_support::WriteTestDirectory(m_dir + "/directory.dir", {kKen, kHub, kMex, kFra}, kStart);
    ASSERT_TRUE(directory);
    m_directory = *directory;
  }
  std::unique_ptr<InProcessNode> Start(const Member& self, std::vector<Member> peers,
                                       const std::function<void(config::NodeConfig&)>& adjust = {}) {
    return InProcessNode::Start(m_dir + "/" + self.id, self, peers, m_clock, [&](config::NodeConfig& c) {
      m_directory.Apply(c);
      if (adjust) adjust(c);
    });
  }
  Bytes Submit(InProcessNode& node, const std::string& to, const std::string& serial) {
    Bytes id;
    node.Serve([&] {
      auto submitted = node.node().Submit(to, Request(serial));
      if (submitted) id = *submitted;
    });
    return id;
  }
  void Advance(uint64_t ms) { m_clock.Set(m_clock.NowMs() + ms); }

  FixedClock m_clock{kStart};
  std::string m_dir;
  test_support::TestDirectory m_directory;
};

TEST_F(MessengerClockTest, AnUnacknowledgedMessageIsResentAfterItsTimeoutThenWithDoubledBackoffUntilAcked) {
  auto ken = Start(kKen, {kHub, kMex});
  ASSERT_TRUE(ken);
  Bytes case_id = Submit(*ken, kMex.id, "RETRY1");
  ASSERT_EQ(case_id.size(), 16u);
  ken->node().Step();
  EXPECT_TRUE(SentTo(*ken, kMex.id).delivered.empty()) << "nothing goes out on a link that is down";

  ken->links().SetUp(kMex.id, true);
  ken->node().Step();
  Seen first = SentTo(*ken, kMex.id);
  ASSERT_EQ(first.delivered.size(), 1u) << "sent at once when the link comes up";
  EXPECT_EQ(first.delivered[0].header.message_id, case_id);

  Advance(kAckTimeout - 1);
  ken->node().Step();
  EXPECT_TRUE(SentTo(*ken, kMex.id).delivered.empty()) << "not resent before the ack timeout";
  Advance(kAckTimeout / 4 + 1);  // past the timeout and its largest jitter
  ken->node().Step();
  EXPECT_EQ(SentTo(*ken, kMex.id).delivered.size(), 1u) << "resent once the timeout passed";

  // The second wait is doubled: 6 s (plus up to a quarter of jitter), not 3 s.
  Advance(2 * kAckTimeout - 1);
  ken->node().Step();
  EXPECT_TRUE(SentTo(*ken, kMex.id).delivered.empty()) << "backoff doubled";
  Advance(2 * kAckTimeout / 4 + 1);
  ken->node().Step();
  EXPECT_EQ(SentTo(*ken, kMex.id).delivered.size(), 1u);

  // The hop ack ends it: no resend however long we wait.
  ken->links().Inject(kMex.id, protocol::EncodeHopAck(case_id, pw::HopStatus::Accepted, std::nullopt, ""), false);
  ken->node().Step();
  for (int i = 0; i < 5; ++i) {
    Advance(60'000);
    ken->node().Step();
    EXPECT_TRUE(SentTo(*ken, kMex.id).delivered.empty()) << "resent after it was acknowledged";
  }
  EXPECT_EQ(ken->node().counters().retries.load(), 2u);
}

TEST_F(MessengerClockTest, ALinkComingBackResetsBackoffAndResendsAtOnce) {
  auto ken = Start(kKen, {kHub, kMex});
  ASSERT_TRUE(ken);
  ken->links().SetUp(kMex.id, true);
  Bytes case_id = Submit(*ken, kMex.id, "RESET1");
  ken->node().Step();
  ASSERT_EQ(SentTo(*ken, kMex.id).delivered.size(), 1u);
  // Three timeouts pass: the backoff grows to 12 s.
  for (uint64_t wait : {4000, 8000, 16000}) {
    Advance(wait);
    ken->node().Step();
    ASSERT_EQ(SentTo(*ken, kMex.id).delivered.size(), 1u);
  }
  ken->links().SetUp(kMex.id, false);
  ken->node().Step();
  Advance(10);
  ken->links().SetUp(kMex.id, true);
  ken->node().Step();
  Seen again = SentTo(*ken, kMex.id);
  ASSERT_EQ(again.delivered.size(), 1u) << "a link that comes back gets what it missed at once, not after the backoff";
  EXPECT_EQ(again.delivered[0].header.message_id, case_id);
  // And the backoff starts again from the first timeout.
  Advance(kAckTimeout + kAckTimeout / 4 + 1);
  ken->node().Step();
  EXPECT_EQ(SentTo(*ken, kMex.id).delivered.size(), 1u);
}

TEST_F(MessengerClockTest, ADuplicateIsAcknowledgedAgainWithTheOriginalReceiptAndOpensNothing) {
  auto ken = Start(kKen, {kHub, kMex});
  ASSERT_TRUE(ken);
  ken->links().SetUp(kMex.id, true);  // receipts go out on the link KEN-NFB dials
  test_support::RemoteMember mex(kMex, {kKen, kHub});
  auto sealed = mex.Seal(kKen.id, pw::MessageKind::TraceRequest,
                         protocol::PackPayload<pw::TraceRequest>(Request("DUP1")), m_clock.NowMs());
  ASSERT_TRUE(sealed);
  Bytes frame = protocol::EncodeDeliver(sealed->bytes);
  ken->links().Inject(kMex.id, frame);
  ken->Settle();
  Seen first = SentTo(*ken, kMex.id);
  ASSERT_EQ(first.acks.size(), 1u);
  EXPECT_EQ(first.acks[0].status, pw::HopStatus::Accepted);
  EXPECT_FALSE(first.acks[0].has_error);
  Bytes receipt_id;
  for (const auto& env : first.delivered)
    if (env.header.kind == pw::MessageKind::DeliveryReceipt) {
      EXPECT_TRUE(receipt_id.empty()) << "one receipt";
      receipt_id = env.header.message_id;
    }
  ASSERT_EQ(receipt_id.size(), 16u) << "the request is receipted";
  for (const auto& env : first.delivered)  // MEX-FGR takes what KEN-NFB sent: nothing is resent
    ken->links().Inject(kMex.id, protocol::EncodeHopAck(env.header.message_id, pw::HopStatus::Accepted, std::nullopt, ""), false);
  ken->Settle();

  // The same bytes again, one minute later, then once more in the same batch as a new message.
  Advance(60'000);
  ken->links().Inject(kMex.id, frame);
  ken->links().Inject(kMex.id, frame);
  ken->Settle();
  Seen second = SentTo(*ken, kMex.id);
  ASSERT_EQ(second.acks.size(), 2u);
  for (const auto& ack : second.acks) {
    EXPECT_EQ(ack.status, pw::HopStatus::Accepted);
    EXPECT_EQ(ack.error, Errc::kDuplicate);
  }
  ASSERT_FALSE(second.delivered.empty());
  for (const auto& env : second.delivered)
    EXPECT_EQ(env.header.message_id, receipt_id) << "only the original receipt is replayed: no new receipt, no new acknowledgement";
  EXPECT_EQ(ken->node().counters().duplicates.load(), 2u);
  size_t cases = 0;
  ASSERT_TRUE(ken->node().Read([&](store::Txn& txn, trace::CaseStore& store) {
    return store.ListNewestFirst(txn, [&](const trace::CaseRecord&) {
      ++cases;
      return true;
    });
  }));
  EXPECT_EQ(cases, 1u) << "one request, one case";
}

TEST_F(MessengerClockTest, AHubDefersASendersMessagesOverItsQuotaWhileOthersStillPass) {
  auto hub = Start(kHub, {kKen, kMex}, [](config::NodeConfig& c) { c.held_per_sender = 3; });
  ASSERT_TRUE(hub);
  test_support::RemoteMember mex(kMex, {kKen, kHub});
  // KEN-NFB is not connected: what the hub takes for it, it holds.
  std::vector<pw::HopStatus> statuses;
  for (int i = 0; i < 5; ++i) {
    auto sealed = mex.Seal(kKen.id, pw::MessageKind::TraceRequest,
                           protocol::PackPayload<pw::TraceRequest>(Request("Q" + std::to_string(i))), m_clock.NowMs());
    ASSERT_TRUE(sealed);
    hub->links().Inject(kMex.id, protocol::EncodeDeliver(sealed->bytes));
    hub->Settle();
    Seen seen = SentTo(*hub, kMex.id);
    ASSERT_EQ(seen.acks.size(), 1u);
    statuses.push_back(seen.acks[0].status);
    if (i >= 3) {
      EXPECT_EQ(seen.acks[0].error, Errc::kQuotaExceeded);
    }
  }
  EXPECT_EQ(statuses, (std::vector<pw::HopStatus>{pw::HopStatus::Accepted, pw::HopStatus::Accepted, pw::HopStatus::Accepted,
                                                  pw::HopStatus::Deferred, pw::HopStatus::Deferred}));
  Advance(1000);
  hub->node().Step();
  EXPECT_EQ(hub->node().Snapshot().outbox, 3u) << "the hub holds the sender's share, no more";

  // Another sender is not held back by MEX-FGR's full share: KEN-NFB's message to MEX-FGR passes.
  test_support::RemoteMember ken(kKen, {kMex, kHub});
  auto other = ken.Seal(kMex.id, pw::MessageKind::TraceRequest, protocol::PackPayload<pw::TraceRequest>(Request("K1")),
                        m_clock.NowMs());
  ASSERT_TRUE(other);
  hub->links().Inject(kKen.id, protocol::EncodeDeliver(other->bytes));
  hub->Settle();
  Seen to_ken = SentTo(*hub, kKen.id);
  ASSERT_FALSE(to_ken.acks.empty());
  EXPECT_EQ(to_ken.acks[0].status, pw::HopStatus::Accepted) << "one member's full quota delays no one else";
  EXPECT_FALSE(to_ken.acks[0].has_error);

  // KEN-NFB's link comes up: the held messages go out, and once acknowledged the share frees up.
  hub->links().SetUp(kKen.id, true);
  hub->node().Step();
  to_ken = SentTo(*hub, kKen.id);
  EXPECT_EQ(to_ken.delivered.size(), 3u);
  for (const auto& env : to_ken.delivered)
    hub->links().Inject(kKen.id, protocol::EncodeHopAck(env.header.message_id, pw::HopStatus::Accepted, std::nullopt, ""));
  hub->Settle();
  auto sealed = mex.Seal(kKen.id, pw::MessageKind::TraceRequest, protocol::PackPayload<pw::TraceRequest>(Request("Q9")),
                         m_clock.NowMs());
  ASSERT_TRUE(sealed);
  hub->links().Inject(kMex.id, protocol::EncodeDeliver(sealed->bytes));
  hub->Settle();
  Seen after = SentTo(*hub, kMex.id);
  ASSERT_EQ(after.acks.size(), 1u);
  EXPECT_EQ(after.acks[0].status, pw::HopStatus::Accepted) << "the share is free again once delivered";
}

TEST_F(MessengerClockTest, ARequestingStatePastItsShareOfUnansweredTracesWaitsWhileOthersPass) {
  auto ken = Start(kKen, {kHub, kMex, kFra}, [](config::NodeConfig& c) { c.open_requests_per_peer = 2; });
  ASSERT_TRUE(ken);
  test_support::RemoteMember mex(kMex, {kKen, kHub, kFra}), fra(kFra, {kKen, kHub, kMex});
  auto deliver = [&](const test_support::RemoteMember& from, const protocol::Sealed& sealed) {
    ken->links().Inject(from.self().id, protocol::EncodeDeliver(sealed.bytes));
    ken->Settle();
    Seen seen = SentTo(*ken, from.self().id);
    EXPECT_EQ(seen.acks.size(), 1u);
    return seen.acks.empty() ? protocol::HopAckFrame{} : seen.acks[0];
  };
  auto request = [&](const test_support::RemoteMember& from, const std::string& serial) {
    auto sealed = from.Seal(kKen.id, pw::MessageKind::TraceRequest, protocol::PackPayload<pw::TraceRequest>(Request(serial)),
                            m_clock.NowMs());
    EXPECT_TRUE(sealed);
    return *sealed;
  };
  protocol::Sealed first = request(mex, "M1"), second = request(mex, "M2"), third = request(mex, "M3");
  EXPECT_EQ(deliver(mex, first).status, pw::HopStatus::Accepted);
  EXPECT_EQ(deliver(mex, second).status, pw::HopStatus::Accepted);
  protocol::HopAckFrame held = deliver(mex, third);
  EXPECT_EQ(held.status, pw::HopStatus::Deferred) << "two unanswered traces from MEX-FGR wait here already";
  EXPECT_EQ(held.error, Errc::kQuotaExceeded);
  EXPECT_NE(held.detail.find("open_requests_per_peer"), std::string::npos) << held.detail;
  EXPECT_EQ(deliver(fra, request(fra, "F1")).status, pw::HopStatus::Accepted) << "another state is not held back";

  // The count is the store's, not the process's: after a restart the share is still full.
  ken.reset();
  ken = Start(kKen, {kHub, kMex, kFra}, [](config::NodeConfig& c) { c.open_requests_per_peer = 2; });
  ASSERT_TRUE(ken);
  Advance(2000);
  EXPECT_EQ(deliver(mex, third).status, pw::HopStatus::Deferred) << "after a restart";

  // MEX-FGR cancels its first trace: its share has room again, and the deferred one is taken.
  pw::TraceFollowUpT cancel;
  cancel.request_message_id = first.message_id;
  cancel.kind = pw::FollowUpKind::Cancel;
  cancel.text = "weapon identified at home";
  auto cancelled = mex.Seal(kKen.id, pw::MessageKind::TraceFollowUp, protocol::PackPayload<pw::TraceFollowUp>(cancel),
                            m_clock.NowMs());
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(deliver(mex, *cancelled).status, pw::HopStatus::Accepted);
  Advance(5000);
  EXPECT_EQ(deliver(mex, third).status, pw::HopStatus::Accepted);
}

}  // namespace
}  // namespace tracenet
