// Fuzz target for proof bundles as a third party receives them (tracenet verify-proof): any
// bytes, any JSON shape. Must never crash, and never accept a directory that the pinned
// authority (here a key nobody holds) did not sign.
#include <cstddef>
#include <cstdint>

#include "node/proof/proof_bundle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tracenet;
  nlohmann::json bundle = nlohmann::json::parse(data, data + size, nullptr, false);
  if (bundle.is_discarded()) return 0;
  (void)proof::VerifyBundle(bundle, {}, 0);
  crypto::PublicKey32 nobody{};
  nobody[0] = 1;
  if (proof::VerifyBundle(bundle, {nobody}, 1)) __builtin_trap();
  return 0;
}
