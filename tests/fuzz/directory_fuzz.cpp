// Fuzz target for directories as they arrive from a hub or a file: the signed wrapper, the
// document inside it, and the trust check. Must never crash or accept an unsigned document.
#include <cstddef>
#include <cstdint>

#include "node/directory/directory_trust.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tracenet;
  ByteView bytes(data, size);
  (void)directory::DecodeDocument(bytes);
  auto signed_directory = directory::DecodeSigned(bytes);
  if (!signed_directory) return 0;
  (void)directory::DecodeDocument(signed_directory->document);
  directory::TrustAnchor anchor{"fuzz", {crypto::PublicKey32{}}, 1};
  if (directory::VerifyDirectory(*signed_directory, anchor, {}, 0)) __builtin_trap();  // nobody signed it
  return 0;
}
