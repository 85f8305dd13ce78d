// Checks for text that comes from outside (wire payloads, API bodies, registry answers, CSV
// imports, directory documents): valid UTF-8, no control characters other than tab and line
// breaks, and a length limit. Text is checked where it enters, so nothing further in can meet
// bytes it cannot log, store as JSON or show. Thread-safety: free functions.
#pragma once

#include <string>
#include <string_view>

#include "node/common/result.h"

namespace tracenet {

// Ok when `text` is valid UTF-8 of at most `max_bytes` bytes without NUL or other control
// characters (tab, line feed and carriage return are allowed). Otherwise an error of code
// `code` that names `field` and says what is wrong (never echoes the bytes).
Status CheckText(std::string_view text, std::string_view field, size_t max_bytes,
                 Errc code = Errc::kInvalidArgument);

// A member id (in routing headers, directories, logs): 1 to 64 ASCII letters, digits, '.', '_'
// or '-' — nothing a log line, a path or a JSON string could be confused by.
bool IsMemberId(std::string_view id);

// `text` with every ill-formed sequence replaced by U+FFFD, for logging or showing bytes that
// were not checked at their source.
std::string ValidUtf8Or(std::string_view text);

}  // namespace tracenet
