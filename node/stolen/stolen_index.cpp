#include "node/stolen/stolen_index.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace tracenet::stolen {
namespace {

const std::vector<std::string> kTables = {"records", "by_ref", "gone", "meta"};
constexpr unsigned kMaxRunTables = 256;  // a search reads every run; merging keeps them few
constexpr size_t kScanLimit = 20000;  // index entries per key range, to bound a search's time
constexpr RecordId kStale = 0;  // ids start at 1; marks a batch item older than the stored version
const Bytes kNextIdKey = {'n', 'e', 'x', 't', '_', 'i', 'd'};
const Bytes kNextRunKey = {'n', 'e', 'x', 't', '_', 'r', 'u', 'n'};
const Bytes kRunsKey = {'r', 'u', 'n', 's'};

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

uint64_t MetaNumber(const store::Txn& txn, const store::Env& env, const Bytes& key, uint64_t absent) {
  auto v = txn.Get(env.table("meta"), key);
  return v ? store::U64FromKey(*v) : absent;
}

std::vector<std::string> ExactTextsOf(const StolenRecord& record) {
  auto forms = SerialFormsOf(record.serial);
  return forms ? ExactTexts(*forms) : std::vector<std::string>{};
}

}  // namespace

Result<std::vector<Run>> StolenIndex::StoredRuns(const store::Txn& txn, const store::Env& env) {
  auto v = txn.Get(env.table("meta"), kRunsKey);
  if (!v) return std::vector<Run>{};
  auto runs = DecodeRuns(*v);
  if (!runs) return MakeError(Errc::kIo, "the lost/stolen index's run list is corrupt");
  return *runs;
}

Result<uint32_t> StolenIndex::TakeRunId(store::Txn& txn, const store::Env& env) {
  uint64_t id = MetaNumber(txn, env, kNextRunKey, 1);
  if (id > UINT32_MAX) return MakeError(Errc::kIo, "the lost/stolen index has used every run id");
  if (Status s = txn.Put(env.table("meta"), kNextRunKey, store::U64Key(id + 1)); !s) return s.error();
  return static_cast<uint32_t>(id);
}

Status StolenIndex::PutRuns(store::Txn& txn, const store::Env& env, const std::vector<Run>& runs) {
  return txn.Put(env.table("meta"), kRunsKey, EncodeRuns(runs));
}

Result<std::unique_ptr<StolenIndex>> StolenIndex::Open(const std::string& dir, Options options) {
  // Written in place (MDB_WRITEMAP), the file is as large as the map: start small, it doubles.
  store::Env::Options env_options{size_t{64} << 20, /*write_map=*/false, kMaxRunTables, /*random_access=*/true};
  auto env = store::Env::Open(dir, kTables, env_options);
  if (!env) return env.error();
  std::unique_ptr<StolenIndex> index(new StolenIndex());
  index->m_env = std::move(*env);
  if (Status s = index->LoadRuns(); !s) return s.error();
  if (options.merge_in_background) {
    index->m_merger = std::thread([raw = index.get()] { raw->MergeInBackground(); });
    index->RequestMerge();
  }
  return index;
}

StolenIndex::~StolenIndex() {
  {
    std::lock_guard lock(m_merge_mutex);
    m_stop = true;
  }
  m_merge_cv.notify_all();
  if (m_merger.joinable()) m_merger.join();
}

Status StolenIndex::LoadRuns() {
  auto names = m_env->TableNames();
  if (!names) return names.error();
  std::vector<Run> runs;
  std::map<uint32_t, store::Table> tables;
  Status s = m_env->Write([&](store::Txn& txn) -> Status {
    tables.clear();
    auto stored = StoredRuns(txn, *m_env);
    if (!stored) return stored.error();
    runs = std::move(*stored);
    for (const Run& run : runs) {
      auto table = txn.OpenTable(RunTableName(run.id), false);
      if (!table) return table.error();
      tables[run.id] = *table;
    }
    // A merge's output that a crash left unfinished: its inputs are still listed.
    for (const std::string& name : *names) {
      auto id = RunIdOfTable(name);
      if (!id || tables.count(*id)) continue;
      auto orphan = txn.OpenTable(name, false);
      if (!orphan) return orphan.error();
      if (Status d = txn.DropTable(*orphan); !d) return d;
    }
    return Status::Ok();
  });
  if (!s) return s;
  std::unique_lock lock(m_runs_mutex);
  m_runs = std::move(runs);
  m_run_tables = std::move(tables);
  return Status::Ok();
}

void StolenIndex::PublishRuns(std::vector<Run> runs, const std::map<uint32_t, store::Table>& added) {
  std::unique_lock lock(m_runs_mutex);
  m_runs = std::move(runs);
  m_run_tables.insert(added.begin(), added.end());
}

std::vector<Run> StolenIndex::runs() const {
  std::shared_lock lock(m_runs_mutex);
  return m_runs;
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
    SerialForms forms = SerialFormsOf(r.serial).value();
    batch.items.push_back({std::move(latest[i].first), EncodeSignedRecord(r), forms.skeleton, ExactTexts(forms), r.version_ms});
    for (const IndexKey& k : KeysOfRecord(forms)) {
      Bytes text = RunPrefix(k.kind, k.key);
      batch.keys.push_back({static_cast<uint32_t>(batch.key_bytes.size()), static_cast<uint32_t>(text.size()), item});
      batch.key_bytes.insert(batch.key_bytes.end(), text.begin(), text.end());
    }
  }
  // A run is written by appending, in key order.
  std::sort(batch.keys.begin(), batch.keys.end(), [&](const PreparedBatch::Key& a, const PreparedBatch::Key& b) {
    ByteView x = batch.text(a), y = batch.text(b);
    return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end());
  });
  return batch;
}

Status StolenIndex::Commit(PreparedBatch batch) {
  std::lock_guard write_lock(m_write_mutex);
  std::vector<Run> runs;
  std::map<uint32_t, store::Table> added;
  Status written = m_env->Write([&](store::Txn& txn) -> Status {
    added.clear();
    const store::Table& gone = m_env->table("gone");
    bool any_gone = txn.Count(gone) > 0;
    uint64_t next_id = MetaNumber(txn, *m_env, kNextIdKey, 1);
    std::vector<RecordId> ids(batch.items.size());
    std::vector<uint32_t> new_items;  // items new to the index, by ref; they take increasing ids
    size_t live_items = 0;
    for (uint32_t i = 0; i < batch.items.size(); ++i) {
      const PreparedBatch::Item& item = batch.items[i];
      // A new record takes the next id; one already here keeps its own.
      if (next_id > UINT32_MAX) return MakeError(Errc::kBackpressure, "the lost/stolen index is full (2^32 records)");
      auto existing = txn.Insert(m_env->table("by_ref"), item.ref, RecordIdKey(static_cast<RecordId>(next_id)));
      if (!existing) return existing.error();
      if (!*existing) {
        ids[i] = static_cast<RecordId>(next_id++);
        new_items.push_back(i);
      } else {
        if ((*existing)->size() != 4) return MakeError(Errc::kIo, "the lost/stolen index's by_ref table is corrupt");
        ids[i] = RecordIdFromKey(**existing);
        if (auto old = txn.Get(m_env->table("records"), RecordIdKey(ids[i])))
          if (auto decoded = DecodeSignedRecord(*old)) {
            if (decoded->version_ms > item.version_ms) {  // a newer version is already here
              ids[i] = kStale;
              continue;
            }
            // The entries under the old serial stay in their runs until a merge leaves them out.
            for (const std::string& old : ExactTextsOf(*decoded))
              if (std::find(item.exact_texts.begin(), item.exact_texts.end(), old) == item.exact_texts.end())
                if (Status s = txn.Put(gone, GoneKey(ids[i], old), {}); !s) return s;
          }
        if (Status s = txn.Put(m_env->table("records"), RecordIdKey(ids[i]), item.encoded); !s) return s;
      }
      ++live_items;
      if (any_gone)  // a serial that came back: its entries are live again
        for (const std::string& text : item.exact_texts)
          if (auto d = txn.Delete(gone, GoneKey(ids[i], text)); !d) return d.error();
    }
    for (uint32_t i : new_items)  // above every stored id, in increasing order
      if (Status s = txn.Append(m_env->table("records"), RecordIdKey(ids[i]), batch.items[i].encoded); !s) return s;
    auto stored = StoredRuns(txn, *m_env);
    if (!stored) return stored.error();
    runs = std::move(*stored);
    if (live_items > 0) {
      auto run_id = TakeRunId(txn, *m_env);
      if (!run_id) return run_id.error();
      auto table = txn.OpenTable(RunTableName(*run_id), true);
      if (!table) return table.error();
      uint64_t entries = 0;
      Bytes key;
      auto& keys = batch.keys;
      auto same_text = [&](const PreparedBatch::Key& x, const PreparedBatch::Key& y) {
        ByteView a = batch.text(x), b = batch.text(y);
        return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
      };
      // Keys with equal text order by id, which the sort in Prepare could not know.
      for (size_t a = 0, b; a < keys.size(); a = b) {
        for (b = a + 1; b < keys.size() && same_text(keys[b], keys[a]);) ++b;
        if (b - a > 1)
          std::sort(keys.begin() + static_cast<long>(a), keys.begin() + static_cast<long>(b),
                    [&](const auto& x, const auto& y) { return ids[x.item] < ids[y.item]; });
      }
      for (const PreparedBatch::Key& k : keys) {
        if (ids[k.item] == kStale) continue;
        ByteView text = batch.text(k);
        const std::string& skeleton = batch.items[k.item].skeleton;
        ByteView value = KindOfRunKey(text) == KeyKind::kPair
                             ? ByteView(reinterpret_cast<const uint8_t*>(skeleton.data()), skeleton.size())
                             : ByteView();
        key.assign(text.begin(), text.end());
        for (int shift = 24; shift >= 0; shift -= 8) key.push_back(static_cast<uint8_t>(ids[k.item] >> shift));
        if (Status s = txn.Append(*table, key, value); !s) return s;
        ++entries;
      }
      runs.push_back({*run_id, entries});
      added[*run_id] = *table;
      if (Status s = PutRuns(txn, *m_env, runs); !s) return s;
    }
    return txn.Put(m_env->table("meta"), kNextIdKey, store::U64Key(next_id));
  });
  if (!written) return written;
  PublishRuns(std::move(runs), added);
  RequestMerge();
  return Status::Ok();
}

Result<bool> StolenIndex::Remove(const std::string& owner, const std::string& owner_ref) {
  std::lock_guard write_lock(m_write_mutex);
  bool removed = false;
  Status s = m_env->Write([&](store::Txn& txn) -> Status {
    removed = false;
    Bytes ref = RefKey(owner, owner_ref);
    auto id = IdOf(txn, *m_env, ref);
    if (!id) return Status::Ok();
    if (auto old = txn.Get(m_env->table("records"), RecordIdKey(*id)))
      if (auto decoded = DecodeSignedRecord(*old))
        for (const std::string& text : ExactTextsOf(*decoded))
          if (Status g = txn.Put(m_env->table("gone"), GoneKey(*id, text), {}); !g) return g;
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
    ranges = PatternRanges(q);
    if (ranges.empty()) return MakeError(Errc::kInvalidArgument, "a pattern needs at least two known characters at its start or end");
  } else {
    for (const std::string& text : ExactTexts(query.serial)) ranges.push_back(ExactRange(text));
    if (query.approximate && q.size() >= 5)
      for (KeyRange& r : ApproximateRanges(q)) ranges.push_back(std::move(r));
  }
  // An entry is worth reading its record when its skeleton could pass MatchRecord's serial rules.
  auto worth_reading = [&](const std::string& skeleton) {
    if (wildcards) return WildcardMatch(q, skeleton);
    if (skeleton == q || skeleton == query.serial.folded_ncic) return true;
    size_t allowed = AllowedEdits(std::min(q.size(), skeleton.size()));
    return query.approximate && allowed > 0 && EditDistance(q, skeleton, allowed) <= allowed;
  };
  SearchResult result;
  std::set<RecordId> ids;
  std::shared_lock runs_lock(m_runs_mutex);  // no merge drops a run this search reads
  Status s = m_env->Read([&](store::Txn& txn) -> Status {
    for (const KeyRange& range : ranges) {
      size_t scanned = 0;  // over every run: the limit is the range's
      Bytes prefix = RunPrefix(range.kind, range.prefix);
      for (const auto& [run_id, table] : m_run_tables) {
        Status scan = txn.Scan(table, prefix, [&](ByteView k, ByteView v) {
          if (k.size() < prefix.size() || !std::equal(prefix.begin(), prefix.end(), k.begin())) return false;
          if (++scanned > kScanLimit) {
            result.truncated = true;
            return false;
          }
          ++result.examined;
          // An entry's record may since have been removed or changed: the record decides below.
          if (auto entry = ParseEntry(range.kind, k.subspan(1), v); entry && worth_reading(entry->skeleton))
            ids.insert(entry->id);
          return true;
        });
        if (!scan) return scan;
        if (scanned > kScanLimit) break;
      }
    }
    result.records_read = ids.size();
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
  // Equal scores are ordered by evidence, never by import order: a record still active before
  // one located or cleared, a theft or trafficking before a loss, the more recent report first,
  // then owner and reference so the order is the same at every hub.
  auto evidence = [](const StolenRecord& r) {
    return std::make_tuple(r.status == "active", r.category != "lost", r.version_ms);
  };
  std::sort(result.hits.begin(), result.hits.end(), [&](const SearchHit& a, const SearchHit& b) {
    if (a.candidate.score != b.candidate.score) return a.candidate.score > b.candidate.score;
    if (evidence(a.record) != evidence(b.record)) return evidence(a.record) > evidence(b.record);
    return std::tie(a.record.owner, a.record.owner_ref) < std::tie(b.record.owner, b.record.owner_ref);
  });
  if (result.hits.size() > limit) result.hits.resize(limit);
  return result;
}

}  // namespace tracenet::stolen
