#include "node/protocol/envelope.h"

#include <gtest/gtest.h>

#include <thread>

#include "node/crypto/primitives.h"
#include "node/protocol/link_frame.h"
#include "node/protocol/payload_check.h"

namespace tracenet::protocol {
namespace {

constexpr uint64_t kNow = 1'800'000'000'000;
constexpr uint64_t kTtl = 3'600'000;

PeerKeys PublicOf(const std::string& id, const crypto::Identity& identity) {
  PeerKeys p;
  p.id = id;
  p.sign_public = identity.pub.sign_public;
  p.enc_public = identity.pub.enc_public;
  p.transport_public = identity.pub.transport_public;
  return p;
}

class EnvelopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::Init());
    mex = crypto::GenerateIdentity();
    usa = crypto::GenerateIdentity();
    mex_keys = *Keyring::Create("MEX", mex, {PublicOf("USA", usa)});
    usa_keys = *Keyring::Create("USA", usa, {PublicOf("MEX", mex)});
  }
  Bytes Seal(std::string_view payload = "a trace request") {
    auto sealed = SealEnvelope(*mex_keys, "USA", wire::MessageKind::TraceRequest, AsBytes(payload), kNow, kTtl);
    EXPECT_TRUE(sealed);
    return sealed->bytes;
  }
  Result<Opened> Open(ByteView bytes, uint64_t now = kNow) {
    return OpenEnvelope(bytes, *usa_keys, OpenOptions{now, 300'000, 1 << 20});
  }
  // Offset of the first occurrence of `needle` in `haystack`.
  static size_t Find(const Bytes& haystack, std::string_view needle) {
    auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end());
    return static_cast<size_t>(it - haystack.begin());
  }
  crypto::Identity mex, usa;
  std::shared_ptr<const Keyring> mex_keys, usa_keys;
};

TEST_F(EnvelopeTest, RecipientOpensWhatTheSenderSealed) {
  auto opened = Open(Seal("serial ABC123"));
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(AsString(opened->payload), "serial ABC123");
  EXPECT_EQ(opened->header.sender, "MEX");
  EXPECT_EQ(opened->header.kind, wire::MessageKind::TraceRequest);
}

TEST_F(EnvelopeTest, PayloadIsNotVisibleInTheEnvelopeBytes) {
  Bytes bytes = Seal("SECRET-SERIAL-998877");
  EXPECT_EQ(Find(bytes, "SECRET-SERIAL-998877"), bytes.size());
}

TEST_F(EnvelopeTest, TamperedHeaderIsRefusedAsBadSignature) {
  Bytes bytes = Seal();
  size_t at = Find(bytes, "USA");  // the recipient name inside the signed header
  ASSERT_LT(at, bytes.size());
  bytes[at + 2] = 'B';  // "USB": still parses, no longer signed
  auto opened = Open(bytes);
  ASSERT_FALSE(opened);
  EXPECT_TRUE(opened.error().code == Errc::kBadSignature || opened.error().code == Errc::kWrongRecipient);
}

TEST_F(EnvelopeTest, TamperedCiphertextIsRefusedAsBadSignature) {
  Bytes bytes = Seal();
  auto view = ParseEnvelope(bytes, bytes.size());
  ASSERT_TRUE(view);
  size_t offset = static_cast<size_t>(view->ciphertext.data() - bytes.data()) + 30;
  bytes[offset] ^= 0x40;
  EXPECT_EQ(Open(bytes).error().code, Errc::kBadSignature);
}

TEST_F(EnvelopeTest, SignatureByAnUnknownKeyIsRefused) {
  crypto::Identity impostor = crypto::GenerateIdentity();
  impostor.enc_secret = mex.enc_secret;
  impostor.pub.enc_public = mex.pub.enc_public;
  crypto::ComputeKeyIds(impostor.pub);
  auto forged_keys = *Keyring::Create("MEX", impostor, {PublicOf("USA", usa)});
  auto sealed = SealEnvelope(*forged_keys, "USA", wire::MessageKind::TraceRequest, AsBytes("x"), kNow, kTtl);
  EXPECT_EQ(Open(sealed->bytes).error().code, Errc::kUnknownSender);
}

TEST_F(EnvelopeTest, MessageForAnotherRecipientIsRefused) {
  crypto::Identity third = crypto::GenerateIdentity();
  auto keys = *Keyring::Create("MEX", mex, {PublicOf("USA", usa), PublicOf("COL", third)});
  auto sealed = SealEnvelope(*keys, "COL", wire::MessageKind::TraceRequest, AsBytes("x"), kNow, kTtl);
  EXPECT_EQ(Open(sealed->bytes).error().code, Errc::kWrongRecipient);
}

TEST_F(EnvelopeTest, ExpiredAndFutureMessagesAreRefused) {
  Bytes bytes = Seal();
  EXPECT_EQ(Open(bytes, kNow + kTtl + 1).error().code, Errc::kExpired);
  EXPECT_EQ(Open(bytes, kNow - 600'000).error().code, Errc::kNotYetValid);
  EXPECT_TRUE(Open(bytes, kNow - 200'000));  // inside the clock-skew window
}

TEST_F(EnvelopeTest, TruncatedRandomAndOversizedBytesAreRefused) {
  Bytes bytes = Seal();
  EXPECT_EQ(Open(ByteView(bytes.data(), bytes.size() / 2)).error().code, Errc::kMalformed);
  Bytes random(700);
  crypto::RandomBytes(random.data(), random.size());
  EXPECT_EQ(Open(random).error().code, Errc::kMalformed);
  EXPECT_EQ(OpenEnvelope(bytes, *usa_keys, OpenOptions{kNow, 0, 100}).error().code, Errc::kOversized);
  EXPECT_EQ(Open({}).error().code, Errc::kMalformed);
}

TEST_F(EnvelopeTest, ThirdPartyVerifiesOneDisclosedMessageWithPublicKeysOnly) {
  Bytes bytes = Seal("what MEX asked");
  auto view = ParseEnvelope(bytes, bytes.size());
  auto key = DiscloseMessageKey(*usa_keys, *view);
  ASSERT_TRUE(key);
  auto plaintext = VerifyDisclosedMessage(bytes, mex.pub.sign_public, *key);
  ASSERT_TRUE(plaintext) << plaintext.error().message;
  EXPECT_EQ(AsString(*plaintext), "what MEX asked");
  // A key for another message does not match this message's signed commitment.
  crypto::SymmetricKey other = crypto::DeriveMessageKey(*usa_keys->InboundKey("MEX"), Bytes(16, 7));
  EXPECT_EQ(VerifyDisclosedMessage(bytes, mex.pub.sign_public, other).error().code, Errc::kDecryptFailed);
  // The wrong signer's key is refused.
  EXPECT_FALSE(VerifyDisclosedMessage(bytes, usa.pub.sign_public, *key));
}

TEST_F(EnvelopeTest, AcknowledgementBatchNeedsEntriesThatAreEachValid) {
  auto pack = [](const wire::TraceAcknowledgementBatchT& batch) {
    flatbuffers::FlatBufferBuilder b;
    b.Finish(wire::TraceAcknowledgementBatch::Pack(b, &batch));
    return Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
  };
  wire::TraceAcknowledgementBatchT batch;
  EXPECT_FALSE(CheckPayload(wire::MessageKind::TraceAcknowledgementBatch, pack(batch)));  // empty
  auto ack = std::make_unique<wire::TraceAcknowledgementT>();
  ack->request_message_id = Bytes(16, 1);
  ack->validation = wire::Validation::Accepted;
  batch.acknowledgements.push_back(std::make_unique<wire::TraceAcknowledgementT>(*ack));
  EXPECT_TRUE(CheckPayload(wire::MessageKind::TraceAcknowledgementBatch, pack(batch)));
  ack->validation = wire::Validation::Unspecified;
  batch.acknowledgements.push_back(std::move(ack));
  auto refused = CheckPayload(wire::MessageKind::TraceAcknowledgementBatch, pack(batch));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("validation"), std::string::npos);
}

TEST_F(EnvelopeTest, AFollowUpNamesItsCaseAndKindAndCarriesTextWithinTheLimit) {
  auto check = [](const wire::TraceFollowUpT& f) {
    flatbuffers::FlatBufferBuilder b;
    b.Finish(wire::TraceFollowUp::Pack(b, &f));
    return CheckPayload(wire::MessageKind::TraceFollowUp, ByteView(b.GetBufferPointer(), b.GetSize()));
  };
  wire::TraceFollowUpT f;
  f.request_message_id = Bytes(16, 4);
  f.kind = wire::FollowUpKind::Cancel;
  EXPECT_TRUE(check(f));  // a cancellation may come without a reason
  f.kind = wire::FollowUpKind::ClarificationRequest;
  auto no_question = check(f);
  ASSERT_FALSE(no_question);
  EXPECT_NE(no_question.error().message.find("needs its text"), std::string::npos);
  f.text = "which importer marking?";
  EXPECT_TRUE(check(f));
  f.text.assign(kMaxFollowUpText + 1, 'x');
  EXPECT_FALSE(check(f));
  f.text = "ok";
  f.kind = static_cast<wire::FollowUpKind>(9);
  EXPECT_FALSE(check(f));
  f.kind = wire::FollowUpKind::ClarificationAnswer;
  f.request_message_id = Bytes(15, 4);
  EXPECT_FALSE(check(f));
}

TEST_F(EnvelopeTest, MessageIdsAreUniqueAndOrderedByCreationTime) {
  Bytes first = NewMessageId();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  Bytes second = NewMessageId();
  EXPECT_LT(first, second);
  EXPECT_NE(NewMessageId(), NewMessageId());
  EXPECT_EQ(first.size(), 16u);
}

TEST_F(EnvelopeTest, LinkFramesRoundTripAndGarbageIsRefused) {
  Bytes id(16, 5);
  Bytes ack = EncodeHopAck(id, wire::HopStatus::Rejected, Errc::kExpired, "too late");
  auto decoded = DecodeLinkFrame(ack, 4096);
  ASSERT_TRUE(decoded);
  auto& hop = std::get<HopAckFrame>(*decoded);
  EXPECT_EQ(hop.error, Errc::kExpired);
  EXPECT_EQ(hop.detail, "too late");
  EXPECT_FALSE(DecodeLinkFrame(Bytes(40, 0xff), 4096));
  EXPECT_EQ(DecodeLinkFrame(ack, 10).error().code, Errc::kOversized);
}

// A frame, and the envelope and header nested in it, may start at any address their sender
// chose: decoding must not read a scalar misaligned (the sanitizer build fails on one), and
// what it returns must point into the caller's bytes.
TEST_F(EnvelopeTest, EnvelopesAndFramesAtAnyAddressDecodeWithoutMisalignedReads) {
  Bytes envelope = Seal("serial at an odd address");
  Bytes frame = EncodeDeliver(envelope);
  for (size_t offset = 1; offset < 8; ++offset) {
    Bytes shifted(offset + frame.size());
    std::copy(frame.begin(), frame.end(), shifted.begin() + static_cast<ptrdiff_t>(offset));
    ByteView odd_frame(shifted.data() + offset, frame.size());
    auto decoded = DecodeLinkFrame(odd_frame, 1 << 20);
    ASSERT_TRUE(decoded) << "offset " << offset << ": " << decoded.error().message;
    ByteView inner = std::get<DeliverFrame>(*decoded).envelope;
    EXPECT_GE(inner.data(), odd_frame.data());
    EXPECT_LE(inner.data() + inner.size(), odd_frame.data() + odd_frame.size());
    auto opened = Open(inner);
    ASSERT_TRUE(opened) << "offset " << offset << ": " << opened.error().message;
    EXPECT_EQ(AsString(opened->payload), "serial at an odd address");

    Bytes shifted_envelope(offset + envelope.size());
    std::copy(envelope.begin(), envelope.end(), shifted_envelope.begin() + static_cast<ptrdiff_t>(offset));
    ByteView odd_envelope(shifted_envelope.data() + offset, envelope.size());
    auto parsed = ParseEnvelope(odd_envelope, 1 << 20);
    ASSERT_TRUE(parsed) << "offset " << offset << ": " << parsed.error().message;
    EXPECT_EQ(parsed->header.sender, "MEX");
    EXPECT_GE(parsed->header_bytes.data(), odd_envelope.data());
    EXPECT_GE(parsed->signature.data(), odd_envelope.data());
    EXPECT_LE(parsed->signature.data() + 64, odd_envelope.data() + odd_envelope.size());
  }
  // A payload at an odd address is checked from an aligned copy, with the same verdict.
  wire::TraceRequestT request;
  request.priority = wire::Priority::Urgent;
  request.grounds = wire::IllicitGrounds::NationalLaw;
  request.requested_at_ms = kNow;  // a 64-bit field: the buffer is 8-byte aligned internally
  request.weapon = std::make_unique<wire::WeaponT>();
  request.weapon->serial = "ODD1";
  request.weapon->manufacturer = "Glock";
  request.weapon->type = wire::WeaponType::Pistol;
  Bytes payload = PackPayload<wire::TraceRequest>(request);
  for (size_t offset = 1; offset < 8; ++offset) {
    Bytes shifted(offset + payload.size());
    std::copy(payload.begin(), payload.end(), shifted.begin() + static_cast<ptrdiff_t>(offset));
    Status s = CheckPayload(wire::MessageKind::TraceRequest, ByteView(shifted.data() + offset, payload.size()));
    EXPECT_TRUE(s) << "offset " << offset << ": " << s.error().message;
  }
}

TEST_F(EnvelopeTest, ACustodyBatchCarriesOneSignatureThatCoversEveryEntry) {
  std::vector<Bytes> ids{Bytes(16, 1), Bytes(16, 2), Bytes(16, 3)};
  std::vector<crypto::Hash32> hashes{crypto::Hash256(AsBytes("a")), crypto::Hash256(AsBytes("b")),
                                     crypto::Hash256(AsBytes("c"))};
  Bytes frame = EncodeCustodyBatch(ids, hashes, usa.sign_secret);
  auto decoded = DecodeLinkFrame(frame, 1 << 20);
  ASSERT_TRUE(decoded) << decoded.error().message;
  auto& batch = std::get<CustodyBatchFrame>(*decoded);
  EXPECT_EQ(batch.message_ids, ids);
  EXPECT_EQ(batch.envelope_hashes, hashes);
  EXPECT_TRUE(crypto::Verify(usa.pub.sign_public, CustodyBatchSigningInput(batch.message_ids, batch.envelope_hashes),
                             batch.signature));
  // Another hash, another order, a dropped entry or another signer: the signature no longer holds.
  auto swapped = batch;
  swapped.envelope_hashes[0] = crypto::Hash256(AsBytes("forged"));
  EXPECT_FALSE(crypto::Verify(usa.pub.sign_public, CustodyBatchSigningInput(swapped.message_ids, swapped.envelope_hashes),
                              batch.signature));
  std::swap(swapped.message_ids[0], swapped.message_ids[1]);
  swapped.envelope_hashes = hashes;
  EXPECT_FALSE(crypto::Verify(usa.pub.sign_public, CustodyBatchSigningInput(swapped.message_ids, swapped.envelope_hashes),
                              batch.signature));
  std::vector<Bytes> fewer(ids.begin(), ids.begin() + 2);
  std::vector<crypto::Hash32> fewer_hashes(hashes.begin(), hashes.begin() + 2);
  EXPECT_FALSE(crypto::Verify(usa.pub.sign_public, CustodyBatchSigningInput(fewer, fewer_hashes), batch.signature));
  EXPECT_FALSE(crypto::Verify(mex.pub.sign_public, CustodyBatchSigningInput(batch.message_ids, batch.envelope_hashes),
                              batch.signature));
}

TEST_F(EnvelopeTest, AMalformedCustodyBatchIsRefused) {
  std::vector<Bytes> ids{Bytes(16, 1)};
  std::vector<crypto::Hash32> hashes{crypto::Hash256(AsBytes("a"))};
  // Ids and hashes that do not pair up (one id, two hashes).
  std::vector<crypto::Hash32> two_hashes{hashes[0], hashes[0]};
  Bytes mismatched = EncodeCustodyBatch(ids, two_hashes, usa.sign_secret);
  auto refused = DecodeLinkFrame(mismatched, 1 << 20);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kMalformed);
  // An empty batch.
  EXPECT_FALSE(DecodeLinkFrame(EncodeCustodyBatch({}, {}, usa.sign_secret), 1 << 20));
  // A truncated frame.
  Bytes good = EncodeCustodyBatch(ids, hashes, usa.sign_secret);
  EXPECT_FALSE(DecodeLinkFrame(ByteView(good.data(), good.size() / 2), 1 << 20));
}

TEST_F(EnvelopeTest, PayloadCheckRefusesUnspecifiedEnumsAndMissingWeapon) {
  wire::TraceRequestT request;
  request.priority = wire::Priority::Routine;
  request.grounds = wire::IllicitGrounds::NationalLaw;
  flatbuffers::FlatBufferBuilder b;
  b.Finish(wire::TraceRequest::Pack(b, &request));
  auto status = CheckPayload(wire::MessageKind::TraceRequest, ByteView(b.GetBufferPointer(), b.GetSize()));
  ASSERT_FALSE(status);  // weapon is a required table: the verifier itself refuses it
  EXPECT_EQ(status.error().code, Errc::kInvalidPayload);

  request.weapon = std::make_unique<wire::WeaponT>();
  request.weapon->serial = "ABC";
  request.weapon->manufacturer = "Glock";
  request.weapon->type = wire::WeaponType::Pistol;
  request.priority = wire::Priority::Unspecified;
  b.Clear();
  b.Finish(wire::TraceRequest::Pack(b, &request));
  status = CheckPayload(wire::MessageKind::TraceRequest, ByteView(b.GetBufferPointer(), b.GetSize()));
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("priority"), std::string::npos);

  request.priority = wire::Priority::Urgent;
  b.Clear();
  b.Finish(wire::TraceRequest::Pack(b, &request));
  EXPECT_TRUE(CheckPayload(wire::MessageKind::TraceRequest, ByteView(b.GetBufferPointer(), b.GetSize())));
  EXPECT_FALSE(CheckPayload(wire::MessageKind::TraceResponse, Bytes(12, 0)));
}

}  // namespace
}  // namespace tracenet::protocol

namespace tracenet::protocol {
namespace {

// Key rotation with an overlap: what was sealed under the old keys is still opened while the
// old keys are valid, what is sealed under the new ones is opened too, and once the overlap is
// over the old keys are refused.
TEST_F(EnvelopeTest, ASendersRotationLosesNothingDuringTheOverlapAndEndsAfterIt) {
  Bytes before = Seal("sealed with MEX's old keys");
  crypto::Identity mex_next = crypto::GenerateIdentity();
  auto mex_next_keys = *Keyring::Create("MEX", mex_next, {PublicOf("USA", usa)});
  Bytes after = SealEnvelope(*mex_next_keys, "USA", wire::MessageKind::TraceRequest, AsBytes("sealed with the new keys"),
                             kNow, kTtl)->bytes;

  PeerKeys rotating = PublicOf("MEX", mex_next);
  rotating.previous_sign_keys = {mex.pub.sign_public};
  rotating.previous_enc_keys = {mex.pub.enc_public};
  usa_keys = *Keyring::Create("USA", usa, {rotating});
  ASSERT_TRUE(Open(before)) << Open(before).error().message;
  ASSERT_TRUE(Open(after)) << Open(after).error().message;
  EXPECT_EQ(AsString(Open(before)->payload), "sealed with MEX's old keys");

  usa_keys = *Keyring::Create("USA", usa, {PublicOf("MEX", mex_next)});  // overlap over
  auto refused = Open(before);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kUnknownSender);
  EXPECT_TRUE(Open(after));
}

TEST_F(EnvelopeTest, ARecipientKeepingItsPreviousKeyOpensWhatWasSealedToIt) {
  Bytes to_old_key = Seal("sealed to USA's old encryption key");
  crypto::Identity usa_next = crypto::GenerateIdentity();
  usa_next.sign_secret = usa.sign_secret;  // only the encryption key rotates here
  usa_next.pub.sign_public = usa.pub.sign_public;
  usa_keys = *Keyring::Create("USA", usa_next, {PublicOf("MEX", mex)}, {usa.enc_secret});
  auto opened = Open(to_old_key);
  ASSERT_TRUE(opened) << opened.error().message;
  usa_keys = *Keyring::Create("USA", usa_next, {PublicOf("MEX", mex)});
  auto refused = Open(to_old_key);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kUnknownRecipientKey);
}

}  // namespace
}  // namespace tracenet::protocol
