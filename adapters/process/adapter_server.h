// The adapter side of the JSON-lines protocol, for any RegistryAdapter: `tracenet adapter
// serve` runs it to host a plugin in its own process (so a crashing plugin cannot take the node
// down) or a built-in adapter behind the protocol (to measure its cost).
// Thread-safety: runs on the calling thread until its input ends.
#pragma once

#include <functional>
#include <memory>

#include <nlohmann/json.hpp>

#include "adapters/sdk/registry_adapter.h"

namespace tracenet::adapters {

// Builds the adapter from the settings the node's hello carries.
using AdapterFromHello = std::function<Result<std::unique_ptr<RegistryAdapter>>(const nlohmann::json& settings)>;

// Reads requests from in_fd and writes replies to out_fd until the input ends. Returns 0 on a
// clean end, 1 when the hello was refused or the input broke the protocol.
int ServeAdapter(int in_fd, int out_fd, const AdapterFromHello& make_adapter);

}  // namespace tracenet::adapters
