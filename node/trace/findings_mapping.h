// Translation between the wire's trace payloads and the registry adapter contract.
// Thread-safety: pure functions.
#pragma once

#include "adapters/sdk/registry_adapter.h"
#include "node/protocol/wire.h"

namespace tracenet::trace {

namespace wire = protocol::wire;

adapters::WeaponQuery QueryFromRequest(const wire::TraceRequest& request);
// The answer a registry's findings make, as the responding state sends it.
wire::TraceResponseT ResponseFromFindings(const adapters::Findings& findings);
wire::CustodyRole CustodyRoleFromName(std::string_view role);
std::string_view OutcomeName(wire::TraceOutcome outcome);

}  // namespace tracenet::trace
