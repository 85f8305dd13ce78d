// The worked examples in schema/test-vectors/, built with the node's own code from fixed seeds,
// ids, times and nonces, so an implementer in any language can check each step of theirs
// against them, and a unit test can regenerate them and notice any drift.
// Thread-safety: pure functions.
#pragma once

#include <functional>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/in_process_federation.h"

namespace tracenet::test_support {

// The members every vector is between: two national centres and a hub.
extern const Member kVectorMex;  // MEX-FGR, national
extern const Member kVectorKen;  // KEN-NFB, national
extern const Member kVectorHub;  // HUB-LYON, hub
// The instant every vector is made at, and checked at unless it says otherwise.
inline constexpr uint64_t kVectorNowMs = 1'900'000'000'000;

// The envelope with its routing header altered by `change` and signed again by `signer` over the
// new header, so only the altered field is wrong (the ciphertext is left as it was).
Bytes Resigned(ByteView envelope, const Member& signer, const std::function<void(protocol::wire::RoutingHeaderT&)>& change);

// File name (under schema/test-vectors/) -> its JSON.
std::map<std::string, nlohmann::ordered_json> BuildTestVectors();

}  // namespace tracenet::test_support
