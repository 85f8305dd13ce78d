// JSON text from values that may hold bytes checked nowhere else: nlohmann::json's dump() throws
// on invalid UTF-8 by default, which inside the node loop's transaction or an API handler would
// fail far from the cause. Every JSON the node writes goes through DumpJson, which writes
// U+FFFD for ill-formed bytes instead (defence in depth: text is checked where it enters).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace tracenet {

inline std::string DumpJson(const nlohmann::json& value, int indent = -1) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace tracenet
