#include "node/common/text.h"

#include <utf8proc.h>

namespace tracenet {

namespace {

// Visits each code point; returns the offset of the first ill-formed sequence, or npos.
template <typename Visit>
size_t Iterate(std::string_view text, Visit visit) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  size_t offset = 0;
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0 || cp < 0) return offset;
    if (!visit(cp, offset)) return std::string_view::npos - 1;
    p += n;
    left -= n;
    offset += static_cast<size_t>(n);
  }
  return std::string_view::npos;
}

}  // namespace

Status CheckText(std::string_view text, std::string_view field, size_t max_bytes, Errc code) {
  if (text.size() > max_bytes)
    return MakeError(code, std::string(field) + " is " + std::to_string(text.size()) + " bytes long; at most " +
                               std::to_string(max_bytes) + " are allowed");
  size_t control_at = 0;
  size_t bad = Iterate(text, [&](utf8proc_int32_t cp, size_t offset) {
    bool control = (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f;
    if (control) control_at = offset;
    return !control;
  });
  if (bad == std::string_view::npos - 1)
    return MakeError(code, std::string(field) + " contains a control character at byte " + std::to_string(control_at));
  if (bad != std::string_view::npos)
    return MakeError(code, std::string(field) + " is not valid UTF-8 (at byte " + std::to_string(bad) + ")");
  return Status::Ok();
}

bool IsMemberId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      return false;
  return true;
}

std::string ValidUtf8Or(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0 || cp < 0) {
      out += "\xEF\xBF\xBD";
      ++p;
      --left;
      continue;
    }
    out.append(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
    p += n;
    left -= n;
  }
  return out;
}

}  // namespace tracenet
