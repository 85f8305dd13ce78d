// The lost/stolen index keeps its keys (node/stolen/index_keys.h) in runs: each import batch
// writes its keys, sorted, into a table of its own by appending (MDB_APPEND), so a batch costs
// the pages it fills, however large the index already is. Inserting them into one large B-tree
// instead rewrote most of its leaf pages at every commit. Runs are never changed once written;
// runs of a similar size are merged into one in the background (a tiered LSM over LMDB
// tables), which bounds how many runs a search reads. A search reads every run.
// Entries of a record that was removed or whose serial changed stay in older runs until a
// merge leaves them out (the "gone" list); a search never trusts an entry alone: it reads the
// record and matches its current serial.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "node/common/bytes.h"
#include "node/stolen/index_keys.h"

namespace tracenet::stolen {

struct Run {
  uint32_t id = 0;
  uint64_t entries = 0;
  bool operator==(const Run&) const = default;
};

std::string RunTableName(uint32_t id);
std::optional<uint32_t> RunIdOfTable(const std::string& table_name);

// The run list as stored in the index's meta table.
Bytes EncodeRuns(const std::vector<Run>& runs);
std::optional<std::vector<Run>> DecodeRuns(ByteView bytes);

// The ids of runs to merge next, or none. Runs fall in tiers by size (each tier kMergeFanIn
// times the one below); a tier holding kMergeFanIn runs is merged into one run of the next.
// Every entry is thus rewritten about once per tier, and a search reads at most
// kMergeFanIn - 1 runs per tier.
inline constexpr size_t kMergeFanIn = 4;
std::vector<uint32_t> RunsToMerge(const std::vector<Run>& runs);

// An entry's key in a run: kind ++ key ++ record id, so one sorted run holds every kind.
Bytes RunKey(KeyKind kind, ByteView key_with_id);
Bytes RunPrefix(KeyKind kind, ByteView prefix);
std::optional<KeyKind> KindOfRunKey(ByteView run_key);
// The "gone" list's key for the entries of record `id` under `text` (a skeleton or an exact text).
Bytes GoneKey(RecordId id, const std::string& text);

}  // namespace tracenet::stolen
