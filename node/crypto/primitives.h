// The cryptographic operations tracenet uses, each a thin call into libsodium:
// Ed25519 signatures, X25519 pair keys, BLAKE2b hashing and key derivation, and
// XChaCha20-Poly1305 AEAD. The protocol layer composes them; see schema/README.md.
// Thread-safety: stateless after Init().
#pragma once

#include "node/common/bytes.h"
#include "node/common/result.h"
#include "node/crypto/secret.h"

namespace tracenet::crypto {

// Must be called once before any other function here; safe to call repeatedly.
Status Init();

Hash32 Hash256(ByteView data);
// First 8 bytes of BLAKE2b-256 of a public key: the id by which headers name keys.
KeyId KeyIdOf(ByteView public_key);

Signature Sign(const SigningSecret& secret, ByteView message);
// Returns false for any signature that does not verify, including wrong lengths.
bool Verify(ByteView public_key, ByteView message, ByteView signature);

// The directional key for messages from `sender_public` to `recipient_public`, derived from the
// X25519 shared secret. Both ends compute the same value: the sender with its own secret and the
// recipient's public key, the recipient with its own secret and the sender's public key.
Result<SymmetricKey> DerivePairKey(const BoxSecret& own_secret, const PublicKey32& peer_public,
                                   const PublicKey32& sender_public,
                                   const PublicKey32& recipient_public);
// The key for one message: BLAKE2b-256 keyed with the pair key over a label and the message id.
// Revealing it discloses that message only.
SymmetricKey DeriveMessageKey(const SymmetricKey& pair_key, ByteView message_id);
// A commitment to a message key, carried in the signed header so a revealed key can be checked.
Hash32 CommitToKey(const SymmetricKey& message_key);

inline constexpr size_t kAeadNonceBytes = 24;
inline constexpr size_t kAeadTagBytes = 16;
// Output: 24-byte random nonce || ciphertext || 16-byte tag; `ad` is authenticated, not encrypted.
Bytes AeadSeal(const SymmetricKey& key, ByteView ad, ByteView plaintext);
// The same with a nonce the caller chose: only for reproducible examples (schema/test-vectors).
// A nonce must never repeat under one key; AeadSeal draws a fresh one.
Bytes AeadSealWithNonce(const SymmetricKey& key, const std::array<uint8_t, kAeadNonceBytes>& nonce, ByteView ad,
                        ByteView plaintext);
Result<Bytes> AeadOpen(const SymmetricKey& key, ByteView ad, ByteView sealed);

void RandomBytes(uint8_t* out, size_t size);

}  // namespace tracenet::crypto
