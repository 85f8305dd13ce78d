// Fuzz target for the decoders of outside bytes: link frames, envelopes (structure and full
// open with real keys) and payloads of every kind. Must never crash, leak or read out of bounds.
#include <cstddef>
#include <algorithm>
#include <cstdint>

#include "node/crypto/primitives.h"
#include "node/protocol/envelope.h"
#include "node/protocol/link_frame.h"
#include "node/protocol/payload_check.h"

namespace {
using namespace tracenet;

const protocol::Keyring& Keys() {
  static std::shared_ptr<const protocol::Keyring> keys = [] {
    (void)crypto::Init();
    crypto::Identity self = crypto::GenerateIdentity(), peer = crypto::GenerateIdentity();
    protocol::PeerKeys p;
    p.id = "USA-ATF";
    p.sign_public = peer.pub.sign_public;
    p.enc_public = peer.pub.enc_public;
    return *protocol::Keyring::Create("MEX-FGR", self, {p});
  }();
  return *keys;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView bytes(data, size);
  // The same bytes at an odd address, as a frame or a nested buffer may arrive: the decoders
  // must read them without a misaligned load.
  Bytes shifted(size + 3);
  std::copy(data, data + size, shifted.begin() + 3);
  ByteView odd(shifted.data() + 3, size);
  if (auto frame = protocol::DecodeLinkFrame(odd, 1 << 20))
    if (auto* deliver = std::get_if<protocol::DeliverFrame>(&*frame)) (void)protocol::ParseEnvelope(deliver->envelope, 1 << 20);
  (void)protocol::ParseEnvelope(odd, 1 << 20);
  if (auto frame = protocol::DecodeLinkFrame(bytes, 1 << 20)) {
    if (auto* deliver = std::get_if<protocol::DeliverFrame>(&*frame))
      (void)protocol::OpenEnvelope(deliver->envelope, Keys(), {0, 0, 1 << 20});
  }
  (void)protocol::ParseEnvelope(bytes, 1 << 20);
  (void)protocol::OpenEnvelope(bytes, Keys(), {1'800'000'000'000, 300'000, 1 << 20});
  for (int kind = 0; kind <= static_cast<int>(protocol::wire::MessageKind::MAX) + 1; ++kind)
    (void)protocol::CheckPayload(static_cast<protocol::wire::MessageKind>(kind), bytes);
  return 0;
}
