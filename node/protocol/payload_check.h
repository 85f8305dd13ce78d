// Checks a decrypted payload against its message kind: FlatBuffers verification first, then
// the rules the schema cannot express (required tables, no Unspecified enum values).
// Thread-safety: free function.
#pragma once

#include "node/common/bytes.h"
#include "node/common/result.h"
#include "node/protocol/wire.h"

namespace tracenet::protocol {

Status CheckPayload(wire::MessageKind kind, ByteView payload);

}  // namespace tracenet::protocol
