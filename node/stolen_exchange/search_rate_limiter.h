// Searches per member per minute, so that no member can enumerate the index by searching it
// serial after serial. A sliding window of one minute per member, in memory (a restarted hub
// starts every window afresh). Thread-safety: none; the node loop owns it.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>

namespace tracenet::stolen {

class SearchRateLimiter {
 public:
  explicit SearchRateLimiter(uint64_t per_minute) : m_per_minute(per_minute) {}
  // True (and counted) when `member` may search at `now_ms`.
  bool Allow(const std::string& member, uint64_t now_ms);
  uint64_t per_minute() const { return m_per_minute; }

 private:
  uint64_t m_per_minute;
  std::map<std::string, std::deque<uint64_t>> m_recent;  // member -> times of its searches in the window
};

}  // namespace tracenet::stolen
