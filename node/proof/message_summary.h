// What a disclosed message says, in one sentence for the reader of a proof, and which case and
// messages it names — so a message of another case cannot be passed off as part of this one.
// Thread-safety: pure functions.
#pragma once

#include <set>
#include <string>

#include "node/common/bytes.h"
#include "node/protocol/wire.h"

namespace tracenet::proof {

struct MessageMeaning {
  std::string sentence;       // e.g. "answered: Found, 2 custody records"
  bool names_case = false;    // the payload names the case (or, for a receipt, a message of it)
  std::set<Bytes> receipted;  // for a receipt: the message ids it covers
};

// `payload` has passed CheckPayload for `kind` and is 8-byte aligned. `case_messages` are the
// ids of the bundle's messages (a receipt or an error may name any of them).
MessageMeaning Understand(protocol::wire::MessageKind kind, ByteView payload, ByteView message_id, ByteView case_id,
                          const std::set<Bytes>& case_messages);

}  // namespace tracenet::proof
