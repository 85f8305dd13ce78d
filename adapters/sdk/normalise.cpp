#include "adapters/sdk/normalise.h"

#include <array>
#include <utility>

namespace tracenet::adapters {

namespace {
std::string UpperAlnum(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (char c : in) {
    if (c >= 'a' && c <= 'z') out.push_back(static_cast<char>(c - 'a' + 'A'));
    else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) out.push_back(c);
  }
  return out;
}

// Alias -> canonical normalised make. Kept short here: the versioned alias tables of the
// lost/stolen matcher extend it.
constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kMakeAliases{{
    {"SW", "SMITHWESSON"},
    {"SMITHANDWESSON", "SMITHWESSON"},
    {"FN", "FNHERSTAL"},
    {"FABRIQUENATIONALE", "FNHERSTAL"},
    {"FNH", "FNHERSTAL"},
    {"HK", "HECKLERKOCH"},
    {"HECKLERANDKOCH", "HECKLERKOCH"},
    {"RUGER", "STURMRUGER"},
    {"STURMRUGERCO", "STURMRUGER"},
    {"CZ", "CESKAZBROJOVKA"},
    {"CZUB", "CESKAZBROJOVKA"},
    {"SIG", "SIGSAUER"},
}};
}  // namespace

std::string NormaliseSerial(std::string_view serial) {
  std::string out = UpperAlnum(serial);
  for (char& c : out)
    if (c == 'O') c = '0';
  return out;
}

std::string NormaliseMake(std::string_view make) {
  std::string out = UpperAlnum(make);
  for (const auto& [alias, canonical] : kMakeAliases)
    if (out == alias) return std::string(canonical);
  return out;
}

}  // namespace tracenet::adapters
