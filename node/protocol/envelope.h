// Building and opening signed, end-to-end encrypted envelopes (schema/envelope.fbs).
// The exact rules are in schema/README.md: this file is their implementation.
// Thread-safety: free functions over immutable inputs.
#pragma once

#include <cstdint>
#include <string>

#include "node/common/bytes.h"
#include "node/common/clock.h"
#include "node/common/result.h"
#include "node/crypto/primitives.h"
#include "node/protocol/keyring.h"
#include "node/protocol/wire.h"

namespace tracenet::protocol {


inline constexpr uint16_t kProtocolVersion = 1;
inline constexpr size_t kMessageIdBytes = 16;

struct Header {
  uint16_t protocol_version = 0;
  Bytes message_id;
  std::string sender;
  std::string recipient;
  wire::MessageKind kind = wire::MessageKind::Unspecified;
  uint64_t created_at_ms = 0;
  uint64_t expires_at_ms = 0;
  crypto::KeyId sender_sign_key_id{};
  crypto::KeyId sender_enc_key_id{};
  crypto::KeyId recipient_enc_key_id{};
  crypto::Hash32 key_commitment{};
  uint32_t payload_size = 0;
};

// Zero-copy view of a structurally valid envelope; spans point into the caller's buffer.
struct EnvelopeView {
  Header header;
  ByteView header_bytes;
  ByteView ciphertext;
  ByteView signature;
};

struct Sealed {
  Bytes message_id;
  uint64_t expires_at_ms = 0;
  Bytes bytes;  // the Envelope FlatBuffer
};

struct Opened {
  Header header;
  Bytes payload;
  crypto::Hash32 envelope_hash{};  // BLAKE2b-256 of the envelope bytes as received
  ByteView envelope;               // those bytes: points into the caller's buffer, valid as long as it is
};

// 16 bytes: 48-bit big-endian Unix milliseconds, then 80 random bits (unique, time-ordered).
Bytes NewMessageId();

// Encrypts `payload` to `recipient` and signs the result with this node's key.
// `message_id` may be given (16 bytes) so a caller can name the message before sealing it.
Result<Sealed> SealEnvelope(const Keyring& keys, std::string_view recipient,
                            wire::MessageKind kind, ByteView payload, uint64_t now_ms,
                            uint64_t ttl_ms, ByteView message_id = {});

// SealEnvelope with a fixed nonce and message id: only for reproducible examples
// (schema/test-vectors), never for a message that is sent.
Result<Sealed> SealEnvelopeWithNonce(const Keyring& keys, std::string_view recipient, wire::MessageKind kind,
                                     ByteView payload, uint64_t now_ms, uint64_t ttl_ms, ByteView message_id,
                                     const std::array<uint8_t, crypto::kAeadNonceBytes>& nonce);

// Structure only: size limit, FlatBuffers verification of the envelope and its header, protocol
// version, field lengths and a known kind. No keys needed (a relay can call it).
Result<EnvelopeView> ParseEnvelope(ByteView bytes, size_t max_bytes);

// The message id of an envelope that may break any other rule (oversized, another protocol
// version, kind 0, a wrong payload_size ...), so a refusal can name it (schema/README.md §1);
// empty when the Envelope or its RoutingHeader is not a FlatBuffer or the id is not 16 bytes.
Bytes PeekMessageId(ByteView bytes);

// The exact bytes the Ed25519 signature covers.
Bytes SigningInput(ByteView header_bytes, ByteView ciphertext);

// Refuses a lifetime (created -> expires) longer than `max_ttl_ms`, or an expiry beyond
// now + `max_ttl_ms` (each with the clock-skew allowance); 0 allows any.
Status CheckLifetime(const Header& h, uint64_t now_ms, uint64_t max_clock_skew_ms, uint64_t max_ttl_ms);

struct OpenOptions {
  uint64_t now_ms = 0;
  uint64_t max_clock_skew_ms = 5 * 60 * 1000;
  size_t max_bytes = 1 << 20;
  // The longest lifetime a sender may give a message (0: no limit). Message ids are remembered
  // until expiry to refuse replays, so the sender must not choose how long that is.
  uint64_t max_ttl_ms = 0;
};

// Everything a final recipient checks, in order: structure, recipient, sender and its key,
// signature over the exact received bytes, freshness, the recipient key, key commitment,
// decryption, and payload length. The error names the first check that failed.
Result<Opened> OpenEnvelope(ByteView bytes, const Keyring& keys, const OpenOptions& options);

// The payload of an envelope this node sealed itself (to resend a dead letter under the same
// message id): the sender derives the same per-message key as the recipient.
Result<Bytes> OpenOwnEnvelope(ByteView bytes, const Keyring& keys);

// Non-repudiation: the recipient (or the sender) discloses the key of one message ...
Result<crypto::SymmetricKey> DiscloseMessageKey(const Keyring& keys, const EnvelopeView& envelope);
// ... and anyone holding the sender's public signing key checks the envelope with it.
Result<Bytes> VerifyDisclosedMessage(ByteView envelope_bytes, ByteView sender_sign_public,
                                     const crypto::SymmetricKey& message_key);

}  // namespace tracenet::protocol
