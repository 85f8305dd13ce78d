// Nodes running on a signed directory instead of a peer file: they apply a valid new version at
// once, refuse bad ones loudly (k-1 signatures, tampered, expired, rollback) while the last good
// version keeps them working, and a member whose key is revoked can no longer send.
#include <fstream>
#include <regex>
#include <thread>

#include "federation_fixture.h"
#include "node/common/clock.h"
#include "node/config/node_config.h"
#include "node/crypto/identity.h"
#include "node/crypto/primitives.h"
#include "node/directory/directory_trust.h"

namespace tracenet::e2e {
namespace {

using directory::Document;
using directory::SignedDirectory;

constexpr uint64_t kDayMs = 86'400'000;
auto Answered = [](const Json& c) { return c["state"] == "answered"; };

uint64_t NowMs() { return SystemClock().NowMs(); }

class DirectoryFederation {
 public:
  DirectoryFederation() : f({{"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "generate"}}) {
    (void)crypto::Init();
    for (auto& a : authorities) a = crypto::GenerateAuthorityKey();
    file = f.root() + "/directory.dir";
    base.federation = "e2e-federation";
    base.issued_at_ms = NowMs();
    base.expires_at_ms = NowMs() + 30 * kDayMs;
    for (const char* id : {"MEX-FGR", "USA-ATF"}) {
      const demo::NodeLayout& l = f.layout(id);
      std::string entry_path = l.dir + "/entry.toml";
      std::ofstream(entry_path) << l.public_entry;
      protocol::PeerKeys p = config::LoadPeers(entry_path)->front();
      base.members.push_back({p.id, p.country, p.id + " tracing centre", "national", {p.endpoint}, {},
                              {{directory::KeyPurpose::kSigning, p.sign_public, 0, 0},
                               {directory::KeyPurpose::kEncryption, p.enc_public, 0, 0},
                               {directory::KeyPurpose::kTransport, p.transport_public, 0, 0}}});
      // The node's config pins the authorities instead of naming a peer file.
      std::ifstream in(l.config_path);
      std::string config((std::istreambuf_iterator<char>(in)), {});
      config = std::regex_replace(config, std::regex("peers_file = \"peers.toml\"\n"), "");
      config += "\n[directory]\nfile = \"" + file + "\"\nfederation = \"e2e-federation\"\nthreshold = 2\nauthorities = [";
      for (auto& a : authorities) config += "\"" + ToHex(a.pub) + "\", ";
      config += "]\n";
      std::ofstream(l.config_path) << config;
    }
  }

  SignedDirectory Sign(const Document& d, std::initializer_list<int> signers) {
    SignedDirectory s{directory::EncodeDocument(d), {}};
    for (int i : signers) directory::AddSignature(s, authorities[i].secret, authorities[i].pub);
    return s;
  }
  // The next version after `previous`, as `tracenet directory next` makes it.
  Document Next(const SignedDirectory& previous) {
    Document d = *directory::DecodeDocument(previous.document);
    d.version += 1;
    crypto::Hash32 h = crypto::Hash256(previous.document);
    d.previous_hash.assign(h.begin(), h.end());
    return d;
  }
  void Publish(const Bytes& bytes) {
    std::string tmp = file + ".tmp";
    std::ofstream(tmp, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    std::filesystem::rename(tmp, file);
  }
  void Publish(const SignedDirectory& s) { Publish(directory::EncodeSigned(s)); }
  // Waits until the node's directory status satisfies `done`.
  Json WaitDirectory(const std::string& node, const std::function<bool(const Json&)>& done) {
    Json d;
    for (int i = 0; i < 100; ++i) {
      d = f.Status(node)["directory"];
      if (done(d)) return d;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << node << " directory status never matched: " << d.dump();
    return d;
  }

  Federation f;
  crypto::AuthorityKey authorities[3];
  std::string file;
  Document base;
};

TEST(DirectoryTest, BadUpdatesAreRefusedLoudlyAndTheLastGoodVersionKeepsTheFederationWorking) {
  DirectoryFederation d;
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

TEST(DirectoryTest, AMemberWhoseKeyIsRevokedCanNoLongerSendOrBeSentTo) {
  DirectoryFederation d;
  SignedDirectory v1 = d.Sign(d.base, {0, 1});
  d.Publish(v1);
  d.f.Start("MEX-FGR");
  d.f.Start("USA-ATF");
  const auto& w = d.f.known_weapon();
  EXPECT_EQ(d.f.WaitCase("MEX-FGR", d.f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer), Answered)["outcome"], "found");

  // USA-ATF's signing key is reported stolen: version 2 revokes it.
  Document v2 = d.Next(v1);
  v2.revoked.push_back({v2.FindMember("USA-ATF")->keys[0].key, NowMs(), "signing key stolen"});
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

}  // namespace
}  // namespace tracenet::e2e
