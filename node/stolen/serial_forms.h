// The forms of a serial number that matching compares (DOMAIN.md §6), from the most literal to
// the most forgiving:
//   normalised  Unicode NFKC, upper case, spaces and punctuation dropped ("ab-123 45" -> "AB12345")
//   ncic        normalised, then letter O read as zero and letters standing between digits
//               dropped, leading and trailing letters kept (NCIC practice: "369J257" -> "369257")
//   skeleton    ncic with the confusable characters folded (I, L -> 1; S -> 5; B -> 8; Z -> 2;
//               G -> 6): only for approximate candidates, never for an exact answer
// A query may also carry wildcards: '?' for one obliterated position, '*' for any run.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "node/common/result.h"

namespace tracenet::stolen {

struct SerialForms {
  std::string normalised;
  std::string ncic;
  std::string skeleton;
  // ncic with the confusables folded. Equal ncic forms give equal folded ncic forms but not
  // always equal skeletons ("369S257" and "369J257": skeletons 3695257 and 369257), so the
  // index also finds a record under this form when it differs from the skeleton.
  std::string folded_ncic;
  bool o_read_as_zero = false;        // ncic differs because an O became 0
  std::string letters_between_digits;  // the letters ncic dropped, in order
};

constexpr size_t kMaxSerialBytes = 64;

// kInvalidArgument for bytes that are not UTF-8, a serial with no letter or digit, or one longer
// than kMaxSerialBytes once normalised. With `wildcards`, '?' and '*' are kept (queries).
Result<SerialForms> SerialFormsOf(std::string_view raw, bool wildcards = false);

// A make or calibre name reduced for table lookups: NFKC, upper case, letters and digits only
// ("Smith & Wesson" -> "SMITHWESSON", "9 mm" -> "9MM"). Empty for invalid UTF-8.
std::string NameKey(std::string_view name);

}  // namespace tracenet::stolen
