#include "node/stolen/index_keys.h"

#include <algorithm>
#include <array>
#include <optional>
#include <set>

namespace tracenet::stolen {
namespace {

constexpr size_t kMinPairLength = 4;  // a quarter needs a character
constexpr size_t kMaxEdits = 2;
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

Bytes TextKey(std::string_view text, bool terminated) {
  Bytes key(text.begin(), text.end());
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

std::vector<IndexKey> KeysOfRecord(const std::string& skeleton) {
  std::vector<IndexKey> keys;
  keys.push_back({KeyKind::kSkeleton, TextKey(skeleton, true)});
  keys.push_back({KeyKind::kReversed, TextKey(Reversed(skeleton), true)});
  size_t n = skeleton.size();
  if (n >= kMinPairLength && n <= 255)
    for (auto [i, j] : kPairs)
      keys.push_back({KeyKind::kPair, PairPrefix(n, i, j, std::string_view(skeleton).substr(QuarterStart(n, i), QuarterSize(n, i)),
                                                 std::string_view(skeleton).substr(QuarterStart(n, j), QuarterSize(n, j)))});
  return keys;
}

KeyRange ExactRange(const std::string& skeleton) { return {KeyKind::kSkeleton, TextKey(skeleton, true)}; }

std::vector<KeyRange> ApproximateRanges(const std::string& q) {
  std::vector<KeyRange> ranges;
  std::set<std::pair<KeyKind, Bytes>> seen;
  auto add = [&](KeyKind kind, Bytes prefix) {
    if (seen.emplace(kind, prefix).second) ranges.push_back({kind, std::move(prefix)});
  };
  const size_t n = q.size();
  const size_t shortest = n > kMaxEdits ? n - kMaxEdits : 1;
  // Both survivors in one half: the record's first (or last) half is a prefix (suffix) of the
  // query. The shortest record length gives the shortest half, whose range holds the others.
  size_t head = std::max<size_t>(shortest / 2, 1);
  add(KeyKind::kSkeleton, TextKey(q.substr(0, head), false));
  size_t tail = std::max<size_t>(shortest - shortest / 2, 1);
  add(KeyKind::kReversed, TextKey(Reversed(q.substr(n - std::min(tail, n))), false));
  // One survivor in each half, each displaced by the insertions and deletions before it.
  for (size_t length = std::max(shortest, kMinPairLength); length <= n + kMaxEdits && length <= 255; ++length) {
    int end_shift = static_cast<int>(n) - static_cast<int>(length);
    for (auto [i, j] : kPairs)
      for (int si = -2; si <= 2; ++si)
        for (int sj = -2; sj <= 2; ++sj) {
          if (static_cast<size_t>(std::abs(si) + std::abs(sj - si) + std::abs(end_shift - sj)) > kMaxEdits) continue;
          long ai = static_cast<long>(QuarterStart(length, i)) + si, aj = static_cast<long>(QuarterStart(length, j)) + sj;
          size_t li = QuarterSize(length, i), lj = QuarterSize(length, j);
          if (ai < 0 || aj < 0 || static_cast<size_t>(ai) + li > n || static_cast<size_t>(aj) + lj > n) continue;
          add(KeyKind::kPair, PairPrefix(length, i, j, std::string_view(q).substr(static_cast<size_t>(ai), li),
                                         std::string_view(q).substr(static_cast<size_t>(aj), lj)));
        }
  }
  return ranges;
}

std::optional<KeyRange> PatternRange(const std::string& pattern) {
  size_t first = pattern.find_first_of("?*");
  if (first == std::string::npos) return ExactRange(pattern);
  size_t tail = pattern.size() - 1 - pattern.find_last_of("?*");
  if (first >= 2 && first >= tail) return KeyRange{KeyKind::kSkeleton, TextKey(pattern.substr(0, first), false)};
  if (tail >= 2) return KeyRange{KeyKind::kReversed, TextKey(Reversed(pattern.substr(pattern.size() - tail)), false)};
  return std::nullopt;
}

std::optional<EntryRef> ParseEntry(KeyKind kind, ByteView key, ByteView value) {
  if (key.size() < 5) return std::nullopt;
  EntryRef ref{{}, RecordIdFromKey(key)};
  if (kind == KeyKind::kPair) {
    ref.skeleton.assign(value.begin(), value.end());
  } else {
    auto nul = std::find(key.begin(), key.end() - 4, uint8_t{0});
    ref.skeleton.assign(key.begin(), nul);
    if (kind == KeyKind::kReversed) ref.skeleton = Reversed(std::move(ref.skeleton));
  }
  return ref;
}

}  // namespace tracenet::stolen
