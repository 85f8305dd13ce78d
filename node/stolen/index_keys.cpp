#include "node/stolen/index_keys.h"

#include <algorithm>
#include <array>
#include <functional>
#include <optional>
#include <set>

#include "node/stolen/candidate_match.h"
#include "node/stolen/serial_forms.h"

namespace tracenet::stolen {
namespace {

constexpr size_t kMinPairLength = 4;  // a quarter needs a character
constexpr size_t kMaxEdits = 2;
constexpr size_t kMaxKeyLength = 255;  // a key's length is one byte; serials are far shorter
constexpr std::array<std::pair<int, int>, 4> kPairs{{{0, 2}, {0, 3}, {1, 2}, {1, 3}}};

// Quarter k of a serial of `length` characters: [k * length / 4, (k + 1) * length / 4).
size_t QuarterStart(size_t length, int k) { return static_cast<size_t>(k) * length / 4; }
size_t QuarterSize(size_t length, int k) { return QuarterStart(length, k + 1) - QuarterStart(length, k); }

void AppendText(Bytes& out, std::string_view text) { out.insert(out.end(), text.begin(), text.end()); }

Bytes PairPrefix(size_t length, int i, int j, std::string_view qi, std::string_view qj) {
  Bytes key{static_cast<uint8_t>(length), static_cast<uint8_t>(i * 4 + j)};
  AppendText(key, qi);
  AppendText(key, qj);
  return key;
}

// Skeleton and reversed keys start with the serial's length, so that a prefix range holds
// only the records of the length it is meant for.
Bytes TextKey(size_t length, std::string_view text, bool terminated) {
  Bytes key{static_cast<uint8_t>(length)};
  key.insert(key.end(), text.begin(), text.end());
  if (terminated) key.push_back(0);
  return key;
}

std::string Reversed(std::string s) {
  std::reverse(s.begin(), s.end());
  return s;
}

}  // namespace

Bytes RecordIdKey(RecordId id) {
  return {static_cast<uint8_t>(id >> 24), static_cast<uint8_t>(id >> 16), static_cast<uint8_t>(id >> 8),
          static_cast<uint8_t>(id)};
}

RecordId RecordIdFromKey(ByteView key) {
  RecordId id = 0;
  for (size_t i = key.size() - 4; i < key.size(); ++i) id = (id << 8) | key[i];
  return id;
}

Bytes WithId(Bytes key, RecordId id) {
  Bytes id_key = RecordIdKey(id);
  key.insert(key.end(), id_key.begin(), id_key.end());
  return key;
}

std::vector<std::string> ExactTexts(const SerialForms& forms) {
  if (forms.folded_ncic == forms.skeleton) return {forms.skeleton};
  return {forms.skeleton, forms.folded_ncic};
}

std::vector<IndexKey> KeysOfRecord(const SerialForms& forms) {
  std::vector<IndexKey> keys;
  for (const std::string& text : ExactTexts(forms)) keys.push_back({KeyKind::kSkeleton, TextKey(text.size(), text, true)});
  const std::string& skeleton = forms.skeleton;
  size_t n = skeleton.size();
  keys.push_back({KeyKind::kReversed, TextKey(n, Reversed(skeleton), true)});
  if (n >= kMinPairLength && n <= kMaxKeyLength)
    for (auto [i, j] : kPairs)
      keys.push_back({KeyKind::kPair, PairPrefix(n, i, j, std::string_view(skeleton).substr(QuarterStart(n, i), QuarterSize(n, i)),
                                                 std::string_view(skeleton).substr(QuarterStart(n, j), QuarterSize(n, j)))});
  return keys;
}

KeyRange ExactRange(const std::string& text) { return {KeyKind::kSkeleton, TextKey(text.size(), text, true)}; }

namespace {

using AddRange = std::function<void(KeyKind, Bytes)>;

// Ranges for the records a match allows around `q`, `used` of whose edits were swaps already
// undone to make `q`. Insertions, deletions and substitutions damage one quarter each, so
// with two of them two quarters survive (a half, or one quarter of each half: the pairs), and
// with one a half survives. A swap damages two neighbouring characters, possibly in two
// quarters: the ranges of each query with one swap undone cover those.
void AddRangesAround(const std::string& q, size_t used, const AddRange& add) {
  const size_t n = q.size();
  if (used > 0) add(KeyKind::kSkeleton, TextKey(n, q, true));  // every edit was a swap
  bool swaps_left = false;
  for (size_t length = n > kMaxEdits ? n - kMaxEdits : 1; length <= n + kMaxEdits && length <= kMaxKeyLength; ++length) {
    size_t allowed = AllowedEdits(std::min(n, length));
    if (allowed <= used) continue;
    size_t edits = allowed - used;
    swaps_left = swaps_left || length == n;
    if ((length > n ? length - n : n - length) > edits) continue;
    // One survivor, or both, in one half: the record's first (or last) half is a prefix
    // (suffix) of the query.
    size_t head = std::min(std::max<size_t>(length / 2, 1), n);
    add(KeyKind::kSkeleton, TextKey(length, q.substr(0, head), false));
    size_t tail = std::min(std::max<size_t>(length - length / 2, 1), n);
    add(KeyKind::kReversed, TextKey(length, Reversed(q.substr(n - tail)), false));
    if (edits < 2 || length < kMinPairLength) continue;
    // One survivor in each half, each displaced by the insertions and deletions before it.
    int end_shift = static_cast<int>(n) - static_cast<int>(length);
    for (auto [i, j] : kPairs)
      for (int si = -2; si <= 2; ++si)
        for (int sj = -2; sj <= 2; ++sj) {
          if (static_cast<size_t>(std::abs(si) + std::abs(sj - si) + std::abs(end_shift - sj)) > edits) continue;
          long ai = static_cast<long>(QuarterStart(length, i)) + si, aj = static_cast<long>(QuarterStart(length, j)) + sj;
          size_t li = QuarterSize(length, i), lj = QuarterSize(length, j);
          if (ai < 0 || aj < 0 || static_cast<size_t>(ai) + li > n || static_cast<size_t>(aj) + lj > n) continue;
          add(KeyKind::kPair, PairPrefix(length, i, j, std::string_view(q).substr(static_cast<size_t>(ai), li),
                                         std::string_view(q).substr(static_cast<size_t>(aj), lj)));
        }
  }
  if (!swaps_left) return;
  for (size_t i = 0; i + 1 < n; ++i) {
    if (q[i] == q[i + 1]) continue;
    std::string unswapped = q;
    std::swap(unswapped[i], unswapped[i + 1]);
    AddRangesAround(unswapped, used + 1, add);
  }
}

}  // namespace

std::vector<KeyRange> ApproximateRanges(const std::string& q) {
  std::vector<KeyRange> ranges;
  std::set<std::pair<KeyKind, Bytes>> seen;
  AddRangesAround(q, 0, [&](KeyKind kind, Bytes prefix) {
    if (seen.emplace(kind, prefix).second) ranges.push_back({kind, std::move(prefix)});
  });
  return ranges;
}

std::vector<KeyRange> PatternRanges(const std::string& pattern) {
  size_t first = pattern.find_first_of("?*");
  if (first == std::string::npos) return {ExactRange(pattern)};
  size_t tail = pattern.size() - 1 - pattern.find_last_of("?*");
  if (first < 2 && tail < 2) return {};
  // The lengths a match can have: exactly the pattern's without '*', else any from the
  // characters it names up.
  size_t stars = static_cast<size_t>(std::count(pattern.begin(), pattern.end(), '*'));
  size_t shortest = pattern.size() - stars, longest = stars ? kMaxSerialBytes : pattern.size();
  std::vector<KeyRange> ranges;
  for (size_t length = std::max<size_t>(shortest, 1); length <= longest && length <= kMaxKeyLength; ++length) {
    if (first >= 2 && first >= tail)
      ranges.push_back({KeyKind::kSkeleton, TextKey(length, pattern.substr(0, first), false)});
    else
      ranges.push_back({KeyKind::kReversed, TextKey(length, Reversed(pattern.substr(pattern.size() - tail)), false)});
  }
  return ranges;
}

std::optional<EntryRef> ParseEntry(KeyKind kind, ByteView key, ByteView value) {
  if (key.size() < 5) return std::nullopt;
  EntryRef ref{{}, RecordIdFromKey(key)};
  if (kind == KeyKind::kPair) {
    ref.skeleton.assign(value.begin(), value.end());
  } else {
    auto nul = std::find(key.begin() + 1, key.end() - 4, uint8_t{0});
    ref.skeleton.assign(key.begin() + 1, nul);
    if (kind == KeyKind::kReversed) ref.skeleton = Reversed(std::move(ref.skeleton));
  }
  return ref;
}

}  // namespace tracenet::stolen
