#include "node/stolen/index_runs.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace tracenet::stolen {
namespace {

constexpr char kRunPrefix[] = "run.";
constexpr uint64_t kSmallestTier = 16384;  // entries; smaller runs all count as the first tier

void PutU32(Bytes& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

void PutU64(Bytes& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

uint64_t GetUint(ByteView bytes, size_t at, size_t width) {
  uint64_t v = 0;
  for (size_t i = 0; i < width; ++i) v = v << 8 | bytes[at + i];
  return v;
}

int TierOf(uint64_t entries) {
  int tier = 0;
  for (uint64_t bound = kSmallestTier * kMergeFanIn; entries >= bound && tier < 30; bound *= kMergeFanIn) ++tier;
  return tier;
}

}  // namespace

std::string RunTableName(uint32_t id) {
  char name[32];
  std::snprintf(name, sizeof name, "%s%08x", kRunPrefix, id);
  return name;
}

std::optional<uint32_t> RunIdOfTable(const std::string& table_name) {
  if (table_name.size() != sizeof kRunPrefix - 1 + 8 || table_name.rfind(kRunPrefix, 0) != 0) return std::nullopt;
  uint32_t id = 0;
  for (char c : table_name.substr(sizeof kRunPrefix - 1)) {
    int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) return std::nullopt;
    id = id << 4 | static_cast<uint32_t>(digit);
  }
  return id;
}

Bytes EncodeRuns(const std::vector<Run>& runs) {
  Bytes out;
  for (const Run& r : runs) {
    PutU32(out, r.id);
    PutU64(out, r.entries);
  }
  return out;
}

std::optional<std::vector<Run>> DecodeRuns(ByteView bytes) {
  if (bytes.size() % 12 != 0) return std::nullopt;
  std::vector<Run> runs;
  for (size_t at = 0; at < bytes.size(); at += 12)
    runs.push_back({static_cast<uint32_t>(GetUint(bytes, at, 4)), GetUint(bytes, at + 4, 8)});
  return runs;
}

std::vector<uint32_t> RunsToMerge(const std::vector<Run>& runs) {
  std::map<int, std::vector<uint32_t>> tiers;
  for (const Run& r : runs) tiers[TierOf(r.entries)].push_back(r.id);
  for (auto& [tier, ids] : tiers)  // the smallest tier first: its merges are quick
    if (ids.size() >= kMergeFanIn) return ids;
  return {};
}

Bytes RunKey(KeyKind kind, ByteView key_with_id) {
  Bytes key;
  key.reserve(key_with_id.size() + 1);
  key.push_back(static_cast<uint8_t>(kind));
  key.insert(key.end(), key_with_id.begin(), key_with_id.end());
  return key;
}

Bytes RunPrefix(KeyKind kind, ByteView prefix) { return RunKey(kind, prefix); }

std::optional<KeyKind> KindOfRunKey(ByteView run_key) {
  if (run_key.empty() || run_key[0] > static_cast<uint8_t>(KeyKind::kPair)) return std::nullopt;
  return static_cast<KeyKind>(run_key[0]);
}

Bytes GoneKey(RecordId id, const std::string& text) {
  Bytes key = RecordIdKey(id);
  key.insert(key.end(), text.begin(), text.end());
  return key;
}

}  // namespace tracenet::stolen
