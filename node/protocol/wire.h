// The generated wire schema, under one short name for the protocol code.
#pragma once

#include "tracenet/schema/envelope_generated.h"
#include "tracenet/schema/payloads_generated.h"

namespace tracenet::protocol {
namespace wire = ::tracenet::wire::v1;
}  // namespace tracenet::protocol
