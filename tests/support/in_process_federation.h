// Nodes run in one process over MemoryLinks with a fixed clock, for tests and fuzzing that must
// reach the whole node (decode, checks, handlers, store, acknowledgements) without sockets,
// threads of their own or sleeps: the driver injects frames, steps the loop and reads what the
// node sent. Member keys are derived from a one-byte seed, so a seed corpus written once can
// carry records signed by a member the harness later recreates.
// Thread-safety: one driver thread; Node's own thread-safe calls (Submit...) may come from others.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "node/common/clock.h"
#include "node/config/node_config.h"
#include "node/crypto/identity.h"
#include "node/protocol/envelope.h"
#include "node/protocol/keyring.h"
#include "node/protocol/link_frame.h"
#include "node/runtime/node.h"
#include "node/transport/memory_links.h"

namespace tracenet::test_support {

struct Member {
  std::string id;
  std::string role = "national";
  uint8_t seed = 0;  // its keys: FixedIdentity(seed)
  std::vector<std::string> home_hubs;
};

// A signed member directory naming `members` (one authority, threshold 1), written to `file`,
// and the configuration lines that make a node run on it.
struct TestDirectory {
  std::string file;
  crypto::PublicKey32 authority{};
  void Apply(config::NodeConfig& config) const;
};
Result<TestDirectory> WriteTestDirectory(const std::string& file, const std::vector<Member>& members, uint64_t now_ms);

// A minimal valid trace request about a pistol with this serial.
protocol::wire::TraceRequestT SampleRequest(const std::string& serial);

// The same keys for the same seed, every time (libsodium's seeded key generation).
crypto::Identity FixedIdentity(uint8_t seed);
// The libsodium seed of one of those keys: purpose 1 signing, 2 encryption, 3 transport.
std::array<uint8_t, 32> FixedSeed(uint8_t seed, uint8_t purpose);
protocol::PeerKeys PeerKeysOf(const Member& member);
// What `self` seals and opens with, knowing `peers`.
std::shared_ptr<const protocol::Keyring> KeyringOf(const Member& self, const std::vector<Member>& peers);

class InProcessNode {
 public:
  // Lays out keys and a store under `dir` (created; must not hold another node) and starts
  // `self` knowing `peers`; `adjust` may change the configuration first.
  static std::unique_ptr<InProcessNode> Start(const std::string& dir, const Member& self, const std::vector<Member>& peers,
                                              const Clock& clock,
                                              const std::function<void(config::NodeConfig&)>& adjust = {},
                                              std::function<Status(const protocol::Opened&)> fault = {});
  runtime::Node& node() { return *m_node; }
  transport::MemoryLinks& links() { return *m_links; }
  const Member& self() const { return m_self; }

  // Runs loop turns until nothing is left waiting in the links (at most `turns`).
  void Settle(int turns = 8);
  // Runs `call` (one of Node's blocking calls) on another thread while this thread steps the
  // loop that serves it, so a single-threaded driver cannot deadlock on it.
  void Serve(const std::function<void()>& call);

 private:
  Member m_self;
  std::unique_ptr<runtime::Node> m_node;
  transport::MemoryLinks* m_links = nullptr;  // owned by the node
};

// Connects `a` and `b` (each dials the other) and carries frames between them, turn by turn,
// until neither has anything more for the other (at most `rounds` turns). Frames for anyone
// else are dropped.
void Exchange(InProcessNode& a, InProcessNode& b, int rounds = 20);

// What a node sent to one peer since the last look, decoded.
struct Seen {
  std::vector<protocol::EnvelopeView> delivered;  // envelopes, in order (views into `frames`)
  std::vector<protocol::HopAckFrame> acks;        // a hub's custody receipts count as Accepted acks
  std::vector<Bytes> frames;
};
Seen SentTo(InProcessNode& node, const std::string& peer);

// A member outside the process (a test's or a fuzzer's voice): seals envelopes from it.
class RemoteMember {
 public:
  RemoteMember(Member self, const std::vector<Member>& peers);
  // A Deliver frame carrying an envelope of `kind` with `payload`, sealed to `recipient`.
  Result<protocol::Sealed> Seal(const std::string& recipient, protocol::wire::MessageKind kind, ByteView payload,
                                uint64_t now_ms, uint64_t ttl_ms = 3'600'000) const;
  const Member& self() const { return m_self; }
  const protocol::Keyring& keys() const { return *m_keys; }

 private:
  Member m_self;
  std::shared_ptr<const protocol::Keyring> m_keys;
};

}  // namespace tracenet::test_support
