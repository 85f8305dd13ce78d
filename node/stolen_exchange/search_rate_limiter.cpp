#include "node/stolen_exchange/search_rate_limiter.h"

namespace tracenet::stolen {

bool SearchRateLimiter::Allow(const std::string& member, uint64_t now_ms) {
  constexpr uint64_t kWindowMs = 60'000;
  std::deque<uint64_t>& recent = m_recent[member];
  while (!recent.empty() && recent.front() + kWindowMs <= now_ms) recent.pop_front();
  if (recent.size() >= m_per_minute) return false;
  recent.push_back(now_ms);
  return true;
}

}  // namespace tracenet::stolen
