// One member floods a hub with validly signed envelopes for a member that is away, while two
// others trace through the same hub. The hub defers the flooder past its share
// ([limits] held_per_sender) and everyone else's traffic goes on: the genuine trace is answered
// as it would be without the flood.
#include <atomic>
#include <thread>

#include "directory_federation.h"
#include "node/protocol/envelope.h"
#include "test_peer.h"

namespace tracenet::e2e {
namespace {

namespace wire = protocol::wire;

constexpr size_t kShare = 40;  // the flooder's share of the hub

std::map<std::string, MemberShape> Shapes() {
  return {{"HUB-LYON", {"hub", false, {}}},
          {"MEX-FGR", {"national", true, {"HUB-LYON"}}},
          {"USA-ATF", {"national", true, {"HUB-LYON"}}},
          {"KEN-NFB", {"national", true, {"HUB-LYON"}}},     // away: never started
          {"EVIL-TEST", {"national", true, {"HUB-LYON"}}}};  // the test speaks for it
}

// How the hub took an envelope: custody (accepted), deferred (with the reason) or neither.
struct HubAnswer {
  bool custody = false;
  bool deferred = false;
  std::string detail;
};

// Sends one envelope over `link` and says how the hub took it.
HubAnswer Send(TestPeer& link, ByteView envelope) {
  auto reply = link.Roundtrip(protocol::EncodeDeliver(envelope));
  for (int frames = 0; reply && frames < 5; ++frames, reply = link.Receive()) {  // skips e.g. a directory push
    auto decoded = protocol::DecodeLinkFrame(*reply, 1 << 20);
    if (!decoded) continue;
    if (std::holds_alternative<protocol::CustodyBatchFrame>(*decoded)) return {true, false, ""};
    if (auto* ack = std::get_if<protocol::HopAckFrame>(&*decoded))
      return {false, ack->status == wire::HopStatus::Deferred, ack->detail};
  }
  return {false, false, "no answer"};
}

Bytes Request(const std::string& serial) {
  wire::TraceRequestT r;
  r.priority = wire::Priority::Routine;
  r.grounds = wire::IllicitGrounds::NationalLaw;
  r.weapon = std::make_unique<wire::WeaponT>();
  r.weapon->serial = serial;
  r.weapon->manufacturer = "Glock";
  r.weapon->type = wire::WeaponType::Pistol;
  return protocol::PackPayload<wire::TraceRequest>(r);
}

TEST(HubFloodTest, AFloodingMemberIsDeferredPastItsShareAndOthersTraceAsUsual) {
  demo::NodeSpec hub{"HUB-LYON", "FRA", ""};
  hub.extra_config = "\n[limits]\nheld_per_sender = " + std::to_string(kShare) + "\n";
  DirectoryFederation d({hub, {"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "generate"}, {"KEN-NFB", "KEN", ""},
                         {"EVIL-TEST", "XXX", ""}},
                        Shapes());
  d.Publish(d.Sign(d.base, {0, 1}));
  d.f.Start("HUB-LYON");
  d.f.Start("MEX-FGR");
  d.f.Start("USA-ATF");
  const auto& w = d.f.known_weapon();
  using Clock = std::chrono::steady_clock;
  auto answered = [](const Json& c) { return c["state"] == "answered"; };

  // The genuine trace's latency without a flood, for comparison.
  auto t0 = Clock::now();
  std::string quiet = d.f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer);
  d.f.WaitCase("MEX-FGR", quiet, answered, 60);
  auto quiet_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();

  crypto::Identity evil = *crypto::LoadIdentity(d.f.layout("EVIL-TEST").dir + "/keys");
  auto peers = directory::PeersAt(d.base, NowMs(), "EVIL-TEST");
  auto keys = *protocol::Keyring::Create("EVIL-TEST", evil, peers);
  crypto::PublicKey32 hub_key{};
  for (const protocol::PeerKeys& p : peers)
    if (p.id == "HUB-LYON") hub_key = p.transport_public;
  TestPeer link(d.f.layout("HUB-LYON").endpoint, evil, hub_key);

  std::atomic<size_t> custody{0}, deferred{0};
  std::string deferral;
  std::atomic<bool> stop{false};
  std::thread flood([&] {
    for (size_t i = 0; i < 4 * kShare && !stop; ++i) {
      auto sealed = protocol::SealEnvelope(*keys, "KEN-NFB", wire::MessageKind::TraceRequest,
                                           Request("FLOOD-" + std::to_string(i)), NowMs(), 3'600'000);
      HubAnswer a = Send(link, sealed->bytes);
      if (a.custody) ++custody;
      if (a.deferred) {
        ++deferred;
        deferral = a.detail;
      }
    }
  });
  auto t1 = Clock::now();
  std::string busy = d.f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer);
  Json c = d.f.WaitCase("MEX-FGR", busy, answered, 60);
  auto busy_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t1).count();
  flood.join();
  EXPECT_EQ(c["outcome"], "found");
  EXPECT_EQ(custody.load(), kShare) << "the hub holds exactly the flooder's share";
  EXPECT_GE(deferred.load(), 2 * kShare);
  EXPECT_NE(deferral.find("its quota"), std::string::npos) << deferral;
  // For the record (not a pass/fail criterion: timings belong in benchmarks).
  std::printf("genuine trace through the hub: %lld ms without the flood, %lld ms during it\n",
              static_cast<long long>(quiet_ms), static_cast<long long>(busy_ms));
  // The hub still relays for everyone else afterwards.
  std::string after = d.f.Submit("USA-ATF", "MEX-FGR", "NOPE-1", "Glock");
  d.f.WaitCase("USA-ATF", after, [](const Json& x) { return x["state"] == "answered" || x["state"] == "acknowledged"; }, 60);
}

}  // namespace
}  // namespace tracenet::e2e
