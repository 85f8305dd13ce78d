// The keys that let the lost/stolen index find candidates for every matching rule by reading a
// few short key ranges instead of the index (DOMAIN.md §6):
//   length, skeleton ++ 0 ++ id   equal after normalisation, NCIC or confusables (the skeleton
//                              is the coarsest of those forms); a range of them is a prefix search
//   length, reversed skeleton ++ 0 ++ id   suffix searches
//   length, pair, quarter i ++ quarter j ++ id  -> skeleton     one or two edits
// Why quarter pairs: split a serial into four quarters; two edits damage at most two, so two
// quarters survive intact. When both survivors are in the same half, that half is a prefix or
// suffix (the first two key kinds); otherwise one survivor is in each half: pairs (0,2), (0,3),
// (1,2), (1,3). Half a serial is selective even where a maker's prefix is shared by millions.
// Insertions and deletions shift a quarter by at most two places, so a query tries each record
// length within two of its own and each shift the remaining edits allow.
// Every key carries the whole skeleton, so a range is filtered before any record is read.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "node/common/bytes.h"
#include "node/stolen/serial_forms.h"

namespace tracenet::stolen {

using RecordId = uint32_t;

enum class KeyKind { kSkeleton, kReversed, kPair };

struct IndexKey {
  KeyKind kind;
  Bytes key;  // without the record id that ends it in the table (WithId)
};

// The texts an exact search finds a serial under: its skeleton, and its folded ncic form when
// that differs (see SerialForms::folded_ncic).
std::vector<std::string> ExactTexts(const SerialForms& forms);
// The keys of a record whose serial has these forms. Pair keys store the skeleton as their
// value; the others hold their text in the key.
std::vector<IndexKey> KeysOfRecord(const SerialForms& forms);
Bytes WithId(Bytes key, RecordId id);

// A key range to read: every key that starts with `prefix`.
struct KeyRange {
  KeyKind kind;
  Bytes prefix;
};

// Exact: records found under `text` (one of ExactTexts).
KeyRange ExactRange(const std::string& text);
// Ranges that hold every record within the edits AllowedEdits grants of `skeleton` (plus
// others the caller filters).
std::vector<KeyRange> ApproximateRanges(const std::string& skeleton);
// A wildcard pattern: the prefix before its first wildcard or the suffix after its last,
// whichever is longer, for each length a match can have; none when neither has two known
// characters.
std::vector<KeyRange> PatternRanges(const std::string& pattern);

// The skeleton and record id an index entry names.
struct EntryRef {
  std::string skeleton;
  RecordId id = 0;
};
std::optional<EntryRef> ParseEntry(KeyKind kind, ByteView key, ByteView value);

Bytes RecordIdKey(RecordId id);
RecordId RecordIdFromKey(ByteView key);

}  // namespace tracenet::stolen
