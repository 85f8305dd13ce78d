#include "node/stolen/serial_forms.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace tracenet::stolen {
namespace {

// NFKC with case folding, then each code point passed to `keep`: letters and digits (any
// script) upper-cased, everything else dropped unless `keep_also` says so.
Result<std::string> Fold(std::string_view raw, std::string_view keep_also) {
  utf8proc_uint8_t* mapped = nullptr;
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(raw.data()),
                                    static_cast<utf8proc_ssize_t>(raw.size()), &mapped,
                                    static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT));
  if (n < 0) return MakeError(Errc::kInvalidArgument, std::string("not valid UTF-8: ") + utf8proc_errmsg(n));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(mapped, &std::free);
  std::string out;
  for (utf8proc_ssize_t i = 0; i < n;) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t len = utf8proc_iterate(mapped + i, n - i, &cp);
    if (len <= 0) return MakeError(Errc::kInvalidArgument, "not valid UTF-8");
    i += len;
    utf8proc_category_t category = utf8proc_category(cp);
    bool alnum = (category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_LO) ||
                 category == UTF8PROC_CATEGORY_ND;
    if (!alnum && !(cp < 128 && keep_also.find(static_cast<char>(cp)) != std::string_view::npos)) continue;
    if (alnum) cp = utf8proc_toupper(cp);
    utf8proc_uint8_t encoded[4];
    utf8proc_ssize_t written = utf8proc_encode_char(cp, encoded);
    out.append(reinterpret_cast<const char*>(encoded), static_cast<size_t>(written));
  }
  return out;
}

bool IsAsciiLetter(char c) { return c >= 'A' && c <= 'Z'; }

char Confusable(char c) {
  switch (c) {
    case 'I': case 'L': return '1';
    case 'S': return '5';
    case 'B': return '8';
    case 'Z': return '2';
    case 'G': return '6';
    default: return c;
  }
}

// Letters strictly between the first and the last digit of `span_of` are dropped from `s` (the
// same string, or it with confusables folded: positions agree); leading and trailing letters
// stay. Wildcards and non-ASCII letters are kept as they are.
std::string DropLettersBetweenDigits(const std::string& s, const std::string& span_of, std::string* dropped) {
  size_t first = span_of.find_first_of("0123456789"), last = span_of.find_last_of("0123456789");
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (first != std::string::npos && i > first && i < last && IsAsciiLetter(s[i])) {
      if (dropped) dropped->push_back(s[i]);
      continue;
    }
    out.push_back(s[i]);
  }
  return out;
}

}  // namespace

Result<SerialForms> SerialFormsOf(std::string_view raw, bool wildcards) {
  auto folded = Fold(raw, wildcards ? "?*" : "");
  if (!folded) return folded.error();
  SerialForms f;
  f.normalised = std::move(*folded);
  if (f.normalised.find_first_not_of("?*") == std::string::npos)
    return MakeError(Errc::kInvalidArgument, "a serial needs at least one letter or digit");
  if (f.normalised.size() > kMaxSerialBytes)
    return MakeError(Errc::kInvalidArgument, "serial is longer than " + std::to_string(kMaxSerialBytes) + " characters");
  std::string zeroed = f.normalised;
  for (char& c : zeroed)
    if (c == 'O') {
      c = '0';
      f.o_read_as_zero = true;
    }
  f.ncic = DropLettersBetweenDigits(zeroed, zeroed, &f.letters_between_digits);
  // Confusables are folded before the letters between digits go, so that "369S257" (an S read
  // for a 5) keeps its digit: skeleton "3695257". Which letters stand between digits is decided
  // on the unfolded serial, so a leading "B" folded to "8" does not swallow the letters after it.
  std::string folded_confusables = zeroed;
  for (char& c : folded_confusables) c = Confusable(c);
  f.skeleton = DropLettersBetweenDigits(folded_confusables, zeroed, nullptr);
  f.folded_ncic = f.ncic;
  for (char& c : f.folded_ncic) c = Confusable(c);
  return f;
}

std::string NameKey(std::string_view name) {
  auto folded = Fold(name, "");
  return folded ? *folded : std::string();
}

}  // namespace tracenet::stolen
