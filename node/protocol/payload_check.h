// Checks a decrypted payload against its message kind: FlatBuffers verification first, then
// the rules the schema cannot express (required tables, no Unspecified enum values).
// Thread-safety: free function.
#pragma once

#include "node/common/bytes.h"
#include "node/common/result.h"
#include "node/protocol/wire.h"

namespace tracenet::protocol {

inline constexpr size_t kMaxFollowUpText = 4096;  // a cancellation reason, a question or an answer
inline constexpr size_t kMaxRequestIdBytes = 128;  // the requester's reference, echoed in acknowledgements

// Checks an aligned copy when `payload` is not 8-byte aligned. Callers that then read the
// payload in place must hold it aligned themselves (a Bytes buffer is; see AlignedBytes).
Status CheckPayload(wire::MessageKind kind, ByteView payload);

}  // namespace tracenet::protocol
