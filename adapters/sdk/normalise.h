// Normal forms for the fields a registry lookup matches on. These are the exact-match rules of
// DOMAIN.md §6 (case, spaces and punctuation dropped, letter O read as zero); approximate
// matching lives with the lost/stolen index. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace tracenet::adapters {

// Upper-cases ASCII letters, drops everything that is not a letter or digit, and maps the
// letter O to the digit 0 (NCIC practice: the two are indistinguishable on a worn marking).
std::string NormaliseSerial(std::string_view serial);
// Upper-cases, drops non-alphanumerics and resolves common aliases to one canonical name
// ("S&W" -> "SMITHWESSON", "FN" -> "FNHERSTAL").
std::string NormaliseMake(std::string_view make);

}  // namespace tracenet::adapters
