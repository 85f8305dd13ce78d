// Fixed-size secret key material that wipes itself and never prints.
// Thread-safety: plain value type; do not share mutable instances across threads.
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <span>

namespace tracenet::crypto {

template <size_t N>
class Secret {
 public:
  Secret() { m_bytes.fill(0); }
  explicit Secret(std::span<const uint8_t, N> bytes) { std::memcpy(m_bytes.data(), bytes.data(), N); }
  Secret(const Secret& other) { m_bytes = other.m_bytes; }
  Secret& operator=(const Secret& other) {
    m_bytes = other.m_bytes;
    return *this;
  }
  ~Secret() { sodium_memzero(m_bytes.data(), N); }

  uint8_t* data() { return m_bytes.data(); }
  const uint8_t* data() const { return m_bytes.data(); }
  static constexpr size_t size() { return N; }
  std::span<const uint8_t, N> view() const { return std::span<const uint8_t, N>(m_bytes); }

 private:
  std::array<uint8_t, N> m_bytes;
};

using PublicKey32 = std::array<uint8_t, 32>;
using KeyId = std::array<uint8_t, 8>;
using Hash32 = std::array<uint8_t, 32>;
using Signature = std::array<uint8_t, 64>;

using SigningSecret = Secret<crypto_sign_SECRETKEYBYTES>;  // Ed25519 (seed + public key)
using BoxSecret = Secret<32>;                                // X25519
using SymmetricKey = Secret<32>;                             // AEAD / BLAKE2b keys

}  // namespace tracenet::crypto
