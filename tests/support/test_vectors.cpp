#include "tests/support/test_vectors.h"

#include <sodium.h>
#include <zmq.h>

#include <functional>

#include "node/crypto/primitives.h"
#include "node/directory/directory_trust.h"
#include "node/protocol/wire.h"
#include "node/stolen_exchange/record_signing.h"

namespace tracenet::test_support {

const Member kVectorMex{"MEX-FGR", "national", 3, {"HUB-LYON"}};
const Member kVectorKen{"KEN-NFB", "national", 1, {"HUB-LYON"}};
const Member kVectorHub{"HUB-LYON", "hub", 2, {}};

namespace {

namespace pw = protocol::wire;
using Json = nlohmann::ordered_json;

constexpr uint64_t kTtlMs = 3'600'000;
const Member kStranger{"ZZZ-UNLISTED", "national", 9, {}};

std::string Hex(ByteView bytes) { return ToHex(bytes); }
template <size_t N>
std::string Hex(const std::array<uint8_t, N>& a) { return ToHex(ByteView(a.data(), a.size())); }

// Message ids as §2 makes them: 48-bit big-endian milliseconds, then (here) a fixed tail.
Bytes IdOf(uint8_t n) {
  Bytes id(16, n);
  uint64_t t = kVectorNowMs;
  for (int i = 5; i >= 0; --i, t >>= 8) id[i] = static_cast<uint8_t>(t);
  return id;
}

std::array<uint8_t, crypto::kAeadNonceBytes> NonceOf(uint8_t n) {
  std::array<uint8_t, crypto::kAeadNonceBytes> nonce;
  nonce.fill(n);
  return nonce;
}

std::shared_ptr<const protocol::Keyring> Ring(const Member& self) {
  std::vector<Member> others;
  for (const Member& m : {kVectorMex, kVectorKen, kVectorHub})
    if (m.id != self.id) others.push_back(m);
  return KeyringOf(self, others);
}

protocol::Sealed Seal(const Member& from, const Member& to, pw::MessageKind kind, const Bytes& payload, uint8_t n,
                      uint64_t ttl_ms = kTtlMs) {
  auto keys = from.id == kStranger.id ? KeyringOf(kStranger, {kVectorKen}) : Ring(from);
  auto sealed = protocol::SealEnvelopeWithNonce(*keys, to.id, kind, payload, kVectorNowMs, ttl_ms, IdOf(n), NonceOf(n));
  if (!sealed) throw std::runtime_error("cannot seal a test vector: " + sealed.error().message);
  return *sealed;
}

// The envelope with one byte of its signature (or, `in_ciphertext`, of its ciphertext) flipped.
Bytes Flipped(ByteView envelope, bool in_ciphertext) {
  const pw::Envelope* env = flatbuffers::GetRoot<pw::Envelope>(envelope.data());
  Bytes ciphertext(env->ciphertext()->begin(), env->ciphertext()->end());
  Bytes signature(env->signature()->begin(), env->signature()->end());
  (in_ciphertext ? ciphertext[30] : signature[5]) ^= 0x01;
  flatbuffers::FlatBufferBuilder eb;
  auto header_field = eb.CreateVector(env->header()->data(), env->header()->size());
  auto ciphertext_field = eb.CreateVector(ciphertext);
  auto signature_field = eb.CreateVector(signature);
  eb.Finish(pw::CreateEnvelope(eb, header_field, ciphertext_field, signature_field));
  return Bytes(eb.GetBufferPointer(), eb.GetBufferPointer() + eb.GetSize());
}

Json KeysOf(const Member& m) {
  crypto::Identity id = FixedIdentity(m.seed);
  char z85[41] = {};
  zmq_z85_encode(z85, id.pub.transport_public.data(), id.pub.transport_public.size());
  return {{"id", m.id},
          {"role", m.role},
          {"sign_seed", Hex(FixedSeed(m.seed, 1))},
          {"sign_public", Hex(id.pub.sign_public)},
          {"sign_key_id", Hex(id.pub.sign_key_id)},
          {"enc_secret", Hex(ByteView(id.enc_secret.data(), id.enc_secret.size()))},
          {"enc_public", Hex(id.pub.enc_public)},
          {"enc_key_id", Hex(id.pub.enc_key_id)},
          {"transport_public", Hex(id.pub.transport_public)},
          {"transport_public_z85", z85}};
}

pw::TraceRequestT Request() {
  pw::TraceRequestT r = SampleRequest("VEC-0001");
  r.request_id = ToHex(IdOf(1));
  r.requesting_state = kVectorMex.id;
  r.requested_at_ms = kVectorNowMs;
  r.weapon->model = "19";
  r.weapon->calibre = "9x19mm";
  return r;
}

stolen::StolenRecord StolenRecordOf() {
  stolen::StolenRecord r;
  r.owner = kVectorMex.id;
  r.owner_ref = "MX-2026-0042";
  r.serial = "BUY0900";
  r.make = "Colt";
  r.model = "M1911";
  r.type = "pistol";
  r.calibre = ".45 ACP";
  r.event_date = "2026-03-01";
  r.version_ms = kVectorNowMs - 86'400'000;
  stolen::SignRecord(r, FixedIdentity(kVectorMex.seed).sign_secret);
  return r;
}

std::unique_ptr<pw::SignedStolenRecordT> SignedRecordOf(const stolen::StolenRecord& r) {
  auto s = std::make_unique<pw::SignedStolenRecordT>();
  s->record = stolen::EncodeRecord(r);
  s->owner_signature = r.owner_signature;
  return s;
}

pw::StolenSearchT SearchOf() {
  pw::StolenSearchT s;
  s.search_id = "KE-SEARCH-7";
  s.serial = "BUY09?0";
  s.make = "Colt";
  s.priority = pw::Priority::Routine;
  s.case_reference = "KE/NFB/2026/311";
  s.seizure_place = "Mombasa port";
  return s;
}

struct ValidMessage {
  std::string name;
  const Member* from;
  const Member* to;
  pw::MessageKind kind;
  Bytes payload;
};

// One message of every kind, each from the role §12 allows to the role that receives it.
std::vector<ValidMessage> ValidMessages(const crypto::Hash32& request_hash) {
  using protocol::PackPayload;
  std::vector<ValidMessage> out;
  out.push_back({"trace_request", &kVectorMex, &kVectorKen, pw::MessageKind::TraceRequest, PackPayload<pw::TraceRequest>(Request())});
  pw::TraceAcknowledgementT ack;
  ack.request_message_id = IdOf(1);
  ack.request_id = ToHex(IdOf(1));
  ack.received_at_ms = kVectorNowMs;
  ack.point_of_contact = "NFB tracing desk, +254 20 000 0000";
  ack.validation = pw::Validation::Accepted;
  ack.expected_response_at_ms = kVectorNowMs + 30 * 86'400'000ull;
  out.push_back({"trace_acknowledgement", &kVectorKen, &kVectorMex, pw::MessageKind::TraceAcknowledgement,
                 PackPayload<pw::TraceAcknowledgement>(ack)});
  pw::TraceAcknowledgementBatchT batch;
  for (uint8_t n : {uint8_t{1}, uint8_t{21}}) {
    auto one = std::make_unique<pw::TraceAcknowledgementT>(ack);
    one->request_message_id = IdOf(n);
    one->request_id = ToHex(IdOf(n));
    batch.acknowledgements.push_back(std::move(one));
  }
  out.push_back({"trace_acknowledgement_batch", &kVectorKen, &kVectorMex, pw::MessageKind::TraceAcknowledgementBatch,
                 PackPayload<pw::TraceAcknowledgementBatch>(batch)});
  pw::TraceResponseT response;
  response.request_message_id = IdOf(1);
  response.request_id = ToHex(IdOf(1));
  response.responded_at_ms = kVectorNowMs;
  response.outcome = pw::TraceOutcome::Found;
  response.reason = pw::OutcomeReason::None;
  auto link = std::make_unique<pw::CustodyLinkT>();
  link->role = pw::CustodyRole::Importer;
  link->name = "Nairobi Arms Ltd";
  link->country = "KE";
  link->date_in = "2019-05-02";
  response.custody_chain.push_back(std::move(link));
  out.push_back({"trace_response", &kVectorKen, &kVectorMex, pw::MessageKind::TraceResponse, PackPayload<pw::TraceResponse>(response)});
  pw::DeliveryReceiptT receipt;
  auto entry = std::make_unique<pw::ReceiptEntryT>();
  entry->message_id = IdOf(1);
  entry->envelope_hash.assign(request_hash.begin(), request_hash.end());
  receipt.entries.push_back(std::move(entry));
  receipt.received_at_ms = kVectorNowMs;
  out.push_back({"delivery_receipt", &kVectorKen, &kVectorMex, pw::MessageKind::DeliveryReceipt, PackPayload<pw::DeliveryReceipt>(receipt)});
  pw::ErrorT error;
  error.in_reply_to = IdOf(1);
  error.code = pw::ErrorCode::InvalidPayload;
  error.detail = "weapon.calibre is not one this registry knows";
  out.push_back({"error", &kVectorKen, &kVectorMex, pw::MessageKind::Error, PackPayload<pw::Error>(error)});
  pw::TraceFollowUpT follow_up;
  follow_up.request_message_id = IdOf(1);
  follow_up.kind = pw::FollowUpKind::ClarificationRequest;
  follow_up.text = "Is the slide marked with a proof mark?";
  follow_up.sent_at_ms = kVectorNowMs;
  out.push_back({"trace_follow_up", &kVectorKen, &kVectorMex, pw::MessageKind::TraceFollowUp, PackPayload<pw::TraceFollowUp>(follow_up)});
  stolen::StolenRecord record = StolenRecordOf();
  pw::StolenPublishT publish;
  publish.records.push_back(SignedRecordOf(record));
  out.push_back({"stolen_publish", &kVectorMex, &kVectorHub, pw::MessageKind::StolenPublish, PackPayload<pw::StolenPublish>(publish)});
  out.push_back({"stolen_search", &kVectorKen, &kVectorHub, pw::MessageKind::StolenSearch, PackPayload<pw::StolenSearch>(SearchOf())});
  pw::StolenSearchAnswerT answer;
  answer.search_id = "KE-SEARCH-7";
  auto candidate = std::make_unique<pw::StolenCandidateT>();
  candidate->record = SignedRecordOf(record);
  candidate->score = 91;
  candidate->reasons = {"serial matches with one unreadable position", "make equal"};
  candidate->hit_id = "HIT-0001";
  candidate->confirm_by_ms = kVectorNowMs + 3'600'000;
  answer.candidates.push_back(std::move(candidate));
  answer.examined = 12;
  answer.index_records = 1;
  out.push_back({"stolen_search_answer", &kVectorHub, &kVectorKen, pw::MessageKind::StolenSearchAnswer,
                 PackPayload<pw::StolenSearchAnswer>(answer)});
  pw::StolenHitNoticeT notice;
  notice.hit_id = "HIT-0001";
  notice.searcher = kVectorKen.id;
  notice.search = std::make_unique<pw::StolenSearchT>(SearchOf());
  notice.owner_ref = record.owner_ref;
  notice.score = 91;
  notice.confirm_by_ms = kVectorNowMs + 3'600'000;
  out.push_back({"stolen_hit_notice", &kVectorHub, &kVectorMex, pw::MessageKind::StolenHitNotice, PackPayload<pw::StolenHitNotice>(notice)});
  pw::StolenHitDecisionT decision;
  decision.hit_id = "HIT-0001";
  decision.search_id = "KE-SEARCH-7";
  decision.owner_ref = record.owner_ref;
  decision.confirmed = true;
  decision.note = "Stolen from a police armoury in 2026; please hold it.";
  decision.decided_at_ms = kVectorNowMs;
  out.push_back({"stolen_hit_decision", &kVectorMex, &kVectorKen, pw::MessageKind::StolenHitDecision,
                 PackPayload<pw::StolenHitDecision>(decision)});
  return out;
}

Json EnvelopeJson(const std::string& name, const Member& from, const Member& to, pw::MessageKind kind, const Bytes& payload,
                  const protocol::Sealed& sealed, uint8_t n) {
  auto recipient = Ring(to);
  auto view = protocol::ParseEnvelope(sealed.bytes, sealed.bytes.size());
  auto key = protocol::DiscloseMessageKey(*recipient, *view);
  return {{"name", name},
          {"kind", pw::EnumNameMessageKind(kind)},
          {"kind_code", static_cast<int>(kind)},
          {"sender", from.id},
          {"recipient", to.id},
          {"message_id", Hex(IdOf(n))},
          {"created_at_ms", kVectorNowMs},
          {"expires_at_ms", sealed.expires_at_ms},
          {"nonce", Hex(NonceOf(n))},
          {"payload", Hex(payload)},
          {"message_key", Hex(ByteView(key->data(), key->size()))},
          {"envelope", Hex(sealed.bytes)},
          {"envelope_hash", Hex(crypto::Hash256(sealed.bytes))},
          {"deliver_frame", Hex(protocol::EncodeDeliver(sealed.bytes))}};
}

Json CryptoVector() {
  crypto::Identity mex = FixedIdentity(kVectorMex.seed), ken = FixedIdentity(kVectorKen.seed);
  Bytes payload = protocol::PackPayload<pw::TraceRequest>(Request());
  std::array<uint8_t, 32> shared{};
  (void)crypto_scalarmult(shared.data(), mex.enc_secret.data(), ken.pub.enc_public.data());
  auto pair = crypto::DerivePairKey(mex.enc_secret, ken.pub.enc_public, mex.pub.enc_public, ken.pub.enc_public);
  auto reverse = crypto::DerivePairKey(ken.enc_secret, mex.pub.enc_public, ken.pub.enc_public, mex.pub.enc_public);
  crypto::SymmetricKey mk = crypto::DeriveMessageKey(*pair, IdOf(1));
  protocol::Sealed sealed = Seal(kVectorMex, kVectorKen, pw::MessageKind::TraceRequest, payload, 1);
  auto view = protocol::ParseEnvelope(sealed.bytes, sealed.bytes.size());
  return {{"description", "One TraceRequest from MEX-FGR to KEN-NFB, step by step (§2-§4). Keys in keys.json."},
          {"sender", kVectorMex.id},
          {"recipient", kVectorKen.id},
          {"x25519_shared", Hex(shared)},
          {"pair_key", Hex(ByteView(pair->data(), pair->size()))},
          {"pair_key_reverse", Hex(ByteView(reverse->data(), reverse->size()))},
          {"message_id", Hex(IdOf(1))},
          {"message_key", Hex(ByteView(mk.data(), mk.size()))},
          {"key_commitment", Hex(crypto::CommitToKey(mk))},
          {"nonce", Hex(NonceOf(1))},
          {"payload", Hex(payload)},
          {"header", Hex(view->header_bytes)},
          {"ciphertext", Hex(view->ciphertext)},
          {"signing_input", Hex(protocol::SigningInput(view->header_bytes, view->ciphertext))},
          {"signature", Hex(view->signature)},
          {"envelope", Hex(sealed.bytes)},
          {"envelope_hash", Hex(crypto::Hash256(sealed.bytes))}};
}

Json Invalid(const std::string& name, const std::string& why, ByteView frame, const std::string& error, uint8_t id_of,
             uint64_t now_ms = kVectorNowMs, uint64_t max_message_bytes = uint64_t{1} << 20) {
  pw::ErrorCode code = pw::ErrorCode::Unspecified;
  for (int c = 0; c <= static_cast<int>(pw::ErrorCode::MAX); ++c)
    if (error == pw::EnumNameErrorCode(static_cast<pw::ErrorCode>(c))) code = static_cast<pw::ErrorCode>(c);
  return {{"name", name},
          {"why", why},
          {"recipient", kVectorKen.id},
          {"link_member", kVectorMex.id},
          {"now_ms", now_ms},
          {"max_message_bytes", max_message_bytes},
          {"frame", Hex(frame)},
          {"expected_status", "Rejected"},
          {"expected_error", error},
          {"expected_error_code", static_cast<int>(code)},
          {"expected_ack_message_id", Hex(id_of ? IdOf(id_of) : Bytes(16, 0))}};
}

Json InvalidVectors() {
  using protocol::EncodeDeliver;
  Bytes request = protocol::PackPayload<pw::TraceRequest>(Request());
  auto seal = [&](uint8_t n) { return Seal(kVectorMex, kVectorKen, pw::MessageKind::TraceRequest, request, n).bytes; };
  Json out = Json::array();
  out.push_back(Invalid("bad_signature", "one bit of the signature flipped", EncodeDeliver(Flipped(seal(40), false)), "BadSignature", 40));
  out.push_back(Invalid("tampered_ciphertext", "one bit of the ciphertext flipped; the signature covers it",
                        EncodeDeliver(Flipped(seal(41), true)), "BadSignature", 41));
  out.push_back(Invalid("wrong_recipient", "sealed to HUB-LYON, delivered to KEN-NFB",
                        EncodeDeliver(Seal(kVectorMex, kVectorHub, pw::MessageKind::TraceRequest, request, 42).bytes), "WrongRecipient", 42));
  out.push_back(Invalid("unknown_sender", "signed by a member the directory does not list",
                        EncodeDeliver(Seal(kStranger, kVectorKen, pw::MessageKind::TraceRequest, request, 43).bytes), "UnknownSender", 43));
  out.push_back(Invalid("unsupported_version", "protocol_version 2, correctly signed; the refusal still names the message",
                        EncodeDeliver(Resigned(seal(44), kVectorMex, [](pw::RoutingHeaderT& h) { h.protocol_version = 2; })),
                        "UnsupportedVersion", 44));
  out.push_back(Invalid("kind_zero", "kind 0 (Unspecified)",
                        EncodeDeliver(Resigned(seal(45), kVectorMex, [](pw::RoutingHeaderT& h) { h.kind = pw::MessageKind::Unspecified; })),
                        "Malformed", 45));
  out.push_back(Invalid("payload_size_mismatch", "payload_size one more than the ciphertext holds",
                        EncodeDeliver(Resigned(seal(46), kVectorMex, [](pw::RoutingHeaderT& h) { ++h.payload_size; })), "Malformed", 46));
  out.push_back(Invalid("expired", "checked at expires_at_ms (a message is valid while now < expires_at_ms)", EncodeDeliver(seal(47)), "Expired", 47,
                        kVectorNowMs + kTtlMs));
  out.push_back(Invalid("not_yet_valid", "checked ten minutes before created_at_ms (the skew allowed is five)",
                        EncodeDeliver(seal(48)), "NotYetValid", 48, kVectorNowMs - 600'000));
  out.push_back(Invalid("lifetime_too_long", "lives 800 h; the federation's TTL is 720 h",
                        EncodeDeliver(Seal(kVectorMex, kVectorKen, pw::MessageKind::TraceRequest, request, 49, 800 * 3'600'000ull).bytes),
                        "Malformed", 49));
  out.push_back(Invalid("unknown_recipient_key", "recipient_enc_key_id names a key KEN-NFB does not hold",
                        EncodeDeliver(Resigned(seal(50), kVectorMex, [](pw::RoutingHeaderT& h) { h.recipient_enc_key_id.assign(8, 0xee); })),
                        "UnknownRecipientKey", 50));
  out.push_back(Invalid("commitment_mismatch", "key_commitment is not BLAKE2b(\"tracenet-commit-v1\", mk)",
                        EncodeDeliver(Resigned(seal(51), kVectorMex, [](pw::RoutingHeaderT& h) { h.key_commitment[0] ^= 1; })),
                        "DecryptFailed", 51));
  pw::TraceRequestT contradicting = Request();
  contradicting.requesting_state = "MX";
  out.push_back(Invalid("requesting_state_contradicts_sender", "requesting_state is a country code, not the sender's member id",
                        EncodeDeliver(Seal(kVectorMex, kVectorKen, pw::MessageKind::TraceRequest,
                                           protocol::PackPayload<pw::TraceRequest>(contradicting), 52).bytes),
                        "InvalidPayload", 52));
  pw::TraceRequestT no_grounds = Request();
  no_grounds.grounds = pw::IllicitGrounds::Unspecified;
  out.push_back(Invalid("grounds_unspecified", "an enum field left at 0",
                        EncodeDeliver(Seal(kVectorMex, kVectorKen, pw::MessageKind::TraceRequest,
                                           protocol::PackPayload<pw::TraceRequest>(no_grounds), 53).bytes),
                        "InvalidPayload", 53));
  out.push_back(Invalid("not_permitted", "a StolenPublish from one national centre to another (§12: only to a hub)",
                        EncodeDeliver(Seal(kVectorMex, kVectorKen, pw::MessageKind::StolenPublish,
                                           protocol::PackPayload<pw::StolenPublish>([] {
                                             pw::StolenPublishT p;
                                             p.records.push_back(SignedRecordOf(StolenRecordOf()));
                                             return p;
                                           }()), 54).bytes),
                        "NotPermitted", 54));
  pw::TraceRequestT big = Request();
  big.special_instructions.assign(5000, 'x');
  out.push_back(Invalid("oversized", "an envelope of more than max_message_bytes (4096 here): the envelope is measured, not the frame",
                        EncodeDeliver(Seal(kVectorMex, kVectorKen, pw::MessageKind::TraceRequest,
                                           protocol::PackPayload<pw::TraceRequest>(big), 55).bytes),
                        "Oversized", 55, kVectorNowMs, 4096));
  Bytes garbage(64, 0x5a);
  out.push_back(Invalid("unreadable_envelope", "Deliver carries bytes that are no Envelope: the ack names sixteen zero bytes",
                        EncodeDeliver(garbage), "Malformed", 0));
  return out;
}

Json DirectoryVector(Bytes& signed_out) {
  crypto::AuthorityKey authority;
  auto seed = FixedSeed(0xa1, 1);
  crypto_sign_seed_keypair(authority.pub.data(), authority.secret.data(), seed.data());
  directory::Document d;
  d.federation = "test-vectors";
  d.version = 1;
  d.issued_at_ms = kVectorNowMs - 86'400'000;
  d.expires_at_ms = kVectorNowMs + 90 * 86'400'000ull;
  for (const Member* m : {&kVectorMex, &kVectorKen, &kVectorHub}) {
    protocol::PeerKeys p = PeerKeysOf(*m);
    std::vector<std::string> endpoints;
    if (m->role == "hub") endpoints.push_back("tcp://hub-lyon.example:7400");
    d.members.push_back({m->id, m->id.substr(0, 3), m->id, m->role, endpoints, m->home_hubs,
                         {{directory::KeyPurpose::kSigning, p.sign_public, 0, 0},
                          {directory::KeyPurpose::kEncryption, p.enc_public, 0, 0},
                          {directory::KeyPurpose::kTransport, p.transport_public, 0, 0}}});
  }
  directory::SignedDirectory s{directory::EncodeDocument(d), {}};
  directory::AddSignature(s, authority.secret, authority.pub);
  signed_out = directory::EncodeSigned(s);
  Bytes input = {'t', 'r', 'a', 'c', 'e', 'n', 'e', 't', '-', 'd', 'i', 'r', 'e', 'c', 't', 'o', 'r', 'y', '-', 'v', '1', 0};
  input.insert(input.end(), s.document.begin(), s.document.end());
  return {{"description", "A signed member directory of the three members of keys.json (§10), one authority, threshold 1."},
          {"federation", d.federation},
          {"version", d.version},
          {"authority_seed", Hex(seed)},
          {"authority_public", Hex(authority.pub)},
          {"threshold", 1},
          {"checked_at_ms", kVectorNowMs},
          {"document", Hex(s.document)},
          {"document_hash", Hex(crypto::Hash256(s.document))},
          {"signing_input", Hex(input)},
          {"signature", Hex(s.signatures[0].signature)},
          {"signed_directory", Hex(signed_out)}};
}

Json LinkVectors(const Bytes& signed_directory) {
  crypto::Identity hub = FixedIdentity(kVectorHub.seed);
  std::vector<Bytes> ids = {IdOf(1), IdOf(2)};
  std::vector<crypto::Hash32> hashes = {crypto::Hash256(AsBytes("first envelope")), crypto::Hash256(AsBytes("second envelope"))};
  auto frame = [](const std::string& name, const std::string& body, const Bytes& bytes, Json fields) {
    return Json{{"name", name}, {"body", body}, {"frame", Hex(bytes)}, {"fields", std::move(fields)}};
  };
  Json out = Json::array();
  out.push_back(frame("hop_ack_accepted", "HopAck", protocol::EncodeHopAck(IdOf(1), pw::HopStatus::Accepted, std::nullopt, ""),
                      {{"message_id", Hex(IdOf(1))}, {"status", "Accepted"}, {"error", "Unspecified"}}));
  out.push_back(frame("hop_ack_duplicate", "HopAck", protocol::EncodeHopAck(IdOf(1), pw::HopStatus::Accepted, Errc::kDuplicate, ""),
                      {{"message_id", Hex(IdOf(1))}, {"status", "Accepted"}, {"error", "Duplicate"}}));
  std::string detail = "signature by MEX-FGR does not verify over header and ciphertext";
  out.push_back(frame("hop_ack_rejected", "HopAck", protocol::EncodeHopAck(IdOf(40), pw::HopStatus::Rejected, Errc::kBadSignature, detail),
                      {{"message_id", Hex(IdOf(40))}, {"status", "Rejected"}, {"error", "BadSignature"}, {"detail", detail}}));
  out.push_back(frame("hop_ack_deferred_quota", "HopAck",
                      protocol::EncodeHopAck(IdOf(2), pw::HopStatus::Deferred, Errc::kQuotaExceeded, "held_per_sender"),
                      {{"message_id", Hex(IdOf(2))}, {"status", "Deferred"}, {"error", "QuotaExceeded"}, {"detail", "held_per_sender"}}));
  out.push_back(frame("hello", "Hello", protocol::EncodeHello(kVectorMex.id), {{"member", kVectorMex.id}, {"protocol_versions", {1}}}));
  out.push_back(frame("directory_request", "DirectoryRequest", protocol::EncodeDirectoryRequest(1), {{"have_version", 1}}));
  out.push_back(frame("directory_update", "DirectoryUpdate", protocol::EncodeDirectoryUpdate(signed_directory),
                      {{"directory", "directory.json signed_directory"}}));
  out.push_back(frame("custody_batch", "CustodyBatch", protocol::EncodeCustodyBatch(ids, hashes, hub.sign_secret),
                      {{"signer", kVectorHub.id},
                       {"message_ids", {Hex(ids[0]), Hex(ids[1])}},
                       {"envelope_hashes", {Hex(hashes[0]), Hex(hashes[1])}},
                       {"signing_input", Hex(protocol::CustodyBatchSigningInput(ids, hashes))}}));
  return out;
}

}  // namespace

Bytes Resigned(ByteView envelope, const Member& signer, const std::function<void(protocol::wire::RoutingHeaderT&)>& change) {
  namespace pw = protocol::wire;
  const pw::Envelope* env = flatbuffers::GetRoot<pw::Envelope>(envelope.data());
  std::unique_ptr<pw::RoutingHeaderT> header(flatbuffers::GetRoot<pw::RoutingHeader>(env->header()->data())->UnPack());
  change(*header);
  flatbuffers::FlatBufferBuilder hb;
  hb.Finish(pw::RoutingHeader::Pack(hb, header.get()));
  ByteView header_bytes(hb.GetBufferPointer(), hb.GetSize());
  ByteView ciphertext(env->ciphertext()->data(), env->ciphertext()->size());
  crypto::Signature signature = crypto::Sign(FixedIdentity(signer.seed).sign_secret,
                                             protocol::SigningInput(header_bytes, ciphertext));
  flatbuffers::FlatBufferBuilder eb;
  auto header_field = eb.CreateVector(header_bytes.data(), header_bytes.size());
  auto ciphertext_field = eb.CreateVector(ciphertext.data(), ciphertext.size());
  auto signature_field = eb.CreateVector(signature.data(), signature.size());
  eb.Finish(pw::CreateEnvelope(eb, header_field, ciphertext_field, signature_field));
  return Bytes(eb.GetBufferPointer(), eb.GetBufferPointer() + eb.GetSize());
}

std::map<std::string, nlohmann::ordered_json> BuildTestVectors() {
  std::map<std::string, Json> files;
  files["keys.json"] = {{"description", "The members every vector is between. Seeds are libsodium's: crypto_sign_seed_keypair for "
                                        "signing, crypto_box_seed_keypair for the X25519 keys (enc_secret is the secret it derives)."},
                        {"now_ms", kVectorNowMs},
                        {"members", {KeysOf(kVectorMex), KeysOf(kVectorKen), KeysOf(kVectorHub), KeysOf(kStranger)}},
                        {"note", std::string(kStranger.id) + " is not in the directory: its messages are refused as UnknownSender"}};
  files["crypto.json"] = CryptoVector();
  Bytes request = protocol::PackPayload<pw::TraceRequest>(Request());
  crypto::Hash32 request_hash = crypto::Hash256(Seal(kVectorMex, kVectorKen, pw::MessageKind::TraceRequest, request, 1).bytes);
  Json valid = Json::array();
  uint8_t n = 1;
  for (const ValidMessage& m : ValidMessages(request_hash)) {
    protocol::Sealed sealed = Seal(*m.from, *m.to, m.kind, m.payload, n);
    valid.push_back(EnvelopeJson(m.name, *m.from, *m.to, m.kind, m.payload, sealed, n));
    ++n;
  }
  files["envelopes.json"] = {{"description", "One valid envelope of every message kind, each opened by its recipient at now_ms "
                                             "(keys.json). message_key is what §7 discloses."},
                             {"now_ms", kVectorNowMs},
                             {"envelopes", valid}};
  files["invalid.json"] = {{"description", "Deliver frames a recipient (KEN-NFB, a national centre) must refuse, each on a link "
                                           "authenticated as link_member, checked at now_ms with max_message_bytes, and the HopAck "
                                           "it must answer."},
                           {"vectors", InvalidVectors()}};
  Bytes signed_directory;
  files["directory.json"] = DirectoryVector(signed_directory);
  files["link_frames.json"] = {{"description", "One LinkFrame of every body (§1, §10, §11), as the node encodes them. Another "
                                               "FlatBuffers encoder may lay the same fields out differently: decode these, "
                                               "compare fields, never bytes."},
                               {"frames", LinkVectors(signed_directory)}};
  return files;
}

}  // namespace tracenet::test_support
