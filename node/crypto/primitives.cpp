#include "node/crypto/primitives.h"

#include <cstring>

namespace tracenet::crypto {

namespace {
constexpr char kPairLabel[] = "tracenet-pair-v1";
constexpr char kMessageLabel[] = "tracenet-msg-v1";
constexpr char kCommitLabel[] = "tracenet-commit-v1";
}  // namespace

Status Init() {
  if (sodium_init() < 0) return MakeError(Errc::kInternal, "libsodium failed to initialise");
  return Status::Ok();
}

Hash32 Hash256(ByteView data) {
  Hash32 out;
  crypto_generichash(out.data(), out.size(), data.data(), data.size(), nullptr, 0);
  return out;
}

KeyId KeyIdOf(ByteView public_key) {
  Hash32 h = Hash256(public_key);
  KeyId id;
  std::memcpy(id.data(), h.data(), id.size());
  return id;
}

Signature Sign(const SigningSecret& secret, ByteView message) {
  Signature sig;
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret.data());
  return sig;
}

bool Verify(ByteView public_key, ByteView message, ByteView signature) {
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES)
    return false;
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     public_key.data()) == 0;
}

Result<SymmetricKey> DerivePairKey(const BoxSecret& own_secret, const PublicKey32& peer_public,
                                   const PublicKey32& sender_public,
                                   const PublicKey32& recipient_public) {
  Secret<32> shared;
  if (crypto_scalarmult(shared.data(), own_secret.data(), peer_public.data()) != 0)
    return MakeError(Errc::kInvalidArgument, "peer encryption key is a low-order point");
  SymmetricKey pair;
  crypto_generichash_state state;
  crypto_generichash_init(&state, shared.data(), shared.size(), pair.size());
  crypto_generichash_update(&state, reinterpret_cast<const uint8_t*>(kPairLabel),
                            sizeof kPairLabel - 1);
  crypto_generichash_update(&state, sender_public.data(), sender_public.size());
  crypto_generichash_update(&state, recipient_public.data(), recipient_public.size());
  crypto_generichash_final(&state, pair.data(), pair.size());
  sodium_memzero(&state, sizeof state);
  return pair;
}

SymmetricKey DeriveMessageKey(const SymmetricKey& pair_key, ByteView message_id) {
  SymmetricKey key;
  crypto_generichash_state state;
  crypto_generichash_init(&state, pair_key.data(), pair_key.size(), key.size());
  crypto_generichash_update(&state, reinterpret_cast<const uint8_t*>(kMessageLabel),
                            sizeof kMessageLabel - 1);
  crypto_generichash_update(&state, message_id.data(), message_id.size());
  crypto_generichash_final(&state, key.data(), key.size());
  sodium_memzero(&state, sizeof state);
  return key;
}

Hash32 CommitToKey(const SymmetricKey& message_key) {
  Hash32 out;
  crypto_generichash(out.data(), out.size(), message_key.data(), message_key.size(),
                     reinterpret_cast<const uint8_t*>(kCommitLabel), sizeof kCommitLabel - 1);
  return out;
}

Bytes AeadSeal(const SymmetricKey& key, ByteView ad, ByteView plaintext) {
  std::array<uint8_t, kAeadNonceBytes> nonce;
  randombytes_buf(nonce.data(), nonce.size());
  return AeadSealWithNonce(key, nonce, ad, plaintext);
}

Bytes AeadSealWithNonce(const SymmetricKey& key, const std::array<uint8_t, kAeadNonceBytes>& nonce, ByteView ad,
                        ByteView plaintext) {
  Bytes out(kAeadNonceBytes + plaintext.size() + kAeadTagBytes);
  std::memcpy(out.data(), nonce.data(), nonce.size());
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + kAeadNonceBytes, &written,
                                             plaintext.data(), plaintext.size(), ad.data(),
                                             ad.size(), nullptr, out.data(), key.data());
  out.resize(kAeadNonceBytes + written);
  return out;
}

Result<Bytes> AeadOpen(const SymmetricKey& key, ByteView ad, ByteView sealed) {
  if (sealed.size() < kAeadNonceBytes + kAeadTagBytes)
    return MakeError(Errc::kDecryptFailed, "ciphertext shorter than nonce and tag");
  Bytes out(sealed.size() - kAeadNonceBytes - kAeadTagBytes);
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          out.data(), &written, nullptr, sealed.data() + kAeadNonceBytes,
          sealed.size() - kAeadNonceBytes, ad.data(), ad.size(), sealed.data(), key.data()) != 0)
    return MakeError(Errc::kDecryptFailed, "ciphertext does not authenticate under the key");
  out.resize(written);
  return out;
}

void RandomBytes(uint8_t* out, size_t size) { randombytes_buf(out, size); }

}  // namespace tracenet::crypto
