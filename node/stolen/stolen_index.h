// The lost/stolen index in LMDB: records by (owner, owner_ref), and keys that find candidates
// for every matching rule without scanning the index:
//   by_skeleton   skeleton ++ 0 ++ record key     equal after normalisation, NCIC or confusables
//                                                 (the skeleton is the coarsest of those forms);
//                                                 a key range gives prefix searches
//   by_reversed   reversed skeleton ++ 0 ++ key   suffix searches
//   by_middle     u8 length ++ middle third ++ 0 ++ key   one or two edits: two edits leave the
//                                                 first, middle or last third intact (pigeonhole),
//                                                 found by prefix, middle-segment or suffix keys
// Each candidate is then scored by MatchRecord; the heap holds only one search's candidates.
// Thread-safety: as the LMDB environment (writes from one thread; searches from any).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "node/stolen/candidate_match.h"
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

class StolenIndex {
 public:
  static Result<std::unique_ptr<StolenIndex>> Open(const std::string& dir);

  // Adds or replaces records (by owner and owner_ref) in one transaction: all or none.
  Status Put(const std::vector<StolenRecord>& records);
  Result<bool> Remove(const std::string& owner, const std::string& owner_ref);
  Result<std::optional<StolenRecord>> Get(const std::string& owner, const std::string& owner_ref) const;
  size_t size() const;

  // Candidates for `query`, best first, at most `limit`. kInvalidArgument for a pattern with
  // fewer than two known characters at its start or its end.
  Result<SearchResult> Search(const SearchQuery& query, size_t limit = 50) const;

  store::Env& env() { return *m_env; }

 private:
  StolenIndex() = default;
  Status Unindex(store::Txn& txn, const Bytes& key, const StolenRecord& old);
  std::unique_ptr<store::Env> m_env;
};

}  // namespace tracenet::stolen
