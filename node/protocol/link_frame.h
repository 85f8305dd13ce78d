// Hop-level frames (schema/envelope.fbs LinkFrame): an envelope to deliver, or the
// acknowledgement of one. One ZeroMQ message carries one frame.
// Thread-safety: free functions.
#pragma once

#include <string>
#include <optional>
#include <variant>

#include "node/common/bytes.h"
#include "node/common/result.h"
#include "node/crypto/secret.h"
#include "node/protocol/wire.h"

namespace tracenet::protocol {

struct DeliverFrame {
  ByteView envelope;  // points into the frame buffer
};

struct HopAckFrame {
  Bytes message_id;
  wire::HopStatus status = wire::HopStatus::Unspecified;
  Errc error = Errc::kInternal;  // meaningful unless status is Accepted without error
  bool has_error = false;
  std::string detail;
};

// Custody of many envelopes from one link, under one hub signature (see CustodyBatch).
struct CustodyBatchFrame {
  std::vector<Bytes> message_ids;
  std::vector<crypto::Hash32> envelope_hashes;
  Bytes signature;
};
constexpr size_t kMaxCustodyBatch = 65536;

// A link frame may be this much larger than the envelope it carries (schema/README.md §1): the
// transport drops anything beyond max_message_bytes + kFrameOverheadBytes.
constexpr size_t kFrameOverheadBytes = 4096;

struct HelloFrame {
  std::vector<uint16_t> protocol_versions;  // as announced; [1] when the sender listed none
};
inline constexpr size_t kMaxAnnouncedVersions = 16;
struct DirectoryUpdateFrame {
  ByteView directory;  // points into the frame buffer
};
struct DirectoryRequestFrame {
  uint64_t have_version = 0;
};

using LinkFrameView = std::variant<DeliverFrame, HopAckFrame, HelloFrame, DirectoryUpdateFrame,
                                   DirectoryRequestFrame, CustodyBatchFrame>;

Bytes EncodeDeliver(ByteView envelope);
// Announces `member` and the protocol versions this node opens (kProtocolVersion).
Bytes EncodeHello(std::string_view member);
Bytes EncodeDirectoryUpdate(ByteView signed_directory);
Bytes EncodeDirectoryRequest(uint64_t have_version);
Bytes EncodeHopAck(ByteView message_id, wire::HopStatus status, std::optional<Errc> error,
                   std::string_view detail);
// What a CustodyBatch signs: every (message id, envelope hash) pair, in order.
Bytes CustodyBatchSigningInput(const std::vector<Bytes>& message_ids, const std::vector<crypto::Hash32>& envelope_hashes);
// A CustodyBatch frame signed with `hub_secret`.
Bytes EncodeCustodyBatch(const std::vector<Bytes>& message_ids, const std::vector<crypto::Hash32>& envelope_hashes,
                         const crypto::SigningSecret& hub_secret);
// Verifies the frame and returns a view of it; refuses oversized or malformed bytes.
Result<LinkFrameView> DecodeLinkFrame(ByteView bytes, size_t max_bytes);

// Errc <-> wire ErrorCode (the first block of Errc mirrors the wire codes one to one).
wire::ErrorCode ToWireError(Errc code);
Errc FromWireError(wire::ErrorCode code);

}  // namespace tracenet::protocol
