// One message whose handling fails (here a fault injected where a handler would throw) is
// refused alone: the rest of its batch is committed and acknowledged, the failing one is
// Rejected and quarantined, its retries are refused at once without running it again, and the
// node goes on serving. A whole node in one process, one batch under the test's control.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <stdexcept>

#include "node/protocol/wire.h"
#include "tests/support/in_process_federation.h"
#include "tests/support/temp_dir.h"

namespace tracenet {
namespace {

using test_support::Member;
namespace pw = protocol::wire;

const Member kKen{"KEN-NFB", "national", 1, {}};
const Member kMex{"MEX-FGR", "national", 3, {}};
constexpr uint64_t kStart = 1'900'000'000'000;

bool Mentions(const Bytes& payload, std::string_view what) {
  return std::search(payload.begin(), payload.end(), what.begin(), what.end()) != payload.end();
}

TEST(FaultIsolationTest, AFailingMessageIsRefusedAloneAndTheRestOfItsBatchIsCommitted) {
  FixedClock clock{kStart};
  std::string dir = test_support::FreshTempDir("fault_isolation");
  auto directory = test_support::WriteTestDirectory(dir + "/directory.dir", {kKen, kMex}, kStart);
  ASSERT_TRUE(directory);
  std::atomic<int> faults{0};
  auto ken = test_support::InProcessNode::Start(
      dir + "/ken", kKen, {kMex}, clock, [&](config::NodeConfig& c) { directory->Apply(c); },
      [&](const protocol::Opened& m) -> Status {
        if (m.header.kind == pw::MessageKind::TraceRequest && Mentions(m.payload, "BOOM")) {
          ++faults;
          throw std::runtime_error("injected: the handler broke on this message");
        }
        return Status::Ok();
      });
  ASSERT_TRUE(ken);
  test_support::RemoteMember mex(kMex, {kKen});
  std::vector<protocol::Sealed> sealed;
  for (const char* serial : {"OK1", "BOOM", "OK2"}) {
    auto s = mex.Seal(kKen.id, pw::MessageKind::TraceRequest, protocol::PackPayload<pw::TraceRequest>(test_support::SampleRequest(serial)),
                      clock.NowMs());
    ASSERT_TRUE(s);
    sealed.push_back(*s);
    ken->links().Inject(kMex.id, protocol::EncodeDeliver(s->bytes));
  }
  ken->node().Step();  // all three in one batch
  test_support::Seen seen = test_support::SentTo(*ken, kMex.id);
  ASSERT_EQ(seen.acks.size(), 3u);
  std::map<Bytes, protocol::HopAckFrame> acks;
  for (const auto& a : seen.acks) acks[a.message_id] = a;
  EXPECT_EQ(acks[sealed[0].message_id].status, pw::HopStatus::Accepted);
  EXPECT_EQ(acks[sealed[2].message_id].status, pw::HopStatus::Accepted);
  const protocol::HopAckFrame& refused = acks[sealed[1].message_id];
  EXPECT_EQ(refused.status, pw::HopStatus::Rejected) << "refused for good, so its sender stops retrying";
  EXPECT_NE(refused.detail.find("injected"), std::string::npos) << refused.detail;

  size_t cases = 0;
  ASSERT_TRUE(ken->node().Read([&](store::Txn& txn, trace::CaseStore& store) {
    return store.ListNewestFirst(txn, [&](const trace::CaseRecord&) {
      ++cases;
      return true;
    });
  }));
  EXPECT_EQ(cases, 2u) << "the other two requests of the batch are committed";
  auto quarantined = ken->node().Quarantined(10);
  ASSERT_TRUE(quarantined);
  ASSERT_EQ(quarantined->size(), 1u);
  EXPECT_EQ((*quarantined)[0].message_id, sealed[1].message_id);
  EXPECT_EQ((*quarantined)[0].sender, kMex.id);
  EXPECT_EQ(ken->node().counters().quarantined.load(), 1u);
  EXPECT_EQ(faults.load(), 1);

  // The sender retries it: refused at once, from the quarantine, without running it again.
  clock.Set(clock.NowMs() + 5000);
  ken->links().Inject(kMex.id, protocol::EncodeDeliver(sealed[1].bytes));
  ken->node().Step();
  seen = test_support::SentTo(*ken, kMex.id);
  ASSERT_EQ(seen.acks.size(), 1u);
  EXPECT_EQ(seen.acks[0].status, pw::HopStatus::Rejected);
  EXPECT_NE(seen.acks[0].detail.find("quarantined"), std::string::npos) << seen.acks[0].detail;
  EXPECT_EQ(faults.load(), 1);

  // And the node goes on serving.
  auto next = mex.Seal(kKen.id, pw::MessageKind::TraceRequest, protocol::PackPayload<pw::TraceRequest>(test_support::SampleRequest("OK3")),
                       clock.NowMs());
  ASSERT_TRUE(next);
  ken->links().Inject(kMex.id, protocol::EncodeDeliver(next->bytes));
  ken->node().Step();
  seen = test_support::SentTo(*ken, kMex.id);
  ASSERT_EQ(seen.acks.size(), 1u);
  EXPECT_EQ(seen.acks[0].status, pw::HopStatus::Accepted);
}

// A batch that is applied again without its failing item must not count its other items twice:
// a member's one search, in the same batch as a broken publication, is answered, not refused as
// over a one-a-minute rate limit by its own first attempt.
TEST(FaultIsolationTest, ARerunBatchDoesNotCountASearchTwice) {
  FixedClock clock{kStart};
  std::string dir = test_support::FreshTempDir("fault_isolation_hub");
  const Member hub_member{"HUB-A", "hub", 2, {}};
  const Member mex_member{"MEX-FGR", "national", 3, {"HUB-A"}};
  auto directory = test_support::WriteTestDirectory(dir + "/directory.dir", {hub_member, mex_member}, kStart);
  ASSERT_TRUE(directory);
  auto hub = test_support::InProcessNode::Start(
      dir + "/hub", hub_member, {mex_member}, clock,
      [&](config::NodeConfig& c) {
        directory->Apply(c);
        c.stolen_searches_per_minute = 1;
      },
      [](const protocol::Opened& m) -> Status {
        if (m.header.kind == pw::MessageKind::StolenPublish) throw std::runtime_error("injected: the index broke");
        return Status::Ok();
      });
  ASSERT_TRUE(hub);
  test_support::RemoteMember mex(mex_member, {hub_member});
  pw::StolenSearchT search;
  search.search_id = "s-1";
  search.serial = "GLK482913";
  auto searched = mex.Seal(hub_member.id, pw::MessageKind::StolenSearch, protocol::PackPayload<pw::StolenSearch>(search), clock.NowMs());
  pw::StolenPublishT publish;  // never looked at: the injected fault comes first
  publish.records.push_back(std::make_unique<pw::SignedStolenRecordT>());
  publish.records.back()->record = {1};
  publish.records.back()->owner_signature = Bytes(64, 0);
  auto published = mex.Seal(hub_member.id, pw::MessageKind::StolenPublish, protocol::PackPayload<pw::StolenPublish>(publish), clock.NowMs());
  ASSERT_TRUE(searched && published);
  hub->links().Inject(mex_member.id, protocol::EncodeDeliver(searched->bytes));
  hub->links().Inject(mex_member.id, protocol::EncodeDeliver(published->bytes));
  hub->node().Step();
  EXPECT_EQ(hub->node().counters().quarantined.load(), 1u);
  nlohmann::json log;
  ASSERT_TRUE(hub->node().StolenRead([&](store::Txn& txn, stolen::MemberStolenService&, stolen::HubIndexService* index) -> Status {
    auto entries = index->SearchLog(txn, 10);
    if (!entries) return entries.error();
    log = *entries;
    return Status::Ok();
  }));
  ASSERT_EQ(log.size(), 1u) << log.dump();
  EXPECT_FALSE(log[0].contains("refused")) << "the search was counted against its rate by the attempt that failed: " << log.dump();
}

}  // namespace
}  // namespace tracenet
