// The keys that let the lost/stolen index find candidates for every matching rule by reading a
// few short key ranges instead of the index (DOMAIN.md §6):
//   skeleton ++ 0 ++ id        equal after normalisation, NCIC or confusables (the skeleton is
//                              the coarsest of those forms); a range of them is a prefix search
//   reversed skeleton ++ 0 ++ id   suffix searches
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

namespace tracenet::stolen {

using RecordId = uint32_t;

enum class KeyKind { kSkeleton, kReversed, kPair };

struct IndexKey {
  KeyKind kind;
  Bytes key;  // without the record id that ends it in the table (WithId)
};

// The keys of a record whose serial has skeleton `skeleton`. Pair keys store the skeleton as
// their value; the others hold it in the key.
std::vector<IndexKey> KeysOfRecord(const std::string& skeleton);
Bytes WithId(Bytes key, RecordId id);

// A key range to read: every key that starts with `prefix`.
struct KeyRange {
  KeyKind kind;
  Bytes prefix;
};

// Exact: records whose skeleton equals `skeleton`.
KeyRange ExactRange(const std::string& skeleton);
// Ranges that hold every record within two edits of `skeleton` (plus others the caller filters).
std::vector<KeyRange> ApproximateRanges(const std::string& skeleton);
// A wildcard pattern: the prefix before its first wildcard or the suffix after its last,
// whichever is longer; nullopt when neither has two known characters.
std::optional<KeyRange> PatternRange(const std::string& pattern);

// The skeleton and record id an index entry names.
struct EntryRef {
  std::string skeleton;
  RecordId id = 0;
};
std::optional<EntryRef> ParseEntry(KeyKind kind, ByteView key, ByteView value);

Bytes RecordIdKey(RecordId id);
RecordId RecordIdFromKey(ByteView key);

}  // namespace tracenet::stolen
