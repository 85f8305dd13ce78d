// The lost/stolen index in LMDB: records by a compact id (records), the id of each (owner,
// owner_ref) (by_ref), and the keys of node/stolen/index_keys.h that find candidates for every
// matching rule without scanning the index (by_skeleton, by_reversed, by_pairs). A search reads
// a few key ranges, filters them on the skeleton each key carries, and reads and scores
// (MatchRecord) only the survivors; the heap holds one search's candidates, never the index.
// Thread-safety: as the LMDB environment (writes from one thread; searches from any).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "node/stolen/candidate_match.h"
#include "node/stolen/index_keys.h"
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
  bool truncated = false;       // a key range was longer than the scan limit
};

// A batch of records made ready for the index without touching it (validated, normalised,
// encoded, keys built and sorted), so the next batch can be prepared while one is written.
struct PreparedBatch {
  struct Item {
    Bytes ref;  // owner ++ 0 ++ owner_ref
    Bytes encoded;  // EncodeSignedRecord
    std::string skeleton;
    uint64_t version_ms = 0;
  };
  std::vector<Item> items;  // by ref; the last version of a record in the batch wins
  struct Key {
    Bytes text;
    uint32_t item;
  };
  std::vector<Key> keys[3];  // per KeyKind, by text
};

class StolenIndex {
 public:
  static Result<std::unique_ptr<StolenIndex>> Open(const std::string& dir);

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

  store::Env& env() { return *m_env; }

 private:
  StolenIndex() = default;
  Status Unindex(store::Txn& txn, RecordId id, const StolenRecord& old);
  std::unique_ptr<store::Env> m_env;
};

}  // namespace tracenet::stolen
