#include "node/protocol/link_frame.h"

#include "node/common/aligned_bytes.h"

#include "node/crypto/primitives.h"
#include "node/protocol/envelope.h"

namespace tracenet::protocol {


wire::ErrorCode ToWireError(Errc code) {
  int v = static_cast<int>(code);
  if (v >= 1 && v <= static_cast<int>(wire::ErrorCode::MAX)) return static_cast<wire::ErrorCode>(v);
  return wire::ErrorCode::Internal;
}

Errc FromWireError(wire::ErrorCode code) {
  int v = static_cast<int>(code);
  if (v >= 1 && v <= static_cast<int>(wire::ErrorCode::MAX)) return static_cast<Errc>(v);
  return Errc::kInternal;
}

Bytes EncodeDeliver(ByteView envelope) {
  flatbuffers::FlatBufferBuilder b(envelope.size() + 64);
  auto deliver = wire::CreateDeliver(b, b.CreateVector(envelope.data(), envelope.size()));
  b.Finish(wire::CreateLinkFrame(b, wire::LinkBody::Deliver, deliver.Union()));
  return Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

Bytes EncodeHello(std::string_view member) {
  flatbuffers::FlatBufferBuilder b(64);
  const uint16_t versions[] = {kProtocolVersion};
  auto member_field = b.CreateString(member.data(), member.size());  // before the versions, in every build
  auto versions_field = b.CreateVector(versions, 1);
  auto hello = wire::CreateHello(b, member_field, versions_field);
  b.Finish(wire::CreateLinkFrame(b, wire::LinkBody::Hello, hello.Union()));
  return Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

Bytes CustodyBatchSigningInput(const std::vector<Bytes>& message_ids, const std::vector<crypto::Hash32>& envelope_hashes) {
  static constexpr char kLabel[] = "tracenet-custody-batch-v1";
  Bytes input(kLabel, kLabel + sizeof kLabel);  // includes the NUL
  uint32_t count = static_cast<uint32_t>(message_ids.size());
  for (int shift = 24; shift >= 0; shift -= 8) input.push_back(static_cast<uint8_t>(count >> shift));
  for (const Bytes& id : message_ids) input.insert(input.end(), id.begin(), id.end());
  for (const crypto::Hash32& h : envelope_hashes) input.insert(input.end(), h.begin(), h.end());
  return input;
}

Bytes EncodeCustodyBatch(const std::vector<Bytes>& message_ids, const std::vector<crypto::Hash32>& envelope_hashes,
                         const crypto::SigningSecret& hub_secret) {
  crypto::Signature signature = crypto::Sign(hub_secret, CustodyBatchSigningInput(message_ids, envelope_hashes));
  flatbuffers::FlatBufferBuilder b(128 + message_ids.size() * 48);
  Bytes ids, hashes;
  ids.reserve(message_ids.size() * 16);
  hashes.reserve(envelope_hashes.size() * 32);
  for (const Bytes& id : message_ids) ids.insert(ids.end(), id.begin(), id.end());
  for (const crypto::Hash32& h : envelope_hashes) hashes.insert(hashes.end(), h.begin(), h.end());
  auto ids_field = b.CreateVector(ids);  // one statement each: the same bytes from every compiler
  auto hashes_field = b.CreateVector(hashes);
  auto signature_field = b.CreateVector(signature.data(), signature.size());
  auto batch = wire::CreateCustodyBatch(b, ids_field, hashes_field, signature_field);
  b.Finish(wire::CreateLinkFrame(b, wire::LinkBody::CustodyBatch, batch.Union()));
  return Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

Bytes EncodeDirectoryUpdate(ByteView signed_directory) {
  flatbuffers::FlatBufferBuilder b(signed_directory.size() + 64);
  auto update = wire::CreateDirectoryUpdate(b, b.CreateVector(signed_directory.data(), signed_directory.size()));
  b.Finish(wire::CreateLinkFrame(b, wire::LinkBody::DirectoryUpdate, update.Union()));
  return Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

Bytes EncodeDirectoryRequest(uint64_t have_version) {
  flatbuffers::FlatBufferBuilder b(64);
  auto request = wire::CreateDirectoryRequest(b, have_version);
  b.Finish(wire::CreateLinkFrame(b, wire::LinkBody::DirectoryRequest, request.Union()));
  return Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

Bytes EncodeHopAck(ByteView message_id, wire::HopStatus status, std::optional<Errc> error,
                   std::string_view detail) {
  flatbuffers::FlatBufferBuilder b(192 + detail.size());
  auto id_field = b.CreateVector(message_id.data(), message_id.size());  // one statement each (see Hello)
  auto detail_field = b.CreateString(detail.data(), detail.size());
  auto ack = wire::CreateHopAck(b, id_field, status, error ? ToWireError(*error) : wire::ErrorCode::Unspecified, detail_field);
  b.Finish(wire::CreateLinkFrame(b, wire::LinkBody::HopAck, ack.Union()));
  return Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

Result<LinkFrameView> DecodeLinkFrame(ByteView bytes, size_t max_bytes) {
  if (bytes.size() > max_bytes)
    return MakeError(Errc::kOversized, "frame of " + std::to_string(bytes.size()) +
                                           " bytes exceeds the limit of " + std::to_string(max_bytes));
  AlignedBytes aligned(bytes);  // views returned below point into `bytes`, never the copy
  flatbuffers::Verifier v(aligned.data(), aligned.size());
  if (!v.VerifyBuffer<wire::LinkFrame>(nullptr))
    return MakeError(Errc::kMalformed, "frame is not a valid LinkFrame FlatBuffer");
  const wire::LinkFrame* frame = flatbuffers::GetRoot<wire::LinkFrame>(aligned.data());
  if (const wire::Deliver* d = frame->body_as_Deliver()) {
    if (!d->envelope() || d->envelope()->size() == 0)
      return MakeError(Errc::kMalformed, "Deliver frame carries no envelope");
    return LinkFrameView(DeliverFrame{aligned.InOriginal(ByteView(d->envelope()->data(), d->envelope()->size()))});
  }
  if (const wire::HopAck* a = frame->body_as_HopAck()) {
    if (!a->message_id() || a->message_id()->size() != 16)
      return MakeError(Errc::kMalformed, "HopAck message_id must be 16 bytes");
    if (a->status() == wire::HopStatus::Unspecified || a->status() > wire::HopStatus::MAX)
      return MakeError(Errc::kMalformed, "HopAck status is unspecified or unknown");
    HopAckFrame ack;
    ack.message_id.assign(a->message_id()->begin(), a->message_id()->end());
    ack.status = a->status();
    ack.has_error = a->error() != wire::ErrorCode::Unspecified;
    ack.error = FromWireError(a->error());
    if (a->detail()) ack.detail = a->detail()->str();
    return LinkFrameView(std::move(ack));
  }
  if (const wire::Hello* h = frame->body_as_Hello()) {
    HelloFrame hello;
    if (!h->protocol_versions() || h->protocol_versions()->size() == 0) {
      hello.protocol_versions = {1};
    } else {
      if (h->protocol_versions()->size() > kMaxAnnouncedVersions)
        return MakeError(Errc::kMalformed, "Hello lists more than " + std::to_string(kMaxAnnouncedVersions) + " protocol versions");
      hello.protocol_versions.assign(h->protocol_versions()->begin(), h->protocol_versions()->end());
    }
    return LinkFrameView(std::move(hello));
  }
  if (const wire::DirectoryUpdate* u = frame->body_as_DirectoryUpdate()) {
    if (!u->directory() || u->directory()->size() == 0)
      return MakeError(Errc::kMalformed, "DirectoryUpdate frame carries no directory");
    return LinkFrameView(
        DirectoryUpdateFrame{aligned.InOriginal(ByteView(u->directory()->data(), u->directory()->size()))});
  }
  if (const wire::DirectoryRequest* r = frame->body_as_DirectoryRequest())
    return LinkFrameView(DirectoryRequestFrame{r->have_version()});
  if (const wire::CustodyBatch* c = frame->body_as_CustodyBatch()) {
    if (!c->message_ids() || !c->envelope_hashes() || !c->signature() || c->signature()->size() != 64)
      return MakeError(Errc::kMalformed, "CustodyBatch needs message ids, envelope hashes and a 64-byte signature");
    size_t count = c->message_ids()->size() / 16;
    if (count == 0 || count > kMaxCustodyBatch || c->message_ids()->size() != count * 16 ||
        c->envelope_hashes()->size() != count * 32)
      return MakeError(Errc::kMalformed, "CustodyBatch must list 1 to " + std::to_string(kMaxCustodyBatch) +
                                             " 16-byte ids with one 32-byte hash each");
    CustodyBatchFrame batch;
    batch.message_ids.reserve(count);
    batch.envelope_hashes.resize(count);
    for (size_t i = 0; i < count; ++i) {
      batch.message_ids.emplace_back(c->message_ids()->begin() + 16 * i, c->message_ids()->begin() + 16 * (i + 1));
      std::copy(c->envelope_hashes()->begin() + 32 * i, c->envelope_hashes()->begin() + 32 * (i + 1),
                batch.envelope_hashes[i].begin());
    }
    batch.signature.assign(c->signature()->begin(), c->signature()->end());
    return LinkFrameView(std::move(batch));
  }
  return MakeError(Errc::kMalformed, "frame body is empty or of an unknown type");
}

}  // namespace tracenet::protocol
