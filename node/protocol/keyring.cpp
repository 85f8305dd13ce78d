#include "node/protocol/keyring.h"

#include <sodium.h>

#include <algorithm>

#include "node/crypto/primitives.h"

namespace tracenet::protocol {

Result<std::shared_ptr<const Keyring>> Keyring::Create(std::string self_id,
                                                       const crypto::Identity& self,
                                                       std::vector<PeerKeys> peers,
                                                       std::vector<crypto::BoxSecret> previous_own_enc) {
  std::shared_ptr<Keyring> ring(new Keyring());
  ring->m_self_id = std::move(self_id);
  ring->m_self = self;
  // This node's encryption keys, newest first: (secret, public).
  std::vector<std::pair<crypto::BoxSecret, crypto::PublicKey32>> own{{self.enc_secret, self.pub.enc_public}};
  for (const crypto::BoxSecret& secret : previous_own_enc) {
    crypto::PublicKey32 pub;
    crypto_scalarmult_base(pub.data(), secret.data());
    own.emplace_back(secret, pub);
  }
  for (const auto& [secret, pub] : own) ring->m_own_enc_ids.push_back(crypto::KeyIdOf(pub));
  for (PeerKeys& peer : peers) {
    if (peer.id == ring->m_self_id)
      return MakeError(Errc::kConfig, "peer list names this node itself (" + peer.id + ")");
    if (ring->m_outbound.count(peer.id))
      return MakeError(Errc::kConfig, "peer " + peer.id + " is listed twice");
    peer.sign_key_id = crypto::KeyIdOf(peer.sign_public);
    peer.enc_key_id = crypto::KeyIdOf(peer.enc_public);
    auto out = crypto::DerivePairKey(self.enc_secret, peer.enc_public, self.pub.enc_public,
                                     peer.enc_public);
    if (!out) return MakeError(Errc::kConfig, "peer " + peer.id + " has an unusable encryption key");
    ring->m_outbound.emplace(peer.id, *out);
    std::vector<crypto::PublicKey32> sender_keys{peer.enc_public};
    sender_keys.insert(sender_keys.end(), peer.previous_enc_keys.begin(), peer.previous_enc_keys.end());
    for (const crypto::PublicKey32& sender_enc : sender_keys)
      for (const auto& [own_secret, own_public] : own) {
        auto pair = crypto::DerivePairKey(own_secret, sender_enc, sender_enc, own_public);
        if (!pair) return MakeError(Errc::kConfig, "peer " + peer.id + " has an unusable encryption key");
        ring->m_inbound_all.emplace(std::make_tuple(peer.id, crypto::KeyIdOf(sender_enc), crypto::KeyIdOf(own_public)),
                                    *pair);
      }
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
  const PeerKeys* peer = FindPeer(peer_id);
  return peer ? InboundKeyFor(peer_id, peer->enc_key_id, m_self.pub.enc_key_id) : nullptr;
}

const crypto::SymmetricKey* Keyring::InboundKeyFor(std::string_view peer_id, const crypto::KeyId& sender_enc,
                                                  const crypto::KeyId& own_enc) const {
  auto it = m_inbound_all.find(std::make_tuple(std::string(peer_id), sender_enc, own_enc));
  return it == m_inbound_all.end() ? nullptr : &it->second;
}

const crypto::PublicKey32* Keyring::SigningKeyFor(const PeerKeys& peer, const crypto::KeyId& key_id) const {
  if (key_id == peer.sign_key_id) return &peer.sign_public;
  for (const crypto::PublicKey32& k : peer.previous_sign_keys)
    if (crypto::KeyIdOf(k) == key_id) return &k;
  return nullptr;
}

bool Keyring::HoldsEncryptionKey(const crypto::KeyId& own_enc) const {
  return std::find(m_own_enc_ids.begin(), m_own_enc_ids.end(), own_enc) != m_own_enc_ids.end();
}

}  // namespace tracenet::protocol
