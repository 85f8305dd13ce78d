// The keys a node knows: its own identity and its peers' public keys, with the directional
// pair keys precomputed once per peer (an X25519 operation costs ~10x an AEAD of 1 KiB).
// Thread-safety: immutable after construction; share it read-only between threads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "node/crypto/identity.h"

namespace tracenet::protocol {

struct PeerKeys {
  std::string id;
  std::string country;
  std::string endpoint;  // empty for a peer that only connects out
  crypto::PublicKey32 sign_public{};
  crypto::PublicKey32 enc_public{};
  crypto::PublicKey32 transport_public{};
  crypto::KeyId sign_key_id{};
  crypto::KeyId enc_key_id{};
};

class Keyring {
 public:
  // Fails when a peer key is unusable (a low-order X25519 point) or an id repeats.
  static Result<std::shared_ptr<const Keyring>> Create(std::string self_id,
                                                       const crypto::Identity& self,
                                                       std::vector<PeerKeys> peers);

  const std::string& self_id() const { return m_self_id; }
  const crypto::Identity& self() const { return m_self; }
  const PeerKeys* FindPeer(std::string_view id) const;
  const PeerKeys* FindPeerByTransportKey(const crypto::PublicKey32& key) const;
  const std::vector<PeerKeys>& peers() const { return m_peers; }
  // Key for messages from this node to `peer_id` / from `peer_id` to this node; null if unknown.
  const crypto::SymmetricKey* OutboundKey(std::string_view peer_id) const;
  const crypto::SymmetricKey* InboundKey(std::string_view peer_id) const;

 private:
  Keyring() = default;
  std::string m_self_id;
  crypto::Identity m_self;
  std::vector<PeerKeys> m_peers;
  std::map<std::string, crypto::SymmetricKey, std::less<>> m_outbound;
  std::map<std::string, crypto::SymmetricKey, std::less<>> m_inbound;
};

}  // namespace tracenet::protocol
