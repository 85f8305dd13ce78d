// Merging the index's runs (node/stolen/index_runs.h): a group of runs is read side by side and
// appended, in key order and without duplicates, to a new run, in transactions of a bounded
// size so that batch commits are never held up for long. The new run replaces its inputs in
// one transaction at the end; a crash before that leaves the inputs listed and the
// unfinished output unlisted, and the next Open drops it.
#include <algorithm>
#include <set>

#include "node/stolen/stolen_index.h"

namespace tracenet::stolen {
namespace {

// A transaction's new pages stay in the heap until it commits (and LMDB keeps that many for
// reuse): about 40 bytes per entry.
constexpr size_t kEntriesPerMergeTxn = 500'000;

// The cursor at the smallest key; false when every cursor has run off its end.
bool Smallest(const std::vector<std::unique_ptr<store::Cursor>>& cursors, size_t& at) {
  bool found = false;
  for (size_t i = 0; i < cursors.size(); ++i) {
    if (!cursors[i]->valid()) continue;
    ByteView k = cursors[i]->key(), best = found ? cursors[at]->key() : ByteView();
    if (!found || std::lexicographical_compare(k.begin(), k.end(), best.begin(), best.end())) at = i;
    found = true;
  }
  return found;
}

bool SameKey(ByteView a, ByteView b) { return a.size() == b.size() && std::equal(b.begin(), b.end(), a.begin()); }

}  // namespace

bool StolenIndex::stopping() {
  std::lock_guard lock(m_merge_mutex);
  return m_stop;
}

Status StolenIndex::MergeOnce(bool& merged) {
  merged = false;
  std::vector<uint32_t> inputs;
  std::vector<store::Table> input_tables;
  bool all_runs = false;
  {
    std::shared_lock lock(m_runs_mutex);
    inputs = RunsToMerge(m_runs);
    for (uint32_t id : inputs) input_tables.push_back(m_run_tables.at(id));
    all_runs = inputs.size() == m_runs.size();
  }
  if (inputs.empty()) return Status::Ok();

  uint32_t out_id = 0;
  store::Table out;
  std::set<Bytes> gone;  // entries to leave out: their record was removed or its serial changed
  {
    std::lock_guard write_lock(m_write_mutex);
    Status s = m_env->Write([&](store::Txn& txn) -> Status {
      gone.clear();
      auto id = TakeRunId(txn, *m_env);
      if (!id) return id.error();
      auto table = txn.OpenTable(RunTableName(*id), true);
      if (!table) return table.error();
      out_id = *id;
      out = *table;
      return txn.Scan(m_env->table("gone"), {}, [&](ByteView k, ByteView) {
        gone.emplace(k.begin(), k.end());
        return true;
      });
    });
    if (!s) return s;
  }

  Bytes resume;  // the last key taken; the next transaction starts after it
  bool started = false, done = false;
  uint64_t written = 0;
  while (!done) {
    if (stopping()) return Status::Ok();  // the unlisted output is dropped at the next Open
    Bytes next_resume;
    bool next_done = false;
    uint64_t next_written = 0;
    Status s = m_env->Write([&](store::Txn& txn) -> Status {
      next_resume = resume;
      next_done = false;
      next_written = 0;
      std::vector<std::unique_ptr<store::Cursor>> cursors;
      for (const store::Table& t : input_tables) {
        auto& c = cursors.emplace_back(std::make_unique<store::Cursor>(txn, t));
        if (c->Seek(resume) && started && SameKey(c->key(), resume)) c->Next();
      }
      ByteView last = resume;
      for (size_t taken = 0; taken < kEntriesPerMergeTxn; ++taken) {
        size_t at = 0;
        if (!Smallest(cursors, at)) {
          next_done = true;
          break;
        }
        // Views into pages of runs this transaction does not change: valid while it lasts.
        ByteView k = cursors[at]->key(), v = cursors[at]->value();
        bool live = true;
        if (!gone.empty())
          if (auto kind = KindOfRunKey(k))
            if (auto entry = ParseEntry(*kind, k.subspan(1), v)) live = !gone.count(GoneKey(entry->id, entry->skeleton));
        if (live) {
          if (Status a = txn.Append(out, k, v); !a) return a;
          ++next_written;
        }
        last = k;
        // The same entry in several runs (a record written again unchanged) is kept once.
        for (size_t i = 0; i < cursors.size(); ++i)
          if (i != at && cursors[i]->valid() && SameKey(cursors[i]->key(), k)) cursors[i]->Next();
        cursors[at]->Next();
      }
      next_resume.assign(last.begin(), last.end());
      for (const auto& c : cursors)
        if (!c->status()) return c->status();
      return Status::Ok();
    });
    if (!s) return s;
    // The input pages this transaction read will not be read again soon; pages that searches
    // read stay mapped, as the kernel's page cache, shared and reclaimable (Env::ReleaseMappedPages).
    m_env->ReleaseMappedPages();
    resume = std::move(next_resume);
    done = next_done;
    written += next_written;
    started = true;
  }

  std::lock_guard write_lock(m_write_mutex);
  std::unique_lock runs_lock(m_runs_mutex);  // no search may use an input's handle after the drop
  std::vector<Run> runs;
  Status s = m_env->Write([&](store::Txn& txn) -> Status {
    auto stored = StoredRuns(txn, *m_env);
    if (!stored) return stored.error();
    runs.clear();
    for (const Run& r : *stored)
      if (std::find(inputs.begin(), inputs.end(), r.id) == inputs.end()) runs.push_back(r);
    if (written > 0) {
      runs.push_back({out_id, written});
    } else if (Status d = txn.DropTable(out); !d) {
      return d;
    }
    if (Status p = PutRuns(txn, *m_env, runs); !p) return p;
    for (const store::Table& t : input_tables)
      if (Status d = txn.DropTable(t); !d) return d;
    // Every run was merged: no run holds the gone entries any more (one written back since is
    // no longer listed as gone).
    if (all_runs)
      for (const Bytes& g : gone)
        if (auto d = txn.Delete(m_env->table("gone"), g); !d) return d.error();
    return Status::Ok();
  });
  if (!s) return s;
  m_runs = std::move(runs);
  for (uint32_t id : inputs) m_run_tables.erase(id);
  if (written > 0) m_run_tables[out_id] = out;
  merged = true;
  return Status::Ok();
}

void StolenIndex::RequestMerge() {
  if (!m_merger.joinable()) return;
  {
    std::lock_guard lock(m_merge_mutex);
    m_merge_wanted = true;
  }
  m_merge_cv.notify_all();
}

void StolenIndex::MergeInBackground() {
  std::unique_lock lock(m_merge_mutex);
  while (!m_stop) {
    m_merge_cv.wait(lock, [&] { return m_stop || m_merge_wanted; });
    if (m_stop) break;
    m_merge_wanted = false;
    m_merge_busy = true;
    lock.unlock();
    Status status = Status::Ok();
    for (bool merged = true; merged;)
      if (status = MergeOnce(merged); !status) break;
    lock.lock();
    m_merge_busy = false;
    m_merge_status = status;
    m_merge_cv.notify_all();
  }
}

Status StolenIndex::MergeAll() {
  if (!m_merger.joinable()) {
    for (bool merged = true; merged;)
      if (Status s = MergeOnce(merged); !s) return s;
    return Status::Ok();
  }
  std::unique_lock lock(m_merge_mutex);
  m_merge_wanted = true;
  m_merge_cv.notify_all();
  m_merge_cv.wait(lock, [&] { return m_stop || (!m_merge_wanted && !m_merge_busy); });
  return m_merge_status;
}

}  // namespace tracenet::stolen
