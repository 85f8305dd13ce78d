// Walks a verified FlatBuffer by its schema's type table and checks every string in it (at any
// depth, in vectors too) with CheckText: valid UTF-8, no control characters, a length limit.
// The FlatBuffers Verifier checks bounds only; this is what makes decoded text safe to log,
// store as JSON and show. Thread-safety: free function.
#pragma once

#include <flatbuffers/flatbuffers.h>
#include <flatbuffers/minireflect.h>

#include "node/common/result.h"

namespace tracenet::protocol {

inline constexpr size_t kMaxTextFieldBytes = 64 * 1024;

// `root` must have passed the Verifier for the type `table` describes (unions and structs are
// not walked: the wire schema has no strings in either). The error names the field's path.
Status CheckTextFields(const uint8_t* root, const flatbuffers::TypeTable* table,
                       size_t max_bytes = kMaxTextFieldBytes, Errc code = Errc::kInvalidPayload);

}  // namespace tracenet::protocol
