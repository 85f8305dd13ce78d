#include "node/stolen/stolen_index.h"

#include <algorithm>
#include <set>

namespace tracenet::stolen {
namespace {

const std::vector<std::string> kTables = {"records", "by_ref", "by_skeleton", "by_reversed", "by_pairs", "meta"};
constexpr size_t kScanLimit = 20000;  // index entries per key range, to bound a search's time
constexpr RecordId kStale = 0;  // ids start at 1; marks a batch item older than the stored version
const Bytes kNextIdKey = {'n', 'e', 'x', 't', '_', 'i', 'd'};

const char* TableOf(KeyKind kind) {
  switch (kind) {
    case KeyKind::kSkeleton: return "by_skeleton";
    case KeyKind::kReversed: return "by_reversed";
    case KeyKind::kPair: return "by_pairs";
  }
  return "";
}

Bytes RefKey(const std::string& owner, const std::string& owner_ref) {
  Bytes key(owner.begin(), owner.end());
  key.push_back(0);
  key.insert(key.end(), owner_ref.begin(), owner_ref.end());
  return key;
}

std::optional<RecordId> IdOf(const store::Txn& txn, const store::Env& env, const Bytes& ref_key) {
  auto v = txn.Get(env.table("by_ref"), ref_key);
  if (!v || v->size() != 4) return std::nullopt;
  return RecordIdFromKey(*v);
}

}  // namespace

Result<std::unique_ptr<StolenIndex>> StolenIndex::Open(const std::string& dir) {
  // Written in place (MDB_WRITEMAP), the file is as large as the map: start small, it doubles.
  auto env = store::Env::Open(dir, kTables, size_t{64} << 20, /*write_map=*/true);
  if (!env) return env.error();
  std::unique_ptr<StolenIndex> index(new StolenIndex());
  index->m_env = std::move(*env);
  return index;
}

Status StolenIndex::Unindex(store::Txn& txn, RecordId id, const StolenRecord& old) {
  auto forms = SerialFormsOf(old.serial);
  if (!forms) return Status::Ok();  // never indexed
  for (const IndexKey& k : KeysOfRecord(forms->skeleton))
    if (auto removed = txn.Delete(m_env->table(TableOf(k.kind)), WithId(k.key, id)); !removed) return removed.error();
  return Status::Ok();
}

Result<PreparedBatch> StolenIndex::Prepare(const std::vector<StolenRecord>& records) {
  for (size_t i = 0; i < records.size(); ++i)
    if (Status s = ValidateRecord(records[i]); !s)
      return MakeError(s.error().code, "record " + std::to_string(i + 1) + " (" + records[i].owner_ref + "): " +
                                           s.error().message);
  std::vector<std::pair<Bytes, const StolenRecord*>> latest;
  latest.reserve(records.size());
  for (const StolenRecord& r : records) latest.emplace_back(RefKey(r.owner, r.owner_ref), &r);
  // Stable, so that of two versions of a record the later one is last and wins.
  std::stable_sort(latest.begin(), latest.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  PreparedBatch batch;
  batch.items.reserve(latest.size());
  for (size_t i = 0; i < latest.size(); ++i) {
    if (i + 1 < latest.size() && latest[i + 1].first == latest[i].first) continue;
    const StolenRecord& r = *latest[i].second;
    auto item = static_cast<uint32_t>(batch.items.size());
    batch.items.push_back({std::move(latest[i].first), EncodeSignedRecord(r), SerialFormsOf(r.serial).value().skeleton, r.version_ms});
    for (IndexKey& k : KeysOfRecord(batch.items.back().skeleton))
      batch.keys[static_cast<int>(k.kind)].push_back({std::move(k.key), item});
  }
  // Written table by table in key order: B-tree inserts in order touch each page once instead
  // of jumping across the tree for every record.
  for (auto& keys : batch.keys)
    std::sort(keys.begin(), keys.end(), [](const PreparedBatch::Key& a, const PreparedBatch::Key& b) { return a.text < b.text; });
  return batch;
}

Status StolenIndex::Commit(PreparedBatch batch) {
  return m_env->Write([&](store::Txn& txn) -> Status {
    uint64_t next_id = 1;
    if (auto v = txn.Get(m_env->table("meta"), kNextIdKey)) next_id = store::U64FromKey(*v);
    std::vector<RecordId> ids(batch.items.size());
    std::vector<uint32_t> added;  // items new to the index, by ref; they take increasing ids
    for (uint32_t i = 0; i < batch.items.size(); ++i) {
      const PreparedBatch::Item& item = batch.items[i];
      if (auto existing = IdOf(txn, *m_env, item.ref)) {
        ids[i] = *existing;
        if (auto old = txn.Get(m_env->table("records"), RecordIdKey(ids[i])))
          if (auto decoded = DecodeSignedRecord(*old)) {
            if (decoded->version_ms > item.version_ms) {  // a newer version is already here
              ids[i] = kStale;
              continue;
            }
            if (Status s = Unindex(txn, ids[i], *decoded); !s) return s;
          }
        if (Status s = txn.Put(m_env->table("records"), RecordIdKey(ids[i]), item.encoded); !s) return s;
      } else {
        if (next_id > UINT32_MAX) return MakeError(Errc::kBackpressure, "the lost/stolen index is full (2^32 records)");
        ids[i] = static_cast<RecordId>(next_id++);
        added.push_back(i);
        if (Status s = txn.Put(m_env->table("by_ref"), item.ref, RecordIdKey(ids[i])); !s) return s;
      }
    }
    for (uint32_t i : added)  // above every stored id, in increasing order
      if (Status s = txn.Append(m_env->table("records"), RecordIdKey(ids[i]), batch.items[i].encoded); !s) return s;
    for (int kind = 0; kind < 3; ++kind) {
      auto& keys = batch.keys[kind];
      // Keys with equal text order by id, which the sort in Prepare could not know.
      for (size_t a = 0, b; a < keys.size(); a = b) {
        for (b = a + 1; b < keys.size() && keys[b].text == keys[a].text;) ++b;
        if (b - a > 1)
          std::sort(keys.begin() + static_cast<long>(a), keys.begin() + static_cast<long>(b),
                    [&](const auto& x, const auto& y) { return ids[x.item] < ids[y.item]; });
      }
      const store::Table& table = m_env->table(TableOf(static_cast<KeyKind>(kind)));
      for (const PreparedBatch::Key& k : keys) {
        if (ids[k.item] == kStale) continue;
        const std::string& skeleton = batch.items[k.item].skeleton;
        ByteView value = static_cast<KeyKind>(kind) == KeyKind::kPair
                             ? ByteView(reinterpret_cast<const uint8_t*>(skeleton.data()), skeleton.size())
                             : ByteView();
        if (Status s = txn.Put(table, WithId(k.text, ids[k.item]), value); !s) return s;
      }
    }
    return txn.Put(m_env->table("meta"), kNextIdKey, store::U64Key(next_id));
  });
}

Result<bool> StolenIndex::Remove(const std::string& owner, const std::string& owner_ref) {
  bool removed = false;
  Status s = m_env->Write([&](store::Txn& txn) -> Status {
    removed = false;
    Bytes ref = RefKey(owner, owner_ref);
    auto id = IdOf(txn, *m_env, ref);
    if (!id) return Status::Ok();
    if (auto old = txn.Get(m_env->table("records"), RecordIdKey(*id)))
      if (auto decoded = DecodeSignedRecord(*old))
        if (Status u = Unindex(txn, *id, *decoded); !u) return u;
    for (auto [table, key] : {std::pair{"records", RecordIdKey(*id)}, {"by_ref", ref}})
      if (auto deleted = txn.Delete(m_env->table(table), key); !deleted) return deleted.error();
    removed = true;
    return Status::Ok();
  });
  if (!s) return s.error();
  return removed;
}

Result<std::optional<StolenRecord>> StolenIndex::Get(const std::string& owner, const std::string& owner_ref) const {
  std::optional<StolenRecord> found;
  Status s = m_env->Read([&](store::Txn& txn) -> Status {
    auto id = IdOf(txn, *m_env, RefKey(owner, owner_ref));
    if (!id) return Status::Ok();
    if (auto v = txn.Get(m_env->table("records"), RecordIdKey(*id))) found = DecodeSignedRecord(*v);
    if (!found) return MakeError(Errc::kIo, "record " + owner + "/" + owner_ref + " is corrupt");
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
  const std::string& q = query.serial.skeleton;
  bool wildcards = q.find_first_of("?*") != std::string::npos;
  std::vector<KeyRange> ranges;
  if (wildcards) {
    auto range = PatternRange(q);
    if (!range) return MakeError(Errc::kInvalidArgument, "a pattern needs at least two known characters at its start or end");
    ranges.push_back(std::move(*range));
  } else {
    ranges.push_back(ExactRange(q));
    if (query.approximate && q.size() >= 5)
      for (KeyRange& r : ApproximateRanges(q)) ranges.push_back(std::move(r));
  }
  // An entry is worth reading its record when its skeleton could pass MatchRecord's serial rules.
  auto worth_reading = [&](const std::string& skeleton) {
    if (wildcards) return WildcardMatch(q, skeleton);
    return skeleton == q || (query.approximate && EditDistance(q, skeleton, 2) <= 2);
  };
  SearchResult result;
  std::set<RecordId> ids;
  Status s = m_env->Read([&](store::Txn& txn) -> Status {
    for (const KeyRange& range : ranges) {
      size_t scanned = 0;
      Status scan = txn.Scan(m_env->table(TableOf(range.kind)), range.prefix, [&](ByteView k, ByteView v) {
        if (k.size() < range.prefix.size() || !std::equal(range.prefix.begin(), range.prefix.end(), k.begin()))
          return false;
        if (++scanned > kScanLimit) {
          result.truncated = true;
          return false;
        }
        ++result.examined;
        if (auto entry = ParseEntry(range.kind, k, v); entry && worth_reading(entry->skeleton)) ids.insert(entry->id);
        return true;
      });
      if (!scan) return scan;
    }
    for (RecordId id : ids) {
      auto value = txn.Get(m_env->table("records"), RecordIdKey(id));
      if (!value) continue;
      auto record = DecodeSignedRecord(*value);
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
