#include "node/stolen/stolen_index.h"

#include <algorithm>
#include <set>

namespace tracenet::stolen {
namespace {

const std::vector<std::string> kTables = {"records", "by_skeleton", "by_reversed", "by_middle"};
constexpr size_t kScanLimit = 20000;  // index entries per key range, to bound a search's time

Bytes RecordKey(const std::string& owner, const std::string& owner_ref) {
  Bytes key(owner.begin(), owner.end());
  key.push_back(0);
  key.insert(key.end(), owner_ref.begin(), owner_ref.end());
  return key;
}

Bytes Join(std::string_view text, const Bytes& record_key) {
  Bytes key(text.begin(), text.end());
  key.push_back(0);
  key.insert(key.end(), record_key.begin(), record_key.end());
  return key;
}

std::string Reversed(std::string s) {
  std::reverse(s.begin(), s.end());
  return s;
}

// The middle third of a serial of `length` characters: [length / 3, 2 * length / 3).
std::pair<size_t, size_t> MiddleThird(size_t length) { return {length / 3, 2 * length / 3}; }

std::string MiddleKeyText(size_t length, std::string_view middle) {
  return std::string(1, static_cast<char>(std::min<size_t>(length, 255))) + std::string(middle);
}

struct Keys {
  std::string skeleton, reversed, middle;
};

Keys KeysOf(const SerialForms& f) {
  auto [a, b] = MiddleThird(f.skeleton.size());
  return {f.skeleton, Reversed(f.skeleton), MiddleKeyText(f.skeleton.size(), f.skeleton.substr(a, b - a))};
}

}  // namespace

Result<std::unique_ptr<StolenIndex>> StolenIndex::Open(const std::string& dir) {
  auto env = store::Env::Open(dir, kTables, size_t{1} << 30);
  if (!env) return env.error();
  std::unique_ptr<StolenIndex> index(new StolenIndex());
  index->m_env = std::move(*env);
  return index;
}

Status StolenIndex::Unindex(store::Txn& txn, const Bytes& key, const StolenRecord& old) {
  auto forms = SerialFormsOf(old.serial);
  if (!forms) return Status::Ok();  // never indexed
  Keys k = KeysOf(*forms);
  for (auto [table, text] : {std::pair{"by_skeleton", &k.skeleton}, {"by_reversed", &k.reversed}, {"by_middle", &k.middle}}) {
    auto removed = txn.Delete(m_env->table(table), Join(*text, key));
    if (!removed) return removed.error();
  }
  return Status::Ok();
}

Status StolenIndex::Put(const std::vector<StolenRecord>& records) {
  // A batch is written table by table in key order: B-tree inserts in order touch each page
  // once instead of jumping across the tree for every record.
  for (size_t i = 0; i < records.size(); ++i)
    if (Status s = ValidateRecord(records[i]); !s)
      return MakeError(s.error().code, "record " + std::to_string(i + 1) + " (" + records[i].owner_ref + "): " +
                                           s.error().message);
  std::vector<std::pair<Bytes, Bytes>> rows;
  std::vector<Bytes> skeleton_keys, reversed_keys, middle_keys;
  rows.reserve(records.size());
  std::set<Bytes> in_batch;
  for (auto it = records.rbegin(); it != records.rend(); ++it) {  // the last version of a record wins
    const StolenRecord& r = *it;
    Bytes key = RecordKey(r.owner, r.owner_ref);
    if (!in_batch.insert(key).second) continue;
    Keys k = KeysOf(SerialFormsOf(r.serial).value());
    skeleton_keys.push_back(Join(k.skeleton, key));
    reversed_keys.push_back(Join(k.reversed, key));
    middle_keys.push_back(Join(k.middle, key));
    rows.emplace_back(std::move(key), EncodeRecord(r));
  }
  std::sort(rows.begin(), rows.end());
  for (auto* keys : {&skeleton_keys, &reversed_keys, &middle_keys}) std::sort(keys->begin(), keys->end());
  return m_env->Write([&](store::Txn& txn) -> Status {
    for (const auto& [key, value] : rows)  // a record replaced: its old keys go first
      if (auto old = txn.Get(m_env->table("records"), key))
        if (auto decoded = DecodeRecord(*old))
          if (Status s = Unindex(txn, key, *decoded); !s) return s;
    for (const auto& [key, value] : rows)
      if (Status s = txn.Put(m_env->table("records"), key, value); !s) return s;
    for (auto [table, keys] : {std::pair{"by_skeleton", &skeleton_keys}, {"by_reversed", &reversed_keys},
                               {"by_middle", &middle_keys}})
      for (const Bytes& k : *keys)
        if (Status s = txn.Put(m_env->table(table), k, {}); !s) return s;
    return Status::Ok();
  });
}

Result<bool> StolenIndex::Remove(const std::string& owner, const std::string& owner_ref) {
  bool removed = false;
  Status s = m_env->Write([&](store::Txn& txn) -> Status {
    removed = false;
    Bytes key = RecordKey(owner, owner_ref);
    auto old = txn.Get(m_env->table("records"), key);
    if (!old) return Status::Ok();
    if (auto decoded = DecodeRecord(*old))
      if (Status u = Unindex(txn, key, *decoded); !u) return u;
    auto deleted = txn.Delete(m_env->table("records"), key);
    if (!deleted) return deleted.error();
    removed = *deleted;
    return Status::Ok();
  });
  if (!s) return s.error();
  return removed;
}

Result<std::optional<StolenRecord>> StolenIndex::Get(const std::string& owner, const std::string& owner_ref) const {
  std::optional<StolenRecord> found;
  Status s = m_env->Read([&](store::Txn& txn) -> Status {
    if (auto v = txn.Get(m_env->table("records"), RecordKey(owner, owner_ref))) {
      found = DecodeRecord(*v);
      if (!found) return MakeError(Errc::kIo, "record " + owner + "/" + owner_ref + " is corrupt");
    }
    return Status::Ok();
  });
  if (!s) return s.error();
  return found;
}

size_t StolenIndex::size() const {
  size_t n = 0;
  (void)m_env->Read([&](store::Txn& txn) {
    n = txn.Count(m_env->table("records"));
    return Status::Ok();
  });
  return n;
}

Result<SearchResult> StolenIndex::Search(const SearchQuery& query, size_t limit) const {
  const std::string& pattern = query.serial.skeleton;
  bool wildcards = pattern.find_first_of("?*") != std::string::npos;
  // Key ranges to read: (table, key prefix, whole text must equal the prefix).
  struct Range {
    const char* table;
    std::string prefix;
    bool exact;
  };
  std::vector<Range> ranges;
  if (wildcards) {
    size_t head = pattern.find_first_of("?*");
    size_t tail = pattern.size() - 1 - pattern.find_last_of("?*");
    if (head >= 2 && head >= tail) ranges.push_back({"by_skeleton", pattern.substr(0, head), false});
    else if (tail >= 2) ranges.push_back({"by_reversed", Reversed(pattern.substr(pattern.size() - tail)), false});
    else return MakeError(Errc::kInvalidArgument, "a pattern needs at least two known characters at its start or end");
  } else {
    ranges.push_back({"by_skeleton", pattern, true});
    size_t n = pattern.size();
    if (n >= 5 && query.approximate) {  // one or two edits: one third survives intact
      size_t third = std::max<size_t>(n / 3, 2);
      ranges.push_back({"by_skeleton", pattern.substr(0, third), false});
      ranges.push_back({"by_reversed", Reversed(pattern.substr(n - third)), false});
      for (size_t length = n - std::min<size_t>(n, 2); length <= n + 2; ++length) {
        auto [a, b] = MiddleThird(length);
        for (int shift = -2; shift <= 2; ++shift) {
          long start = static_cast<long>(a) + shift;
          if (start < 0 || start + static_cast<long>(b - a) > static_cast<long>(n) || b == a) continue;
          ranges.push_back({"by_middle", MiddleKeyText(length, pattern.substr(static_cast<size_t>(start), b - a)), true});
        }
      }
    }
  }
  SearchResult result;
  std::set<Bytes> seen;
  Status s = m_env->Read([&](store::Txn& txn) -> Status {
    for (const Range& range : ranges) {
      size_t scanned = 0;
      Bytes from(range.prefix.begin(), range.prefix.end());
      if (range.exact) from.push_back(0);
      Status scan = txn.Scan(m_env->table(range.table), from, [&](ByteView k, ByteView) {
        if (k.size() < from.size() || !std::equal(from.begin(), from.end(), k.begin())) return false;
        if (++scanned > kScanLimit) {
          result.truncated = true;
          return false;
        }
        ++result.examined;
        auto nul = std::find(k.begin() + static_cast<long>(range.prefix.size()), k.end(), uint8_t{0});
        if (nul == k.end()) return true;
        seen.emplace(nul + 1, k.end());
        return true;
      });
      if (!scan) return scan;
    }
    for (const Bytes& key : seen) {
      auto value = txn.Get(m_env->table("records"), key);
      if (!value) continue;
      auto record = DecodeRecord(*value);
      if (!record) continue;
      auto forms = SerialFormsOf(record->serial);
      if (!forms) continue;
      if (auto c = MatchRecord(query, {*forms, record->make, record->calibre, record->type}))
        result.hits.push_back({std::move(*record), std::move(*c)});
    }
    return Status::Ok();
  });
  if (!s) return s.error();
  std::stable_sort(result.hits.begin(), result.hits.end(),
                   [](const SearchHit& a, const SearchHit& b) { return a.candidate.score > b.candidate.score; });
  if (result.hits.size() > limit) result.hits.resize(limit);
  return result;
}

}  // namespace tracenet::stolen
