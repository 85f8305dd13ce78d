// The lost/stolen index in LMDB: records by a compact id (records), the id of each (owner,
// owner_ref) (by_ref), and the keys of node/stolen/index_keys.h that find candidates for every
// matching rule without scanning the index, kept in runs (node/stolen/index_runs.h) that a
// background thread merges. A search reads a few key ranges in every run, filters them on the
// skeleton each key carries, and reads and scores (MatchRecord) only the survivors; the heap
// holds one search's candidates, never the index.
// Thread-safety: searches and reads from any thread, concurrently with writes; writes (Put,
// Commit, Remove) from any thread, one at a time.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "node/stolen/candidate_match.h"
#include "node/stolen/index_keys.h"
#include "node/stolen/index_runs.h"
#include "node/stolen/stolen_record.h"
#include "node/store/lmdb_env.h"

namespace tracenet::stolen {

struct SearchHit {
  StolenRecord record;
  Candidate candidate;
};

struct SearchResult {
  std::vector<SearchHit> hits;  // best score first
  size_t examined = 0;          // index entries looked at
  size_t records_read = 0;      // records read and matched (entries that passed the key filter)
  bool truncated = false;       // a key range was longer than the scan limit
};

// A batch of records made ready for the index without touching it (validated, normalised,
// encoded, keys built and sorted), so the next batch can be prepared while one is written.
struct PreparedBatch {
  struct Item {
    Bytes ref;  // owner ++ 0 ++ owner_ref
    Bytes encoded;  // EncodeSignedRecord
    std::string skeleton;
    std::vector<std::string> exact_texts;  // ExactTexts
    uint64_t version_ms = 0;
  };
  std::vector<Item> items;  // by ref; the last version of a record in the batch wins
  // Every key of the batch (RunPrefix: kind first) in one buffer, and the keys sorted: the
  // order the batch's run is appended in. One buffer, not a vector per key, halves the memory
  // a batch in flight takes.
  struct Key {
    uint32_t offset;
    uint32_t size;
    uint32_t item;
  };
  Bytes key_bytes;
  std::vector<Key> keys;
  ByteView text(const Key& k) const { return ByteView(key_bytes).subspan(k.offset, k.size); }
};

class StolenIndex {
 public:
  struct Options {
    // Merge runs on a thread of the index's own; without it, only MergeAll merges.
    bool merge_in_background = true;
  };
  static Result<std::unique_ptr<StolenIndex>> Open(const std::string& dir, Options options);
  static Result<std::unique_ptr<StolenIndex>> Open(const std::string& dir) { return Open(dir, Options{}); }
  ~StolenIndex();
  StolenIndex(const StolenIndex&) = delete;
  StolenIndex& operator=(const StolenIndex&) = delete;

  // Adds or replaces records (by owner and owner_ref) in one transaction: all or none. A record
  // older (version_ms) than the stored version of it is skipped, so replays change nothing.
  Status Put(const std::vector<StolenRecord>& records) {
    auto prepared = Prepare(records);
    return prepared ? Commit(std::move(*prepared)) : Status(prepared.error());
  }
  // Put in two steps: Prepare is pure and may run on any thread; Commit writes one transaction.
  // kInvalidArgument names the first bad record (1-based) and field.
  static Result<PreparedBatch> Prepare(const std::vector<StolenRecord>& records);
  Status Commit(PreparedBatch batch);
  Result<bool> Remove(const std::string& owner, const std::string& owner_ref);
  Result<std::optional<StolenRecord>> Get(const std::string& owner, const std::string& owner_ref) const;
  size_t size() const;

  // Candidates for `query`, best first, at most `limit`. kInvalidArgument for a pattern with
  // fewer than two known characters at its start or its end.
  Result<SearchResult> Search(const SearchQuery& query, size_t limit = 50) const;

  // Merges runs until no tier is full, then returns (waits for the background merger to do
  // so when it runs). For tests, and for a caller that wants its import fully merged.
  Status MergeAll();
  std::vector<Run> runs() const;

  store::Env& env() { return *m_env; }

 private:
  StolenIndex() = default;
  Status LoadRuns();
  // The run list and the next run id, in the meta table.
  static Result<std::vector<Run>> StoredRuns(const store::Txn& txn, const store::Env& env);
  static Result<uint32_t> TakeRunId(store::Txn& txn, const store::Env& env);
  static Status PutRuns(store::Txn& txn, const store::Env& env, const std::vector<Run>& runs);
  bool stopping();
  // Merges one group of runs that RunsToMerge names; `merged` false when there is none.
  Status MergeOnce(bool& merged);
  void MergeInBackground();
  void RequestMerge();
  // Registers a committed run list and the tables of new runs; drops tables no longer listed.
  void PublishRuns(std::vector<Run> runs, const std::map<uint32_t, store::Table>& added);

  std::unique_ptr<store::Env> m_env;
  std::mutex m_write_mutex;  // one change to the run list at a time: batch commits and merges
  // Searches hold it shared while they use run tables; a merge holds it exclusively while it
  // drops the runs it replaced, whose handles close when that transaction commits.
  mutable std::shared_mutex m_runs_mutex;
  std::vector<Run> m_runs;
  std::map<uint32_t, store::Table> m_run_tables;

  std::thread m_merger;
  std::mutex m_merge_mutex;
  std::condition_variable m_merge_cv;
  bool m_stop = false, m_merge_wanted = false, m_merge_busy = false;
  Status m_merge_status;
};

}  // namespace tracenet::stolen
