#include "tests/support/in_process_federation.h"

#include <sodium.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "node/crypto/primitives.h"
#include "node/demo/directory_layout.h"

namespace tracenet::test_support {

protocol::wire::TraceRequestT SampleRequest(const std::string& serial) {
  namespace pw = protocol::wire;
  pw::TraceRequestT r;
  r.priority = pw::Priority::Routine;
  r.grounds = pw::IllicitGrounds::NationalLaw;
  r.weapon = std::make_unique<pw::WeaponT>();
  r.weapon->serial = serial;
  r.weapon->manufacturer = "Glock";
  r.weapon->type = pw::WeaponType::Pistol;
  return r;
}

std::array<uint8_t, 32> FixedSeed(uint8_t seed, uint8_t purpose) {
  // One 32-byte seed per key, all derived from the member's byte, so no two keys coincide.
  std::array<uint8_t, 32> out{};
  out[0] = seed;
  out[1] = purpose;
  out[2] = 0x7e;
  return out;
}

crypto::Identity FixedIdentity(uint8_t seed) {
  (void)crypto::Init();
  auto derive = [seed](uint8_t purpose) { return FixedSeed(seed, purpose); };
  crypto::Identity id;
  auto s = derive(1), e = derive(2), t = derive(3), k = derive(4);
  crypto_sign_seed_keypair(id.pub.sign_public.data(), id.sign_secret.data(), s.data());
  crypto_box_seed_keypair(id.pub.enc_public.data(), id.enc_secret.data(), e.data());
  crypto_box_seed_keypair(id.pub.transport_public.data(), id.transport_secret.data(), t.data());
  std::copy(k.begin(), k.end(), id.storage_key.data());
  crypto::ComputeKeyIds(id.pub);
  return id;
}

protocol::PeerKeys PeerKeysOf(const Member& member) {
  crypto::Identity id = FixedIdentity(member.seed);
  protocol::PeerKeys p;
  p.id = member.id;
  p.country = member.id.substr(0, 3);
  p.role = member.role;
  p.sign_public = id.pub.sign_public;
  p.enc_public = id.pub.enc_public;
  p.transport_public = id.pub.transport_public;
  p.sign_key_id = id.pub.sign_key_id;
  p.enc_key_id = id.pub.enc_key_id;
  return p;
}

std::shared_ptr<const protocol::Keyring> KeyringOf(const Member& self, const std::vector<Member>& peers) {
  std::vector<protocol::PeerKeys> keys;
  for (const Member& m : peers) keys.push_back(PeerKeysOf(m));
  auto ring = protocol::Keyring::Create(self.id, FixedIdentity(self.seed), keys);
  return ring ? *ring : nullptr;
}

Result<TestDirectory> WriteTestDirectory(const std::string& file, const std::vector<Member>& members, uint64_t now_ms) {
  std::filesystem::create_directories(std::filesystem::path(file).parent_path());
  crypto::AuthorityKey authority = crypto::GenerateAuthorityKey();
  directory::Document d;
  d.federation = "in-process";
  d.issued_at_ms = now_ms - 60'000;
  d.expires_at_ms = now_ms + uint64_t{365} * 24 * 3'600'000;
  for (const Member& m : members) {
    protocol::PeerKeys p = PeerKeysOf(m);
    // Nationals list an endpoint (a link the memory transport names); hubs reach them directly.
    d.members.push_back({m.id, p.country, m.id, m.role, {"memory://" + m.id}, m.home_hubs,
                         {{directory::KeyPurpose::kSigning, p.sign_public, 0, 0},
                          {directory::KeyPurpose::kEncryption, p.enc_public, 0, 0},
                          {directory::KeyPurpose::kTransport, p.transport_public, 0, 0}}});
  }
  if (Status s = demo::PublishDirectory(file, d, {&authority}); !s) return s.error();
  return TestDirectory{file, authority.pub};
}

void TestDirectory::Apply(config::NodeConfig& config) const {
  config.peers.clear();
  config.directory_file = file;
  config.directory_federation = "in-process";
  config.directory_authorities = {authority};
  config.directory_threshold = 1;
}

std::unique_ptr<InProcessNode> InProcessNode::Start(const std::string& dir, const Member& self,
                                                    const std::vector<Member>& peers, const Clock& clock,
                                                    const std::function<void(config::NodeConfig&)>& adjust,
                                                    std::function<Status(const protocol::Opened&)> fault) {
  std::filesystem::create_directories(dir);
  config::NodeConfig config;
  config.id = self.id;
  config.country = self.id.substr(0, 3);
  config.role = self.role;
  config.data_dir = dir + "/data";
  config.keys_dir = dir + "/keys";
  config.registry.adapter = "none";
  for (const Member& m : peers) config.peers.push_back(PeerKeysOf(m));
  if (adjust) adjust(config);
  if (!std::filesystem::exists(config.keys_dir + "/sign.key") &&
      !crypto::WriteIdentity(config.keys_dir, FixedIdentity(self.seed)))
    return nullptr;
  auto links = std::make_unique<transport::MemoryLinks>();
  transport::MemoryLinks* raw = links.get();
  runtime::NodeSeams seams;
  seams.clock = &clock;
  seams.links = std::move(links);
  seams.before_apply = std::move(fault);
  auto node = runtime::Node::Create(config, std::move(seams));
  if (!node) return nullptr;
  auto out = std::unique_ptr<InProcessNode>(new InProcessNode());
  out->m_self = self;
  out->m_node = std::move(node.value());
  out->m_links = raw;
  return out;
}

void InProcessNode::Settle(int turns) {
  for (int i = 0; i < turns; ++i) {
    m_node->Step();
    if (m_links->waiting() == 0) break;
  }
}

void InProcessNode::Serve(const std::function<void()>& call) {
  std::atomic<bool> done{false};
  std::thread caller([&] {
    call();
    done = true;
  });
  // Bounded: a call the loop never serves fails the driver instead of hanging it.
  for (int i = 0; i < 200'000 && !done; ++i) {
    m_node->Step();
    if (!done) std::this_thread::yield();
  }
  caller.join();
}

void Exchange(InProcessNode& a, InProcessNode& b, int rounds) {
  a.links().SetUp(b.self().id, true);
  b.links().SetUp(a.self().id, true);
  for (int i = 0; i < rounds; ++i) {
    a.node().Step();
    b.node().Step();
    size_t moved = 0;
    for (auto [from, to] : {std::pair{&a, &b}, std::pair{&b, &a}})
      for (auto& sent : from->links().TakeSent())
        if (sent.peer == to->self().id) {
          // What one side sent on the link it dialled arrives on the other's listener, and back.
          to->links().Inject(from->self().id, sent.frame, !sent.via_listener);
          ++moved;
        }
    if (moved == 0 && i > 0) return;
  }
}

Seen SentTo(InProcessNode& node, const std::string& peer) {
  Seen seen;
  for (auto& sent : node.links().TakeSent())
    if (sent.peer == peer) seen.frames.push_back(std::move(sent.frame));
  for (const Bytes& frame : seen.frames) {
    auto decoded = protocol::DecodeLinkFrame(frame, size_t{2} << 20);
    if (!decoded) continue;
    if (auto* d = std::get_if<protocol::DeliverFrame>(&*decoded)) {
      if (auto env = protocol::ParseEnvelope(d->envelope, size_t{2} << 20)) seen.delivered.push_back(*env);
    } else if (auto* a = std::get_if<protocol::HopAckFrame>(&*decoded)) {
      seen.acks.push_back(*a);
    } else if (auto* c = std::get_if<protocol::CustodyBatchFrame>(&*decoded)) {
      for (const Bytes& id : c->message_ids) seen.acks.push_back({id, protocol::wire::HopStatus::Accepted});
    }
  }
  return seen;
}

RemoteMember::RemoteMember(Member self, const std::vector<Member>& peers)
    : m_self(std::move(self)), m_keys(KeyringOf(m_self, peers)) {}

Result<protocol::Sealed> RemoteMember::Seal(const std::string& recipient, protocol::wire::MessageKind kind,
                                            ByteView payload, uint64_t now_ms, uint64_t ttl_ms) const {
  return protocol::SealEnvelope(*m_keys, recipient, kind, payload, now_ms, ttl_ms);
}

}  // namespace tracenet::test_support
