// The keys a node knows: its own identity and its peers' public keys, with the directional
// pair keys precomputed once per peer (an X25519 operation costs ~10x an AEAD of 1 KiB).
// Thread-safety: immutable after construction; share it read-only between threads.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "node/crypto/identity.h"

namespace tracenet::protocol {

struct PeerKeys {
  std::string id;
  std::string country;
  std::string endpoint;  // empty for a peer that only connects out
  std::string role = "national";        // "hub": relays envelopes it cannot read
  std::vector<std::string> home_hubs;   // hubs that hold its messages, in order of preference
  crypto::PublicKey32 sign_public{};
  crypto::PublicKey32 enc_public{};
  crypto::PublicKey32 transport_public{};
  crypto::KeyId sign_key_id{};
  crypto::KeyId enc_key_id{};
  // During a key rotation: older keys still inside their validity period. Envelopes signed or
  // encrypted with them are accepted; this node always seals and verifies against the newest.
  std::vector<crypto::PublicKey32> previous_sign_keys;
  std::vector<crypto::PublicKey32> previous_enc_keys;
};

class Keyring {
 public:
  // Fails when a peer key is unusable (a low-order X25519 point) or an id repeats.
  // `previous_own_enc` are this node's encryption secrets from before its own key rotation,
  // kept while peers may still encrypt to them.
  static Result<std::shared_ptr<const Keyring>> Create(std::string self_id,
                                                       const crypto::Identity& self,
                                                       std::vector<PeerKeys> peers,
                                                       std::vector<crypto::BoxSecret> previous_own_enc = {});

  const std::string& self_id() const { return m_self_id; }
  const crypto::Identity& self() const { return m_self; }
  const PeerKeys* FindPeer(std::string_view id) const;
  const PeerKeys* FindPeerByTransportKey(const crypto::PublicKey32& key) const;
  const std::vector<PeerKeys>& peers() const { return m_peers; }
  // Key for messages from this node to `peer_id` / from `peer_id` to this node; null if unknown.
  const crypto::SymmetricKey* OutboundKey(std::string_view peer_id) const;
  const crypto::SymmetricKey* InboundKey(std::string_view peer_id) const;
  // The key for messages from `peer_id` encrypted with its key `sender_enc` to this node's key
  // `own_enc` (either may be from before a rotation); null when that pair is not valid now.
  const crypto::SymmetricKey* InboundKeyFor(std::string_view peer_id, const crypto::KeyId& sender_enc,
                                            const crypto::KeyId& own_enc) const;
  // The peer's signing key with this id (the newest or one inside its overlap), or null.
  const crypto::PublicKey32* SigningKeyFor(const PeerKeys& peer, const crypto::KeyId& key_id) const;
  bool HoldsEncryptionKey(const crypto::KeyId& own_enc) const;

 private:
  Keyring() = default;
  std::string m_self_id;
  crypto::Identity m_self;
  std::vector<PeerKeys> m_peers;
  std::map<std::string, crypto::SymmetricKey, std::less<>> m_outbound;
  // (peer id, sender encryption key id, own encryption key id) -> pair key, for every valid pair.
  std::map<std::tuple<std::string, crypto::KeyId, crypto::KeyId>, crypto::SymmetricKey, std::less<>> m_inbound_all;
  std::vector<crypto::KeyId> m_own_enc_ids;
};

// The keyring in force, read by every thread (the loop, its work pool, API callers sealing a
// submission, the ZAP handler) and replaced whole when the directory changes. A Keyring is
// immutable once created; a reader takes a reference to the current one under a short lock and
// uses it for as long as it needs, so a replacement never changes or frees what a reader holds.
// Thread-safety: all members may be called from any thread.
class KeyringHolder {
 public:
  explicit KeyringHolder(std::shared_ptr<const Keyring> keys) : m_keys(std::move(keys)) {}
  std::shared_ptr<const Keyring> Get() const {
    std::lock_guard lock(m_mutex);
    return m_keys;
  }
  void Set(std::shared_ptr<const Keyring> keys) {
    {
      std::lock_guard lock(m_mutex);
      m_keys.swap(keys);
    }
    // The previous keyring is released here, outside the lock (its last reader may be elsewhere).
  }

 private:
  mutable std::mutex m_mutex;
  std::shared_ptr<const Keyring> m_keys;
};

}  // namespace tracenet::protocol
