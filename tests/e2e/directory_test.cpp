// Nodes running on a signed directory instead of a peer file: they apply a valid new version at
// once, refuse bad ones loudly (k-1 signatures, tampered, expired, rollback) while the last good
// version keeps them working, and a member whose key is revoked can no longer send.
#include <fstream>
#include <regex>
#include <thread>

#include "directory_federation.h"

namespace tracenet::e2e {
namespace {

using directory::Document;
using directory::SignedDirectory;

auto Answered = [](const Json& c) { return c["state"] == "answered"; };

TEST(DirectoryTest, BadUpdatesAreRefusedLoudlyAndTheLastGoodVersionKeepsTheFederationWorking) {
  DirectoryFederation d({{"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "generate"}});
  SignedDirectory v1 = d.Sign(d.base, {0, 2});
  d.Publish(v1);
  d.f.Start("MEX-FGR");
  d.f.Start("USA-ATF");
  EXPECT_EQ(d.f.Status("MEX-FGR")["directory"]["version"], 1);
  const auto& w = d.f.known_weapon();
  EXPECT_EQ(d.f.WaitCase("MEX-FGR", d.f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer), Answered)["outcome"], "found");

  // k-1 signatures.
  d.Publish(d.Sign(d.Next(v1), {1}));
  Json refused = d.WaitDirectory("MEX-FGR", [](const Json& s) { return s["refused_updates"] >= 1; });
  EXPECT_NE(refused["problem"].get<std::string>().find("2 are required"), std::string::npos) << refused.dump();
  EXPECT_EQ(refused["version"], 1);
  // Tampered: a byte of the signed document changed.
  SignedDirectory tampered = d.Sign(d.Next(v1), {0, 1});
  tampered.document[tampered.document.size() / 2] ^= 0x20;
  d.Publish(tampered);
  d.WaitDirectory("MEX-FGR", [](const Json& s) { return s["refused_updates"] >= 2; });
  // Expired.
  Document stale = d.Next(v1);
  stale.expires_at_ms = NowMs() - 1000;
  d.Publish(d.Sign(stale, {0, 1}));
  refused = d.WaitDirectory("MEX-FGR", [](const Json& s) { return s["refused_updates"] >= 3; });
  EXPECT_NE(refused["problem"].get<std::string>().find("expired"), std::string::npos) << refused.dump();
  // Still working on version 1.
  EXPECT_EQ(d.f.WaitCase("MEX-FGR", d.f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer), Answered)["outcome"], "found");

  // A good version 2 is applied at once; version 1 again is then a rollback.
  SignedDirectory v2 = d.Sign(d.Next(v1), {1, 2});
  d.Publish(v2);
  Json applied = d.WaitDirectory("MEX-FGR", [](const Json& s) { return s["version"] == 2; });
  EXPECT_EQ(applied["problem"], "");
  d.Publish(v1);
  refused = d.WaitDirectory("MEX-FGR", [](const Json& s) { return s["problem"].get<std::string>().find("rollback") != std::string::npos; });
  EXPECT_EQ(refused["version"], 2);

  // The applied version survives a restart; the rollback in the file is still refused.
  d.f.Stop("MEX-FGR");
  d.f.Start("MEX-FGR");
  EXPECT_EQ(d.f.Status("MEX-FGR")["directory"]["version"], 2);
  EXPECT_EQ(d.f.WaitCase("MEX-FGR", d.f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer), Answered)["outcome"], "found");
}

// Applies version 2 = `change`(version 1) to a running pair and checks that USA-ATF is shut out:
// MEX-FGR refuses to send to it, and nothing it sends is accepted.
void ExpectUsaShutOutBy(const std::function<void(Document&)>& change) {
  DirectoryFederation d({{"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "generate"}});
  SignedDirectory v1 = d.Sign(d.base, {0, 1});
  d.Publish(v1);
  d.f.Start("MEX-FGR");
  d.f.Start("USA-ATF");
  const auto& w = d.f.known_weapon();
  EXPECT_EQ(d.f.WaitCase("MEX-FGR", d.f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer), Answered)["outcome"], "found");

  Document v2 = d.Next(v1);
  change(v2);
  d.Publish(d.Sign(v2, {0, 2}));
  d.WaitDirectory("MEX-FGR", [](const Json& s) { return s["version"] == 2; });
  d.WaitDirectory("USA-ATF", [](const Json& s) { return s["version"] == 2; });

  // MEX-FGR no longer sends to it...
  auto refused = d.f.Api("MEX-FGR").Post("/v1/traces", d.f.TraceRequest("USA-ATF", w.serial, w.manufacturer));
  EXPECT_FALSE(refused);
  // ...and nothing it sends is accepted: its trace to MEX-FGR is never delivered.
  std::string from_usa = d.f.Submit("USA-ATF", "MEX-FGR", "ZZ-1", "Glock");
  std::this_thread::sleep_for(std::chrono::seconds(3));
  Json c = d.f.Api("USA-ATF").Get("/v1/traces/" + from_usa).value();
  EXPECT_NE(c["state"], "delivered");
  EXPECT_NE(c["state"], "acknowledged");
  EXPECT_EQ(d.f.Cases("MEX-FGR").size(), 1u);  // its own first trace; nothing from USA-ATF
  Json counters = d.f.Status("MEX-FGR")["counters"];
  EXPECT_GE(counters["zap_refused"].get<uint64_t>() + counters["envelopes_rejected"].get<uint64_t>(), 1u) << counters.dump();
}

TEST(DirectoryTest, AMemberWhoseKeyIsRevokedCanNoLongerSendOrBeSentTo) {
  // USA-ATF's signing key is reported stolen.
  ExpectUsaShutOutBy([](Document& v2) {
    v2.revoked.push_back({v2.FindMember("USA-ATF")->keys[0].key, NowMs(), "signing key stolen"});
  });
}

TEST(DirectoryTest, AMemberRemovedFromTheDirectoryCanNoLongerSendOrBeSentTo) {
  ExpectUsaShutOutBy([](Document& v2) {
    std::erase_if(v2.members, [](const directory::Member& m) { return m.id == "USA-ATF"; });
  });
}

}  // namespace
}  // namespace tracenet::e2e
