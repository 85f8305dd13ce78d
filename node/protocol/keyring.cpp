#include "node/protocol/keyring.h"

#include "node/crypto/primitives.h"

namespace tracenet::protocol {

Result<std::shared_ptr<const Keyring>> Keyring::Create(std::string self_id,
                                                       const crypto::Identity& self,
                                                       std::vector<PeerKeys> peers) {
  std::shared_ptr<Keyring> ring(new Keyring());
  ring->m_self_id = std::move(self_id);
  ring->m_self = self;
  for (PeerKeys& peer : peers) {
    if (peer.id == ring->m_self_id)
      return MakeError(Errc::kConfig, "peer list names this node itself (" + peer.id + ")");
    if (ring->m_outbound.count(peer.id))
      return MakeError(Errc::kConfig, "peer " + peer.id + " is listed twice");
    peer.sign_key_id = crypto::KeyIdOf(peer.sign_public);
    peer.enc_key_id = crypto::KeyIdOf(peer.enc_public);
    auto out = crypto::DerivePairKey(self.enc_secret, peer.enc_public, self.pub.enc_public,
                                     peer.enc_public);
    auto in = crypto::DerivePairKey(self.enc_secret, peer.enc_public, peer.enc_public,
                                    self.pub.enc_public);
    if (!out || !in)
      return MakeError(Errc::kConfig, "peer " + peer.id + " has an unusable encryption key");
    ring->m_outbound.emplace(peer.id, *out);
    ring->m_inbound.emplace(peer.id, *in);
  }
  ring->m_peers = std::move(peers);
  return std::shared_ptr<const Keyring>(ring);
}

const PeerKeys* Keyring::FindPeer(std::string_view id) const {
  for (const PeerKeys& p : m_peers)
    if (p.id == id) return &p;
  return nullptr;
}

const PeerKeys* Keyring::FindPeerByTransportKey(const crypto::PublicKey32& key) const {
  for (const PeerKeys& p : m_peers)
    if (p.transport_public == key) return &p;
  return nullptr;
}

const crypto::SymmetricKey* Keyring::OutboundKey(std::string_view peer_id) const {
  auto it = m_outbound.find(peer_id);
  return it == m_outbound.end() ? nullptr : &it->second;
}

const crypto::SymmetricKey* Keyring::InboundKey(std::string_view peer_id) const {
  auto it = m_inbound.find(peer_id);
  return it == m_inbound.end() ? nullptr : &it->second;
}

}  // namespace tracenet::protocol
