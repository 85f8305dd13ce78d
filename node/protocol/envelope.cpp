#include "node/protocol/envelope.h"

#include "node/common/aligned_bytes.h"
#include "node/common/text.h"

#include <chrono>
#include <cstring>

#include "node/crypto/primitives.h"

namespace tracenet::protocol {

namespace {

constexpr char kSigningContext[] = "tracenet-envelope-v1";

template <size_t N>
bool CopyFixed(const flatbuffers::Vector<uint8_t>* v, std::array<uint8_t, N>& out) {
  if (!v || v->size() != N) return false;
  std::memcpy(out.data(), v->data(), N);
  return true;
}

ByteView ViewOf(const flatbuffers::Vector<uint8_t>* v) {
  return v ? ByteView(v->data(), v->size()) : ByteView();
}

void PutU64(Bytes& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

Error Reject(Errc code, std::string message) { return MakeError(code, std::move(message)); }

}  // namespace

Bytes NewMessageId() {
  // 48-bit big-endian Unix milliseconds, then 80 random bits: ids made close in time sort close
  // together, so the stores keyed by them grow at their right edge instead of dirtying random
  // pages. The time is no secret: created_at_ms stands in the same signed header.
  Bytes id(kMessageIdBytes);
  uint64_t now = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
  for (int i = 5; i >= 0; --i, now >>= 8) id[i] = static_cast<uint8_t>(now);
  crypto::RandomBytes(id.data() + 6, id.size() - 6);
  return id;
}

Bytes PeekMessageId(ByteView bytes) {
  AlignedBytes envelope(bytes);
  flatbuffers::Verifier ev(envelope.data(), envelope.size());
  if (!ev.VerifyBuffer<wire::Envelope>(nullptr)) return {};
  const wire::Envelope* env = flatbuffers::GetRoot<wire::Envelope>(envelope.data());
  if (!env->header() || env->header()->size() == 0) return {};
  AlignedBytes header(ViewOf(env->header()));
  flatbuffers::Verifier hv(header.data(), header.size());
  if (!hv.VerifyBuffer<wire::RoutingHeader>(nullptr)) return {};
  const auto* id = flatbuffers::GetRoot<wire::RoutingHeader>(header.data())->message_id();
  if (!id || id->size() != kMessageIdBytes) return {};
  return Bytes(id->begin(), id->end());
}

Bytes SigningInput(ByteView header_bytes, ByteView ciphertext) {
  Bytes input;
  input.reserve(sizeof kSigningContext + 16 + header_bytes.size() + ciphertext.size());
  input.insert(input.end(), kSigningContext, kSigningContext + sizeof kSigningContext);  // with NUL
  PutU64(input, header_bytes.size());
  input.insert(input.end(), header_bytes.begin(), header_bytes.end());
  PutU64(input, ciphertext.size());
  input.insert(input.end(), ciphertext.begin(), ciphertext.end());
  return input;
}

Result<Sealed> SealEnvelope(const Keyring& keys, std::string_view recipient,
                            wire::MessageKind kind, ByteView payload, uint64_t now_ms,
                            uint64_t ttl_ms, ByteView message_id) {
  std::array<uint8_t, crypto::kAeadNonceBytes> nonce;
  crypto::RandomBytes(nonce.data(), nonce.size());
  Bytes id = message_id.empty() ? NewMessageId() : Bytes(message_id.begin(), message_id.end());
  return SealEnvelopeWithNonce(keys, recipient, kind, payload, now_ms, ttl_ms, id, nonce);
}

Result<Sealed> SealEnvelopeWithNonce(const Keyring& keys, std::string_view recipient, wire::MessageKind kind,
                                     ByteView payload, uint64_t now_ms, uint64_t ttl_ms, ByteView message_id,
                                     const std::array<uint8_t, crypto::kAeadNonceBytes>& nonce) {
  const PeerKeys* peer = keys.FindPeer(recipient);
  const crypto::SymmetricKey* pair = keys.OutboundKey(recipient);
  if (!peer || !pair) return Reject(Errc::kUnknownSender, "no keys for recipient " + std::string(recipient));
  if (kind == wire::MessageKind::Unspecified)
    return Reject(Errc::kInvalidArgument, "message kind must be specified");
  Bytes id(message_id.begin(), message_id.end());
  if (id.size() != kMessageIdBytes) return Reject(Errc::kInvalidArgument, "message id must be 16 bytes");

  crypto::SymmetricKey message_key = crypto::DeriveMessageKey(*pair, id);
  crypto::Hash32 commitment = crypto::CommitToKey(message_key);
  const crypto::PublicIdentity& self = keys.self().pub;

  flatbuffers::FlatBufferBuilder hb(256);
  // Each part is built in its own statement: the order of function arguments is unspecified (gcc
  // and clang differ), and the bytes must be the same from every build (schema/test-vectors).
  auto id_field = hb.CreateVector(id);
  auto sender_field = hb.CreateString(keys.self_id());
  auto recipient_field = hb.CreateString(recipient.data(), recipient.size());
  auto sign_key_field = hb.CreateVector(self.sign_key_id.data(), self.sign_key_id.size());
  auto enc_key_field = hb.CreateVector(self.enc_key_id.data(), self.enc_key_id.size());
  auto peer_key_field = hb.CreateVector(peer->enc_key_id.data(), peer->enc_key_id.size());
  auto commitment_field = hb.CreateVector(commitment.data(), commitment.size());
  auto header = wire::CreateRoutingHeader(hb, kProtocolVersion, id_field, sender_field, recipient_field, kind, now_ms,
                                          now_ms + ttl_ms, sign_key_field, enc_key_field, peer_key_field,
                                          commitment_field, static_cast<uint32_t>(payload.size()));
  hb.Finish(header);
  ByteView header_bytes(hb.GetBufferPointer(), hb.GetSize());

  Bytes ciphertext = crypto::AeadSealWithNonce(message_key, nonce, header_bytes, payload);
  crypto::Signature sig = crypto::Sign(keys.self().sign_secret, SigningInput(header_bytes, ciphertext));

  flatbuffers::FlatBufferBuilder eb(header_bytes.size() + ciphertext.size() + 160);
  auto header_field = eb.CreateVector(header_bytes.data(), header_bytes.size());
  auto ciphertext_field = eb.CreateVector(ciphertext);
  auto signature_field = eb.CreateVector(sig.data(), sig.size());
  auto env = wire::CreateEnvelope(eb, header_field, ciphertext_field, signature_field);
  eb.Finish(env);
  Sealed out;
  out.message_id = std::move(id);
  out.expires_at_ms = now_ms + ttl_ms;
  out.bytes.assign(eb.GetBufferPointer(), eb.GetBufferPointer() + eb.GetSize());
  return out;
}

Status CheckLifetime(const Header& h, uint64_t now_ms, uint64_t max_clock_skew_ms, uint64_t max_ttl_ms) {
  if (max_ttl_ms == 0) return Status::Ok();
  if (h.expires_at_ms - h.created_at_ms > max_ttl_ms + max_clock_skew_ms ||
      h.expires_at_ms > now_ms + max_ttl_ms + max_clock_skew_ms)
    return MakeError(Errc::kMalformed, "message lives until " + FormatUtc(h.expires_at_ms) + ", longer than the " +
                                           std::to_string(max_ttl_ms / 3'600'000) + " h the federation allows");
  return Status::Ok();
}

Result<EnvelopeView> ParseEnvelope(ByteView bytes, size_t max_bytes) {
  if (bytes.size() > max_bytes)
    return Reject(Errc::kOversized, "envelope of " + std::to_string(bytes.size()) +
                                        " bytes exceeds the limit of " + std::to_string(max_bytes));
  // Both the envelope and the header nested in it start wherever their sender put them: each is
  // read from an aligned copy when it is not aligned, and the views kept point into `bytes`.
  AlignedBytes envelope(bytes);
  flatbuffers::Verifier ev(envelope.data(), envelope.size());
  if (!ev.VerifyBuffer<wire::Envelope>(nullptr))
    return Reject(Errc::kMalformed, "envelope is not a valid Envelope FlatBuffer");
  const wire::Envelope* env = flatbuffers::GetRoot<wire::Envelope>(envelope.data());
  EnvelopeView view;
  view.header_bytes = envelope.InOriginal(ViewOf(env->header()));
  view.ciphertext = envelope.InOriginal(ViewOf(env->ciphertext()));
  view.signature = envelope.InOriginal(ViewOf(env->signature()));
  if (view.header_bytes.empty()) return Reject(Errc::kMalformed, "envelope has no header");
  if (view.signature.size() != 64) return Reject(Errc::kMalformed, "signature must be 64 bytes");
  AlignedBytes header(view.header_bytes);
  flatbuffers::Verifier hv(header.data(), header.size());
  if (!hv.VerifyBuffer<wire::RoutingHeader>(nullptr))
    return Reject(Errc::kMalformed, "header is not a valid RoutingHeader FlatBuffer");
  const wire::RoutingHeader* h = flatbuffers::GetRoot<wire::RoutingHeader>(header.data());
  Header& out = view.header;
  out.protocol_version = h->protocol_version();
  if (out.protocol_version != kProtocolVersion)
    return Reject(Errc::kUnsupportedVersion,
                  "protocol version " + std::to_string(out.protocol_version) + " is not supported (this node speaks 1)");
  if (!h->message_id() || h->message_id()->size() != kMessageIdBytes)
    return Reject(Errc::kMalformed, "message_id must be 16 bytes");
  out.message_id.assign(h->message_id()->begin(), h->message_id()->end());
  if (!h->sender() || h->sender()->size() == 0) return Reject(Errc::kMalformed, "sender is missing");
  if (!h->recipient() || h->recipient()->size() == 0) return Reject(Errc::kMalformed, "recipient is missing");
  out.sender = h->sender()->str();
  out.recipient = h->recipient()->str();
  // Member ids end up in logs, audit entries and JSON: a plain id, or nothing is read further.
  if (!IsMemberId(out.sender)) return Reject(Errc::kMalformed, "sender is not a member id (1-64 of A-Z a-z 0-9 . _ -)");
  if (!IsMemberId(out.recipient))
    return Reject(Errc::kMalformed, "recipient is not a member id (1-64 of A-Z a-z 0-9 . _ -)");
  out.kind = h->kind();
  if (out.kind == wire::MessageKind::Unspecified || out.kind > wire::MessageKind::MAX)
    return Reject(Errc::kMalformed, "message kind is unspecified or unknown");
  out.created_at_ms = h->created_at_ms();
  out.expires_at_ms = h->expires_at_ms();
  if (out.expires_at_ms <= out.created_at_ms)
    return Reject(Errc::kMalformed, "expires_at_ms must be after created_at_ms");
  if (!CopyFixed(h->sender_sign_key_id(), out.sender_sign_key_id) ||
      !CopyFixed(h->sender_enc_key_id(), out.sender_enc_key_id) ||
      !CopyFixed(h->recipient_enc_key_id(), out.recipient_enc_key_id))
    return Reject(Errc::kMalformed, "key ids must be 8 bytes");
  if (!CopyFixed(h->key_commitment(), out.key_commitment))
    return Reject(Errc::kMalformed, "key_commitment must be 32 bytes");
  out.payload_size = h->payload_size();
  if (view.ciphertext.size() != crypto::kAeadNonceBytes + out.payload_size + crypto::kAeadTagBytes)
    return Reject(Errc::kMalformed, "ciphertext length does not match payload_size");
  return view;
}

Result<Opened> OpenEnvelope(ByteView bytes, const Keyring& keys, const OpenOptions& options) {
  auto parsed = ParseEnvelope(bytes, options.max_bytes);
  if (!parsed) return parsed.error();
  const EnvelopeView& view = *parsed;
  const Header& h = view.header;
  if (h.recipient != keys.self_id())
    return Reject(Errc::kWrongRecipient, "message is for " + h.recipient + ", this node is " + keys.self_id());
  const PeerKeys* sender = keys.FindPeer(h.sender);
  if (!sender) return Reject(Errc::kUnknownSender, "sender " + h.sender + " is not a known member");
  const crypto::PublicKey32* signing_key = keys.SigningKeyFor(*sender, h.sender_sign_key_id);
  if (!signing_key) return Reject(Errc::kUnknownSender, "signing key id is not a valid key of " + h.sender);
  if (!crypto::Verify(*signing_key, SigningInput(view.header_bytes, view.ciphertext), view.signature))
    return Reject(Errc::kBadSignature, "signature by " + h.sender + " does not verify over header and ciphertext");
  if (h.created_at_ms > options.now_ms + options.max_clock_skew_ms)
    return Reject(Errc::kNotYetValid, "message was created " +
                                          std::to_string((h.created_at_ms - options.now_ms) / 1000) +
                                          " s in the future, beyond the clock-skew window");
  if (h.expires_at_ms <= options.now_ms)
    return Reject(Errc::kExpired, "message expired at " + FormatUtc(h.expires_at_ms));
  if (Status s = CheckLifetime(h, options.now_ms, options.max_clock_skew_ms, options.max_ttl_ms); !s) return s.error();
  if (!keys.HoldsEncryptionKey(h.recipient_enc_key_id))
    return Reject(Errc::kUnknownRecipientKey, "message is encrypted to a key this node does not hold");
  const crypto::SymmetricKey* pair = keys.InboundKeyFor(h.sender, h.sender_enc_key_id, h.recipient_enc_key_id);
  if (!pair) return Reject(Errc::kUnknownSender, "sender encryption key id is not a valid key of " + h.sender);
  crypto::SymmetricKey message_key = crypto::DeriveMessageKey(*pair, h.message_id);
  if (crypto::CommitToKey(message_key) != h.key_commitment)
    return Reject(Errc::kDecryptFailed, "key commitment does not match the derived message key");
  auto plaintext = crypto::AeadOpen(message_key, view.header_bytes, view.ciphertext);
  if (!plaintext) return plaintext.error();
  Opened out;
  out.header = h;
  out.payload = std::move(plaintext.value());
  out.envelope_hash = crypto::Hash256(bytes);
  out.envelope = bytes;
  return out;
}

Result<crypto::SymmetricKey> DiscloseMessageKey(const Keyring& keys, const EnvelopeView& envelope) {
  const Header& h = envelope.header;
  // Its recipient derives it with the sender's key; its sender with the recipient's.
  const crypto::SymmetricKey* pair = h.sender == keys.self_id()
                                         ? keys.OutboundKey(h.recipient)
                                         : keys.InboundKeyFor(h.sender, h.sender_enc_key_id, h.recipient_enc_key_id);
  if (!pair) return Reject(Errc::kUnknownSender, "no pair key for " + h.sender + " to " + h.recipient);
  crypto::SymmetricKey key = crypto::DeriveMessageKey(*pair, h.message_id);
  if (crypto::CommitToKey(key) != h.key_commitment)
    return Reject(Errc::kDecryptFailed, "the key of message " + ToHex(h.message_id) +
                                            " can no longer be derived (the keys it was sealed with have been rotated)");
  return key;
}

Result<Bytes> VerifyDisclosedMessage(ByteView envelope_bytes, ByteView sender_sign_public,
                                     const crypto::SymmetricKey& message_key) {
  auto parsed = ParseEnvelope(envelope_bytes, envelope_bytes.size());
  if (!parsed) return parsed.error();
  if (crypto::KeyIdOf(sender_sign_public) != parsed->header.sender_sign_key_id)
    return Reject(Errc::kUnknownSender, "the given public key is not the key that signed");
  if (!crypto::Verify(sender_sign_public, SigningInput(parsed->header_bytes, parsed->ciphertext),
                      parsed->signature))
    return Reject(Errc::kBadSignature, "signature does not verify");
  if (crypto::CommitToKey(message_key) != parsed->header.key_commitment)
    return Reject(Errc::kDecryptFailed, "disclosed key does not match the signed commitment");
  return crypto::AeadOpen(message_key, parsed->header_bytes, parsed->ciphertext);
}

Result<Bytes> OpenOwnEnvelope(ByteView bytes, const Keyring& keys) {
  auto parsed = ParseEnvelope(bytes, bytes.size());
  if (!parsed) return parsed.error();
  if (parsed->header.sender != keys.self_id())
    return MakeError(Errc::kSenderMismatch, "the envelope was sealed by " + parsed->header.sender + ", not this node");
  const crypto::SymmetricKey* pair = keys.OutboundKey(parsed->header.recipient);
  if (!pair) return MakeError(Errc::kUnknownRecipientKey, "no keys for " + parsed->header.recipient + " any more");
  crypto::SymmetricKey message_key = crypto::DeriveMessageKey(*pair, parsed->header.message_id);
  return crypto::AeadOpen(message_key, parsed->header_bytes, parsed->ciphertext);
}

}  // namespace tracenet::protocol
