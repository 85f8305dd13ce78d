// Who may send which message kind to whom: one table, the same as schema/README.md §12. Checked
// for every envelope a node opens, after its signature and payload, before any handler sees
// it. Rules that need a case (which side of a trace a follow-up may come from, which case an
// answer may touch) are checked by the trace service against the case itself; the table names
// them so the spec and the code say the same thing. Thread-safety: constant data.
#pragma once

#include <string_view>
#include <vector>

#include "node/common/result.h"
#include "node/protocol/wire.h"

namespace tracenet::protocol {

enum class Party { kNational, kHub, kAny };

struct SenderRule {
  wire::MessageKind kind;
  Party sender;      // the role the directory gives the envelope's sender
  Party recipient;   // the role of the node that opens it
  const char* case_rule;  // what the handler checks against the case, for the spec
};

// Every kind the protocol knows, in schema order.
const std::vector<SenderRule>& SenderRules();

// Ok when a sender of role `sender_role` ("hub" or "national") may send `kind` to a node of role
// `recipient_role`; otherwise kNotPermitted naming the rule.
Status CheckSenderRule(wire::MessageKind kind, std::string_view sender_role, std::string_view recipient_role);

}  // namespace tracenet::protocol
