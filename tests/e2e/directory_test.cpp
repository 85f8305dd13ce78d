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

// Starts MEX-FGR and USA-ATF on version 1 and shows a trace answered; returns version 1.
SignedDirectory StartPairOnVersion1(DirectoryFederation& d) {
  SignedDirectory v1 = d.Sign(d.base, {0, 1});
  d.Publish(v1);
  d.f.Start("MEX-FGR");
  d.f.Start("USA-ATF");
  const auto& w = d.f.known_weapon();
  EXPECT_EQ(d.f.WaitCase("MEX-FGR", d.f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer), Answered)["outcome"], "found");
  return v1;
}

TEST(DirectoryTest, BadUpdatesAreRefusedLoudlyAndTheLastGoodVersionKeepsTheFederationWorking) {
  DirectoryFederation d({{"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "generate"}});
  SignedDirectory v1 = StartPairOnVersion1(d);
  EXPECT_EQ(d.f.Status("MEX-FGR")["directory"]["version"], 1);
  const auto& w = d.f.known_weapon();

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

TEST(DirectoryTest, AKeyRotationWithOverlapLosesNoMessage) {
  DirectoryFederation d({{"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "generate"}});
  SignedDirectory v1 = StartPairOnVersion1(d);
  const auto& w = d.f.known_weapon();
  std::vector<std::string> traces;

  // USA-ATF goes offline to rotate; MEX-FGR keeps sending, sealed to the old keys.
  d.f.Stop("USA-ATF");
  for (int i = 0; i < 3; ++i) traces.push_back(d.f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer));
  std::string keys = d.f.layout("USA-ATF").dir + "/keys";
  std::string rotate = std::string(TRACENET_BINARY) + " keygen --rotate --id USA-ATF --country USA --dir " + keys +
                       " > " + d.f.root() + "/rotate.out 2>&1";
  ASSERT_EQ(std::system(rotate.c_str()), 0);
  auto fresh = crypto::LoadIdentity(keys);
  ASSERT_TRUE(fresh);
  ASSERT_TRUE(crypto::LoadIdentity(keys + "/previous"));
  // A second rotation during the overlap is refused: the old keys would be lost.
  EXPECT_NE(std::system(rotate.c_str()), 0);

  // The authorities publish the rotation with a week's overlap.
  Document v2 = d.Next(v1);
  uint64_t now = NowMs();
  directory::RotateMemberKeys(*v2.FindMember("USA-ATF"),
                              {{directory::KeyPurpose::kSigning, fresh->pub.sign_public, now, 0},
                               {directory::KeyPurpose::kEncryption, fresh->pub.enc_public, now, 0},
                               {directory::KeyPurpose::kTransport, fresh->pub.transport_public, now, 0}},
                              now + 7 * 24 * 3600 * 1000ull);
  d.Publish(d.Sign(v2, {1, 2}));
  d.WaitDirectory("MEX-FGR", [](const Json& s) { return s["version"] == 2; });
  for (int i = 0; i < 3; ++i) traces.push_back(d.f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer));

  // Back with its new keys: the traces sealed to the old key and to the new one are all answered,
  // each once, under its new signature; and what it sends now is accepted.
  d.f.Start("USA-ATF");
  for (const std::string& id : traces) EXPECT_EQ(d.f.WaitCase("MEX-FGR", id, Answered)["outcome"], "found") << id;
  EXPECT_EQ(d.f.Cases("USA-ATF").size(), traces.size() + 1);
  std::string back = d.f.Submit("USA-ATF", "MEX-FGR", "ZZ-404", "Glock");
  EXPECT_EQ(d.f.WaitCase("USA-ATF", back, [](const Json& c) { return c["state"] == "acknowledged"; })["state"],
            "acknowledged");
  EXPECT_EQ(d.f.Status("MEX-FGR")["counters"]["envelopes_rejected"], 0);
}

// Applies version 2 = `change`(version 1) to a running pair and checks that USA-ATF is shut out:
// MEX-FGR refuses to send to it, and nothing it sends is accepted.
void ExpectUsaShutOutBy(const std::function<void(Document&)>& change) {
  DirectoryFederation d({{"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "generate"}});
  SignedDirectory v1 = StartPairOnVersion1(d);
  const auto& w = d.f.known_weapon();

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
