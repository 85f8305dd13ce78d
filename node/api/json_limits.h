// Bounds on what an API body may make the server build: nesting depth, checked by a SAX pass
// that allocates nothing, before any JSON document is built (a deeply nested body of a few
// MiB would otherwise become hundreds of MB of DOM). Thread-safety: free functions.
#pragma once

#include <string_view>

namespace tracenet::api {

inline constexpr size_t kMaxJsonDepth = 32;

// True when `body` is empty, or is JSON nested at most `max_depth` deep. Invalid JSON passes
// here (the route's own parse answers it with 400 bad_json).
bool JsonDepthWithin(std::string_view body, size_t max_depth = kMaxJsonDepth);

}  // namespace tracenet::api
