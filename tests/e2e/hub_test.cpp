// Hubs relaying between outbound-only members that never accept connections: traces and their
// answers travel through them (hub to hub too), a hub holds messages for a member that is offline
// and keeps them across kill -9, signs custody, reports expiry to the sender, passes on new
// directories, and nothing it stores or logs contains what the envelopes carry.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "directory_federation.h"

namespace tracenet::e2e {
namespace {

auto Answered = [](const Json& c) { return c["state"] == "answered"; };

std::map<std::string, MemberShape> HubAndTwoOutboundMembers() {
  return {{"HUB-LYON", {"hub", false, {}}},
          {"MEX-FGR", {"national", true, {"HUB-LYON"}}},
          {"USA-ATF", {"national", true, {"HUB-LYON"}}}};
}

// True when any file under `dir` contains `needle`.
bool AnyFileContains(const std::string& dir, const std::string& needle) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    if (content.str().find(needle) != std::string::npos) return true;
  }
  return false;
}

// True when the case's timeline says `hub` took custody of its request.
bool SentVia(const Json& c, const std::string& hub) {
  for (const Json& e : c["timeline"])
    if (e["event"] == "sent" && e["detail"].get<std::string>().find(hub) != std::string::npos) return true;
  return false;
}

TEST(HubTest, OutboundOnlyMembersTraceThroughAHubThatCannotReadAnything) {
  DirectoryFederation d({{"HUB-LYON", "FRA", ""}, {"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "generate"}},
                        HubAndTwoOutboundMembers());
  d.Publish(d.Sign(d.base, {0, 1}));
  d.f.Start("HUB-LYON");
  d.f.Start("MEX-FGR");
  d.f.Start("USA-ATF");
  const auto& w = d.f.known_weapon();
  std::string id = d.f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer);
  Json c = d.f.WaitCase("MEX-FGR", id, Answered);
  EXPECT_EQ(c["outcome"], "found");
  std::set<std::string> events;
  for (const Json& e : c["timeline"]) events.insert(e["event"]);
  EXPECT_TRUE(events.count("delivered")) << "the recipient's signed receipt travels back: " << c["timeline"].dump();
  bool custody = false;
  for (const Json& e : c["timeline"])
    custody |= e["event"] == "sent" && e["detail"] == "sent: HUB-LYON took custody (custody receipt signed by HUB-LYON)";
  EXPECT_TRUE(custody) << "the hub's hop carries a signed custody receipt: " << c["timeline"].dump();
  // Request, acknowledgement, response and receipts each way all went through the hub.
  EXPECT_GE(d.f.Status("HUB-LYON")["counters"]["relayed"].get<uint64_t>(), 4u);
  // Each relay is in the hub's audit log: who handed it what for whom; the chain verifies.
  Json audit = d.f.Api("HUB-LYON").Get("/v1/audit/export").value();
  size_t relays_for_usa = 0;
  for (const Json& e : audit["entries"])
    if (e["event"] == "relayed" && e["actor"] == "MEX-FGR" && e["detail"] == "for USA-ATF, queued for USA-ATF") ++relays_for_usa;
  EXPECT_GE(relays_for_usa, 1u) << audit["entries"].dump();
  EXPECT_TRUE(d.f.Api("HUB-LYON").Get("/v1/audit/verify").value()["ok"].get<bool>());

  // A hub answers no traces (schema/README.md §12): one addressed to it is refused at once,
  // with the rule named, instead of waiting for an answer that cannot come. (Messages a hub does
  // take, lost/stolen publications and searches, are settled by its plain acceptance: StolenTest.)
  std::string to_hub = d.f.Submit("MEX-FGR", "HUB-LYON", "HUB-1", "Glock");
  Json hub_case = d.f.WaitCase("MEX-FGR", to_hub, [](const Json& c) { return c["state"] == "undeliverable"; });
  EXPECT_NE(hub_case["timeline"].dump().find("not_permitted"), std::string::npos) << hub_case["timeline"].dump();

  // The hub stores and logs headers only.
  d.f.Stop("HUB-LYON");
  std::string hub_dir = d.f.layout("HUB-LYON").dir;
  for (const std::string& plaintext : {w.serial, w.model, std::string("national_law"), std::string("e2e test")})
    EXPECT_FALSE(AnyFileContains(hub_dir, plaintext)) << "hub files contain \"" << plaintext << "\"";
}

TEST(HubTest, TheHubHoldsMessagesForAnOfflineMemberUntilItComesBack) {
  DirectoryFederation d({{"HUB-LYON", "FRA", ""}, {"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "generate"}},
                        HubAndTwoOutboundMembers());
  d.Publish(d.Sign(d.base, {0, 1}));
  d.f.Start("HUB-LYON");
  d.f.Start("MEX-FGR");
  const auto& w = d.f.known_weapon();
  std::string id = d.f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer);
  d.f.WaitCase("MEX-FGR", id, [](const Json& c) { return c["state"] == "sent"; });  // the hub took custody
  for (int i = 0; i < 50 && d.f.Status("HUB-LYON")["peers"]["USA-ATF"]["queued"] != 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(d.f.Status("HUB-LYON")["peers"]["USA-ATF"]["queued"], 1);
  // The hub restarts while holding it: the message is in its store, not its memory.
  d.f.Kill("HUB-LYON");
  d.f.Start("HUB-LYON");
  d.f.Start("USA-ATF");
  EXPECT_EQ(d.f.WaitCase("MEX-FGR", id, Answered)["outcome"], "found");
  EXPECT_EQ(d.f.Cases("USA-ATF").size(), 1u);
}


// Four national centres, none listening, and two hubs: MEX-FGR homed at both hubs, COL-DIJIN
// and GBR-NCA at HUB-LYON, USA-ATF at HUB-SING.
std::vector<demo::NodeSpec> FourMembersTwoHubs() {
  return {{"HUB-LYON", "FRA", ""}, {"HUB-SING", "SGP", ""}, {"MEX-FGR", "MEX", ""},
          {"COL-DIJIN", "COL", ""}, {"GBR-NCA", "GBR", ""}, {"USA-ATF", "USA", "generate"}};
}
std::map<std::string, MemberShape> FourMembersTwoHubsShapes() {
  return {{"HUB-LYON", {"hub", false, {}}},
          {"HUB-SING", {"hub", false, {}}},
          {"MEX-FGR", {"national", true, {"HUB-LYON", "HUB-SING"}}},
          {"COL-DIJIN", {"national", true, {"HUB-LYON"}}},
          {"GBR-NCA", {"national", true, {"HUB-LYON"}}},
          {"USA-ATF", {"national", true, {"HUB-SING"}}}};
}

TEST(HubTest, HubsForwardToEachOtherAndAMemberFailsOverToItsSecondHomeHub) {
  DirectoryFederation d(FourMembersTwoHubs(), FourMembersTwoHubsShapes());
  d.Publish(d.Sign(d.base, {0, 2}));
  for (const char* id : {"HUB-LYON", "HUB-SING", "MEX-FGR", "COL-DIJIN", "USA-ATF"}) d.f.Start(id);
  const auto& w = d.f.known_weapon();
  // COL-DIJIN -> HUB-LYON -> HUB-SING -> USA-ATF, and the answer back the same way.
  std::string col = d.f.Submit("COL-DIJIN", "USA-ATF", w.serial, w.manufacturer);
  EXPECT_EQ(d.f.WaitCase("COL-DIJIN", col, Answered)["outcome"], "found");
  EXPECT_GE(d.f.Status("HUB-LYON")["counters"]["relayed"].get<uint64_t>(), 2u);
  EXPECT_GE(d.f.Status("HUB-SING")["counters"]["relayed"].get<uint64_t>(), 2u);

  // HUB-LYON goes down: MEX-FGR's next trace leaves through HUB-SING instead.
  d.f.Kill("HUB-LYON");
  std::this_thread::sleep_for(std::chrono::seconds(1));  // its link is seen down
  std::string mex = d.f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer);
  Json c = d.f.WaitCase("MEX-FGR", mex, Answered);
  EXPECT_EQ(c["outcome"], "found");
  EXPECT_TRUE(SentVia(c, "HUB-SING")) << c["timeline"].dump();
}

TEST(HubTest, MessagesQueuedForAHomeHubThatStaysDownMoveToTheSecondHomeHub) {
  DirectoryFederation d(FourMembersTwoHubs(), FourMembersTwoHubsShapes());
  d.Publish(d.Sign(d.base, {0, 2}));
  // Neither hub is up when MEX-FGR submits: its trace queues for its first home hub, HUB-LYON.
  d.f.Start("MEX-FGR");
  d.f.Start("USA-ATF");
  const auto& w = d.f.known_weapon();
  std::string mex = d.f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer);
  for (int i = 0; i < 30 && d.f.Status("MEX-FGR")["peers"]["HUB-LYON"]["queued"] != 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // status is refreshed every second
  EXPECT_EQ(d.f.Status("MEX-FGR")["peers"]["HUB-LYON"]["queued"], 1);
  // Only HUB-SING comes up; HUB-LYON stays down, so the queued trace moves to HUB-SING.
  d.f.Start("HUB-SING");
  Json c = d.f.WaitCase("MEX-FGR", mex, Answered);
  EXPECT_EQ(c["outcome"], "found");
  EXPECT_TRUE(SentVia(c, "HUB-SING")) << c["timeline"].dump();
  EXPECT_GE(d.f.Status("MEX-FGR")["counters"]["rerouted"].get<uint64_t>(), 1u);
  for (int i = 0; i < 30 && d.f.Status("MEX-FGR")["peers"]["HUB-LYON"]["queued"] != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(d.f.Status("MEX-FGR")["peers"]["HUB-LYON"]["queued"], 0);
  EXPECT_EQ(d.f.Cases("USA-ATF").size(), 1u);
}

TEST(HubTest, AHubKilledInTheMiddleOf500MessagesLosesNoneAndDuplicatesNone) {
  // Small resident windows: most of the stream waits in LMDB only and is read back in as the
  // window drains, across the kill too.
  std::vector<demo::NodeSpec> specs = FourMembersTwoHubs();
  for (demo::NodeSpec& spec : specs) spec.extra_config = "\n[limits]\nresident_messages_per_peer = 32\n";
  DirectoryFederation d(specs, FourMembersTwoHubsShapes());
  d.Publish(d.Sign(d.base, {1, 2}));
  for (const char* id : {"HUB-LYON", "HUB-SING", "GBR-NCA", "USA-ATF"}) d.f.Start(id);
  const auto& w = d.f.known_weapon();
  Json request = d.f.TraceRequest("USA-ATF", w.serial, w.manufacturer);
  std::vector<std::string> ids;
  for (int batch = 0; batch < 5; ++batch) {
    if (batch == 2) d.f.Kill("HUB-SING");  // -9, with messages in its store and on the wire
    auto accepted = d.f.Api("GBR-NCA").Post("/v1/traces/batch", Json{{"traces", Json::array({request})}});
    Json traces = Json::array();
    for (int i = 0; i < 100; ++i) traces.push_back(request);
    auto many = d.f.Api("GBR-NCA").Post("/v1/traces/batch", Json{{"traces", traces}});
    ASSERT_TRUE(accepted && many) << "batch " << batch;
    ids.push_back((*accepted)["case_ids"][0]);
    for (const Json& id : (*many)["case_ids"]) ids.push_back(id);
    if (batch == 3) d.f.Start("HUB-SING");
  }
  ASSERT_EQ(ids.size(), 505u);
  for (const std::string& id : ids) EXPECT_EQ(d.f.WaitCase("GBR-NCA", id, Answered, 120)["outcome"], "found");
  EXPECT_EQ(d.f.Cases("USA-ATF").size(), 505u);  // each request had exactly one effect
}


TEST(HubTest, ADirectoryPublishedToTheHubReachesItsMembersAndABadOneIsRefused) {
  DirectoryFederation d({{"HUB-LYON", "FRA", ""}, {"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "generate"}},
                        HubAndTwoOutboundMembers());
  SignedDirectory v1 = d.Sign(d.base, {0, 1});
  d.Publish(v1);
  d.f.Start("HUB-LYON");
  d.f.Start("MEX-FGR");
  d.f.Start("USA-ATF");
  // The authorities sign version 2 (it revokes nothing, it renames a member) and publish it to
  // the hub only; the members' own files still say version 1.
  Document v2 = d.Next(v1);
  v2.FindMember("USA-ATF")->name = "Bureau of Alcohol, Tobacco, Firearms and Explosives";
  std::string v2_path = d.f.root() + "/v2.dir";
  std::ofstream(v2_path, std::ios::binary) << AsString(directory::EncodeSigned(d.Sign(v2, {1, 2})));
  std::string publish = std::string(TRACENET_BINARY) + " directory publish --in " + v2_path + " --config " +
                        d.f.layout("HUB-LYON").config_path + " > /dev/null";
  ASSERT_EQ(std::system(publish.c_str()), 0);
  EXPECT_EQ(d.WaitDirectory("MEX-FGR", [](const Json& s) { return s["version"] == 2; })["version"], 2);
  EXPECT_EQ(d.WaitDirectory("USA-ATF", [](const Json& s) { return s["version"] == 2; })["version"], 2);
  // A member that restarts keeps version 2 (its file was updated when the push was applied).
  d.f.Stop("MEX-FGR");
  d.f.Start("MEX-FGR");
  EXPECT_EQ(d.f.Status("MEX-FGR")["directory"]["version"], 2);
  EXPECT_EQ(d.f.Status("MEX-FGR")["directory"]["problem"], "");

  // Version 3 with one signature: the hub refuses it, says why, and nothing reaches the members.
  std::string v3_path = d.f.root() + "/v3.dir";
  std::ofstream(v3_path, std::ios::binary) << AsString(directory::EncodeSigned(d.Sign(d.Next(d.Sign(v2, {1, 2})), {0})));
  std::string bad = std::string(TRACENET_BINARY) + " directory publish --in " + v3_path + " --config " +
                    d.f.layout("HUB-LYON").config_path + " 2>" + d.f.root() + "/publish.err";
  EXPECT_NE(std::system(bad.c_str()), 0);
  std::ifstream err(d.f.root() + "/publish.err");
  std::string message((std::istreambuf_iterator<char>(err)), {});
  EXPECT_NE(message.find("2 are required"), std::string::npos) << message;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(d.f.Status("USA-ATF")["directory"]["version"], 2);
  // Still a working federation.
  const auto& w = d.f.known_weapon();
  EXPECT_EQ(d.f.WaitCase("MEX-FGR", d.f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer), Answered)["outcome"], "found");
}


TEST(HubTest, AMessageThatExpiresAtTheHubBringsTheSenderASignedNonDeliveryNotice) {
  DirectoryFederation d({{"HUB-LYON", "FRA", ""}, {"MEX-FGR", "MEX", "", false, "\n[limits]\nmessage_ttl_seconds = 3\n"},
                         {"USA-ATF", "USA", "generate"}},
                        HubAndTwoOutboundMembers());
  d.Publish(d.Sign(d.base, {0, 1}));
  d.f.Start("HUB-LYON");
  d.f.Start("MEX-FGR");  // USA-ATF stays down past the request's three-second life
  const auto& w = d.f.known_weapon();
  std::string id = d.f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer);
  Json c = d.f.WaitCase("MEX-FGR", id, [](const Json& c) { return c["state"] == "undeliverable"; });
  std::string detail = c["timeline"].back()["detail"];
  EXPECT_NE(detail.find("non-delivery notice: HUB-LYON reported Expired: HUB-LYON held it for USA-ATF"),
            std::string::npos) << c["timeline"].dump();
  // The hub took custody first (signed), then reported the expiry (a signed, encrypted message).
  bool custody = false;
  for (const Json& e : c["timeline"]) custody |= e["event"] == "sent";
  EXPECT_TRUE(custody) << c["timeline"].dump();
}

}  // namespace
}  // namespace tracenet::e2e
