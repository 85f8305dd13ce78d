// A hub's intake and search, and a member's side of searches and hits, on real LMDB stores.
// The messages a service sends are captured by a recording Outgoing (the transport is not what
// these tests are about; the e2e tests run it). Bad publications are refused whole, with the
// reason sent to the publisher, and leave the index exactly as it was.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "node/common/clock.h"
#include "node/crypto/identity.h"
#include "node/crypto/primitives.h"
#include "node/protocol/envelope.h"
#include "node/stolen_exchange/hub_index_service.h"
#include "node/stolen_exchange/member_stolen_service.h"
#include "node/stolen_exchange/record_signing.h"
#include "node/stolen_exchange/stolen_csv.h"
#include "tests/support/temp_dir.h"

namespace tracenet::stolen {
namespace {

namespace wire = protocol::wire;
using test_support::FreshTempDir;

struct SentMessage {
  std::string recipient;
  wire::MessageKind kind;
  Bytes payload;
};

class RecordingOutgoing : public messaging::Outgoing {
 public:
  Result<protocol::Sealed> Seal(const std::string&, wire::MessageKind, ByteView, ByteView) const override {
    return MakeError(Errc::kInternal, "not used");
  }
  Result<messaging::SentMessage> Enqueue(store::Txn&, const std::string&, wire::MessageKind, protocol::Sealed) override {
    return MakeError(Errc::kInternal, "not used");
  }
  Result<Bytes> Send(store::Txn&, const std::string& recipient, wire::MessageKind kind, ByteView payload) override {
    sent.push_back({recipient, kind, Bytes(payload.begin(), payload.end())});
    return protocol::NewMessageId();
  }
  std::vector<SentMessage> sent;
};

class ManualClock : public Clock {
 public:
  uint64_t NowMs() const override { return now; }
  uint64_t now = 1'800'000'000'000;
};

StolenRecord Record(const std::string& owner, const std::string& ref, const std::string& serial, uint64_t version = 1) {
  StolenRecord r;
  r.owner = owner;
  r.owner_ref = ref;
  r.serial = serial;
  r.make = "Glock";
  r.calibre = "9x19mm";
  r.type = "pistol";
  r.version_ms = version;
  return r;
}

class StolenExchangeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::Init());
    keys["KEN-NFB"] = crypto::GenerateIdentity();
    keys["MEX-FGR"] = crypto::GenerateIdentity();
    keys["USA-ATF"] = crypto::GenerateIdentity();
    std::string dir = FreshTempDir("stolen_exchange");
    auto store_opened = store::NodeStore::Open(dir + "/store");
    ASSERT_TRUE(store_opened);
    store = std::move(*store_opened);
    HubIndexOptions options;
    options.index_dir = dir + "/index";
    options.searches_per_minute = 3;
    auto hub_opened = HubIndexService::Open(*store, clock, options, [this](const std::string& id) -> std::optional<crypto::PublicKey32> {
      if (!keys.count(id)) return std::nullopt;
      return keys[id].pub.sign_public;
    });
    ASSERT_TRUE(hub_opened) << hub_opened.error().message;
    hub = std::move(*hub_opened);
  }

  protocol::Opened Message(const std::string& sender, wire::MessageKind kind, Bytes payload) {
    protocol::Opened m;
    m.header.sender = sender;
    m.header.recipient = "HUB-LYON";
    m.header.kind = kind;
    m.header.message_id = protocol::NewMessageId();
    m.payload = std::move(payload);
    return m;
  }
  // Delivers a publication of `records` from `sender` to the hub, as the messenger would.
  Status Publish(const std::string& sender, const std::vector<StolenRecord>& records) {
    wire::StolenPublishT p;
    for (const StolenRecord& r : records) p.records.push_back(std::make_unique<wire::SignedStolenRecordT>(ToWire(r)));
    auto m = Message(sender, wire::MessageKind::StolenPublish, protocol::PackPayload<wire::StolenPublish>(p));
    return store->env().Write([&](store::Txn& txn) { return hub->OnAccepted(txn, m, out); });
  }
  Status Search(const std::string& sender, const std::string& serial, const std::string& id) {
    wire::StolenSearchT s;
    s.search_id = id;
    s.serial = serial;
    s.priority = wire::Priority::Urgent;
    s.seizure_place = "Mombasa port";
    auto m = Message(sender, wire::MessageKind::StolenSearch, protocol::PackPayload<wire::StolenSearch>(s));
    return store->env().Write([&](store::Txn& txn) { return hub->OnAccepted(txn, m, out); });
  }
  StolenRecord Signed(StolenRecord r, const std::string& signer) {
    SignRecord(r, keys[signer].sign_secret);
    return r;
  }

  std::map<std::string, crypto::Identity> keys;
  ManualClock clock;
  std::unique_ptr<store::NodeStore> store;
  std::unique_ptr<HubIndexService> hub;
  RecordingOutgoing out;
};

TEST_F(StolenExchangeTest, AHubIndexesSignedRecordsAndRefusesWholeAPublicationWithOneBadRecord) {
  ASSERT_TRUE(Publish("KEN-NFB", {Signed(Record("KEN-NFB", "K-1", "GLK482913"), "KEN-NFB")}));
  EXPECT_EQ(hub->index().size(), 1u);
  EXPECT_TRUE(out.sent.empty());

  struct Case {
    const char* what;
    std::string sender;
    StolenRecord record;
    const char* reason;
  };
  StolenRecord non_utf8 = Record("MEX-FGR", "M-2", "SW556677");
  non_utf8.remarks = std::string("stolen from \xC3\x28 depot");
  StolenRecord oversized = Record("MEX-FGR", "M-3", "SW556678");
  oversized.model = std::string(kMaxFieldBytes + 1, 'x');
  std::vector<Case> cases = {
      {"a record of another member", "MEX-FGR", Signed(Record("KEN-NFB", "K-9", "GLK000111"), "MEX-FGR"), "belongs to KEN-NFB"},
      {"a record signed by another member", "MEX-FGR", Signed(Record("MEX-FGR", "M-1", "SW123456"), "USA-ATF"),
       "owner signature does not verify"},
      {"a non-UTF-8 field", "MEX-FGR", Signed(non_utf8, "MEX-FGR"), "remarks is not valid UTF-8"},
      {"an oversized field", "MEX-FGR", Signed(oversized, "MEX-FGR"), "model is longer than"},
      {"an unknown sender", "XXX-NONE", Record("XXX-NONE", "X-1", "AB123456"), "owner signature does not verify"},
  };
  for (const Case& c : cases) {
    out.sent.clear();
    // The bad record comes second, after a good one: nothing of the publication is kept.
    StolenRecord good = Signed(Record("MEX-FGR", "M-ok-" + std::string(c.what), "SW999888"), "MEX-FGR");
    if (c.sender != "MEX-FGR") good = c.record;
    ASSERT_TRUE(Publish(c.sender, {good, c.record})) << c.what;
    EXPECT_EQ(hub->index().size(), 1u) << c.what << ": the index is unchanged";
    ASSERT_EQ(out.sent.size(), 1u) << c.what;
    EXPECT_EQ(out.sent[0].recipient, c.sender);
    EXPECT_EQ(out.sent[0].kind, wire::MessageKind::Error);
    auto* error = flatbuffers::GetRoot<wire::Error>(out.sent[0].payload.data());
    EXPECT_NE(error->detail()->str().find(c.reason), std::string::npos) << c.what << ": " << error->detail()->str();
  }
  EXPECT_EQ(hub->counters().publications_refused.load(), cases.size());
  auto kept = hub->index().Get("KEN-NFB", "K-1");
  ASSERT_TRUE(kept && *kept);
  EXPECT_EQ((*kept)->serial, "GLK482913");
}

TEST_F(StolenExchangeTest, AnOlderVersionReplayedAfterANewerOneChangesNothing) {
  ASSERT_TRUE(Publish("KEN-NFB", {Signed(Record("KEN-NFB", "K-1", "GLK482913", 200), "KEN-NFB")}));
  StolenRecord old = Record("KEN-NFB", "K-1", "GLK000000", 100);
  ASSERT_TRUE(Publish("KEN-NFB", {Signed(old, "KEN-NFB")}));
  auto kept = hub->index().Get("KEN-NFB", "K-1");
  ASSERT_TRUE(kept && *kept);
  EXPECT_EQ((*kept)->serial, "GLK482913");
  auto stale = hub->index().Search({SerialFormsOf("GLK000000", true).value(), "", "", "", false, false, false, false});
  ASSERT_TRUE(stale);
  EXPECT_TRUE(stale->hits.empty()) << "the older version's keys were never indexed";
}

TEST_F(StolenExchangeTest, ASearchAnswersTheSearcherNotifiesTheOwnerAndIsRateLimitedAndLogged) {
  ASSERT_TRUE(Publish("KEN-NFB", {Signed(Record("KEN-NFB", "K-1", "GLK482913"), "KEN-NFB")}));
  ASSERT_TRUE(Search("USA-ATF", "GLK4B29I3", "s-1"));
  ASSERT_EQ(out.sent.size(), 2u);
  const SentMessage* notice = out.sent[0].kind == wire::MessageKind::StolenHitNotice ? &out.sent[0] : &out.sent[1];
  const SentMessage* answer = notice == &out.sent[0] ? &out.sent[1] : &out.sent[0];
  EXPECT_EQ(notice->recipient, "KEN-NFB");
  auto* n = flatbuffers::GetRoot<wire::StolenHitNotice>(notice->payload.data());
  EXPECT_EQ(n->searcher()->str(), "USA-ATF");
  EXPECT_EQ(n->search()->seizure_place()->str(), "Mombasa port");
  EXPECT_EQ(n->confirm_by_ms(), clock.now + 10 * 60 * 1000) << "urgent: ten minutes";
  EXPECT_EQ(answer->recipient, "USA-ATF");
  auto* a = flatbuffers::GetRoot<wire::StolenSearchAnswer>(answer->payload.data());
  ASSERT_EQ(a->candidates()->size(), 1u);
  EXPECT_EQ(a->candidates()->Get(0)->hit_id()->str(), n->hit_id()->str());
  EXPECT_GE(a->candidates()->Get(0)->score(), 80);
  EXPECT_EQ(a->candidates()->Get(0)->confirm_by_ms(), n->confirm_by_ms());

  // Three a minute: the fourth is refused, and every search is in the log.
  ASSERT_TRUE(Search("USA-ATF", "GLK482913", "s-2"));
  ASSERT_TRUE(Search("USA-ATF", "GLK482913", "s-3"));
  out.sent.clear();
  ASSERT_TRUE(Search("USA-ATF", "GLK482913", "s-4"));
  ASSERT_EQ(out.sent.size(), 1u) << "no hit notice for a refused search";
  auto* refused = flatbuffers::GetRoot<wire::StolenSearchAnswer>(out.sent[0].payload.data());
  EXPECT_NE(refused->refused()->str().find("rate limit"), std::string::npos);
  EXPECT_EQ(refused->candidates(), nullptr);
  ASSERT_TRUE(Search("MEX-FGR", "GLK482913", "m-1")) << "other members have their own allowance";
  EXPECT_EQ(flatbuffers::GetRoot<wire::StolenSearchAnswer>(out.sent.back().payload.data())->candidates()->size(), 1u);
  clock.now += 60'000;
  out.sent.clear();
  ASSERT_TRUE(Search("USA-ATF", "GLK482913", "s-5"));
  EXPECT_EQ(flatbuffers::GetRoot<wire::StolenSearchAnswer>(out.sent.back().payload.data())->refused(), nullptr)
      << "a minute later the searcher may search again";
  Json log;
  ASSERT_TRUE(store->env().Read([&](store::Txn& txn) {
    auto l = hub->SearchLog(txn, 100);
    if (l) log = *l;
    return l ? Status::Ok() : Status(l.error());
  }));
  ASSERT_EQ(log.size(), 6u);
  EXPECT_EQ(log[0]["search_id"], "s-5");
  EXPECT_EQ(log[2]["search_id"], "s-4");
  EXPECT_TRUE(log[2].contains("refused"));
}

TEST_F(StolenExchangeTest, AnExpiredRecordIsStillACandidateButSaysSo) {
  StolenRecord r = Record("KEN-NFB", "K-1", "GLK482913");
  r.last_validated_ms = clock.now - 400LL * 24 * 3600 * 1000;
  r.expires_at_ms = clock.now - 35LL * 24 * 3600 * 1000;
  ASSERT_TRUE(Publish("KEN-NFB", {Signed(r, "KEN-NFB")}));
  ASSERT_TRUE(Search("USA-ATF", "GLK482913", "s-1"));
  const SentMessage& answer = out.sent.back().kind == wire::MessageKind::StolenSearchAnswer ? out.sent.back() : out.sent.front();
  auto* a = flatbuffers::GetRoot<wire::StolenSearchAnswer>(answer.payload.data());
  ASSERT_EQ(a->candidates()->size(), 1u);
  std::string reasons;
  for (const auto* why : *a->candidates()->Get(0)->reasons()) reasons += why->str() + "; ";
  EXPECT_NE(reasons.find("record expired"), std::string::npos) << reasons;
}

TEST_F(StolenExchangeTest, AMemberKeepsTheAnswerAndTheOwnersDecision) {
  std::string dir = FreshTempDir("stolen_member");
  auto member_store = store::NodeStore::Open(dir);
  ASSERT_TRUE(member_store);
  crypto::Identity usa = keys["USA-ATF"];
  MemberStolenService usa_service(
      **member_store, usa, clock, {"USA-ATF"}, [] { return std::vector<std::string>{"HUB-LYON"}; },
      [this](const std::string& id) -> std::optional<crypto::PublicKey32> { return keys[id].pub.sign_public; });
  RecordingOutgoing usa_out;
  wire::StolenSearchT search;
  search.serial = "GLK4B29I3";
  std::string id;
  ASSERT_TRUE((*member_store)->env().Write([&](store::Txn& txn) -> Status {
    auto started = usa_service.StartSearch(txn, search, usa_out);
    if (started) id = *started;
    return started ? Status::Ok() : Status(started.error());
  }));
  ASSERT_EQ(usa_out.sent.size(), 1u);
  EXPECT_EQ(usa_out.sent[0].recipient, "HUB-LYON");

  // The hub's answer, then the owner's decision, arrive at the searcher.
  ASSERT_TRUE(Publish("KEN-NFB", {Signed(Record("KEN-NFB", "K-1", "GLK482913"), "KEN-NFB")}));
  ASSERT_TRUE(Search("USA-ATF", "GLK4B29I3", id));
  const SentMessage& answer = out.sent.back().kind == wire::MessageKind::StolenSearchAnswer ? out.sent.back() : out.sent.front();
  std::string hit_id = flatbuffers::GetRoot<wire::StolenSearchAnswer>(answer.payload.data())->candidates()->Get(0)->hit_id()->str();
  auto deliver = [&](const std::string& sender, wire::MessageKind kind, Bytes payload) {
    auto m = Message(sender, kind, std::move(payload));
    return (*member_store)->env().Write([&](store::Txn& txn) { return usa_service.OnAccepted(txn, m); });
  };
  ASSERT_TRUE(deliver("HUB-LYON", wire::MessageKind::StolenSearchAnswer, answer.payload));
  wire::StolenHitDecisionT decision;
  decision.hit_id = hit_id;
  decision.search_id = id;
  decision.confirmed = true;
  decision.note = "stolen from Nairobi armoury, 2025";
  // Only the record's owner decides: the same decision from another member is ignored.
  ASSERT_TRUE(deliver("MEX-FGR", wire::MessageKind::StolenHitDecision, protocol::PackPayload<wire::StolenHitDecision>(decision)));
  Json state;
  auto read = [&] {
    ASSERT_TRUE((*member_store)->env().Read([&](store::Txn& txn) {
      auto s = usa_service.SearchState(txn, id);
      if (s && *s) state = **s;
      return Status::Ok();
    }));
  };
  read();
  ASSERT_EQ(state["state"], "answered");
  ASSERT_EQ(state["candidates"].size(), 1u);
  EXPECT_TRUE(state["candidates"][0]["owner_signature_valid"].get<bool>());
  EXPECT_TRUE(state["candidates"][0]["decision"].is_null());
  ASSERT_TRUE(deliver("KEN-NFB", wire::MessageKind::StolenHitDecision, protocol::PackPayload<wire::StolenHitDecision>(decision)));
  read();
  EXPECT_EQ(state["candidates"][0]["decision"]["confirmed"], true);
  EXPECT_EQ(state["candidates"][0]["decision"]["by"], "KEN-NFB");
}

TEST_F(StolenExchangeTest, ARecordTooLargeToPublishIsRefusedBeforeAnythingIsStoredOrSent) {
  auto member_store = store::NodeStore::Open(FreshTempDir("stolen_member_small"));
  ASSERT_TRUE(member_store);
  MemberStolenOptions options{"KEN-NFB", 2048};
  MemberStolenService ken(**member_store, keys["KEN-NFB"], clock, options,
                          [] { return std::vector<std::string>{"HUB-LYON", "HUB-SING"}; },
                          [this](const std::string& id) -> std::optional<crypto::PublicKey32> { return keys[id].pub.sign_public; });
  StolenRecord small = Record("KEN-NFB", "K-1", "GLK482913"), large = Record("KEN-NFB", "K-2", "GLK482914");
  large.remarks = std::string(3000, 'r');
  auto prepared = ken.PrepareRecords({small, large});
  ASSERT_TRUE(prepared) << prepared.error().message;
  RecordingOutgoing ken_out;
  Status reported = (*member_store)->env().Write([&](store::Txn& txn) -> Status {
    auto r = ken.Report(txn, *prepared, ken_out);
    return r ? Status::Ok() : Status(r.error());
  });
  ASSERT_FALSE(reported);
  EXPECT_EQ(reported.error().code, Errc::kOversized);
  EXPECT_NE(reported.error().message.find("K-2"), std::string::npos) << reported.error().message;
  EXPECT_TRUE(ken_out.sent.empty());
  ASSERT_TRUE((*member_store)->env().Read([&](store::Txn& txn) -> Status {
    EXPECT_FALSE(ken.OwnRecord(txn, "K-1").value()) << "nothing of the call was stored";
    return Status::Ok();
  }));

  // Records that fit are chunked once and the same messages go to every home hub.
  prepared = ken.PrepareRecords({small, Record("KEN-NFB", "K-3", "GLK482915"), Record("KEN-NFB", "K-4", "GLK482916")});
  ASSERT_TRUE((*member_store)->env().Write([&](store::Txn& txn) -> Status {
    auto r = ken.Report(txn, *prepared, ken_out);
    return r ? Status::Ok() : Status(r.error());
  }));
  size_t to_lyon = 0, to_sing = 0;
  for (const SentMessage& m : ken_out.sent) (m.recipient == "HUB-LYON" ? to_lyon : to_sing) += 1;
  EXPECT_EQ(to_lyon, to_sing);
  EXPECT_GE(to_lyon, 1u);
}

TEST(StolenCsvTest, EveryBadRowIsReportedWithItsLineAndTheGoodOnesAreKept) {
  std::string dir = FreshTempDir("stolen_csv");
  std::filesystem::create_directories(dir);
  std::string path = dir + "/export.csv";
  std::ofstream(path) << "owner_ref,serial,make,category,remarks\n"
                         "R-1,GLK482913,Glock,stolen,\n"
                         "R-2,,Glock,stolen,no serial\n"
                         "R-3,SW123456,S&W,borrowed,\n"
                         "R-4,SW123457\n"
                         "R-5,\"AB 12\n34\",Beretta,lost,\"a quoted serial over two lines\"\n"
                         "R-6,ZZ\xC3\x28" "99,Taurus,lost,\n"
                         "R-7,CZ991122,CZ,stolen," + std::string(5000, 'x') + "\n";
  auto csv = ReadStolenCsv(path);
  ASSERT_TRUE(csv) << csv.error().message;
  ASSERT_EQ(csv->records.size(), 2u);
  EXPECT_EQ(csv->records[0]["owner_ref"], "R-1");
  EXPECT_EQ(csv->records[1]["owner_ref"], "R-5");
  std::vector<std::pair<size_t, std::string>> expected = {
      {3, "serial"}, {4, "category"}, {5, "2 fields"}, {8, "not valid UTF-8"}, {9, "remarks is longer"}};
  ASSERT_EQ(csv->errors.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(csv->errors[i].line, expected[i].first) << csv->errors[i].message;
    EXPECT_NE(csv->errors[i].message.find(expected[i].second), std::string::npos) << csv->errors[i].message;
  }
  std::ofstream(path) << "owner_ref,serial,colour\nR-1,X1,red\n";
  auto unknown = ReadStolenCsv(path);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("unknown column \"colour\""), std::string::npos);
  EXPECT_NE(unknown.error().message.find("--map colour="), std::string::npos) << "the refusal says how to map it";
}

TEST(StolenCsvTest, AnExportWithItsOwnColumnNamesImportsThroughAMapping) {
  std::string dir = FreshTempDir("stolen_csv_map");
  std::filesystem::create_directories(dir);
  std::string path = dir + "/registry-export.csv";
  std::ofstream(path) << "record_id,serial,make,unit,internal_notes\n"
                         "R-1,GLK482913,Glock,Brigade Mombasa,shelf 4\n";
  auto mapping = ParseColumnMapping({"record_id=owner_ref", "unit = agency  # the reporting unit", "internal_notes=-", ""}, "--map");
  ASSERT_TRUE(mapping) << mapping.error().message;
  auto csv = ReadStolenCsv(path, *mapping);
  ASSERT_TRUE(csv) << csv.error().message;
  ASSERT_EQ(csv->records.size(), 1u);
  EXPECT_EQ(csv->records[0]["owner_ref"], "R-1");
  EXPECT_EQ(csv->records[0]["agency"], "Brigade Mombasa");
  EXPECT_FALSE(csv->records[0].contains("internal_notes"));
  EXPECT_FALSE(ReadStolenCsv(path)) << "without the mapping the export is refused";

  // Another mapping of the same file is another import (it yields other records).
  auto other = ReadStolenCsv(path, *ParseColumnMapping({"record_id=owner_ref", "unit=remarks", "internal_notes=-"}, "--map"));
  ASSERT_TRUE(other);
  EXPECT_NE(other->digest, csv->digest);

  auto refused = [&](std::vector<std::string> pairs, std::string_view why) {
    auto m = ParseColumnMapping(pairs, "--map");
    std::string message = m ? (ReadStolenCsv(path, *m) ? "" : ReadStolenCsv(path, *m).error().message) : m.error().message;
    EXPECT_NE(message.find(why), std::string::npos) << "for " << ::testing::PrintToString(pairs) << ": " << message;
  };
  refused({"record_id=owner_ref", "unit=colour", "internal_notes=-"}, "colour is not a record field");
  refused({"record_id"}, "is not source_column=field");
  refused({"record_id=owner_ref", "unit=agency", "internal_notes=-", "shelf=remarks"}, "a column shelf the file does not have");
  refused({"record_id=owner_ref", "unit=owner_ref", "internal_notes=-"}, "two columns give owner_ref");
  refused({"record_id=owner_ref", "record_id=serial"}, "mapped twice");
}

}  // namespace
}  // namespace tracenet::stolen
