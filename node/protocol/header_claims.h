// What a payload says about its own message must agree with the signed routing header: a
// request's `request_id` and `requesting_state`, an acknowledgement's `request_id`. The header
// is authoritative (schema/README.md §6); a payload that contradicts it is refused rather than
// silently believed or ignored. Thread-safety: free function.
#pragma once

#include <string_view>

#include "node/common/bytes.h"
#include "node/common/result.h"
#include "node/protocol/wire.h"

namespace tracenet::protocol {

// `payload` has passed CheckPayload for `kind` and is 8-byte aligned.
Status CheckHeaderClaims(wire::MessageKind kind, std::string_view sender, ByteView message_id, ByteView payload);

}  // namespace tracenet::protocol
