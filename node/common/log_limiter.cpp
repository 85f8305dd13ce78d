#include "node/common/log_limiter.h"

namespace tracenet {

bool LogLimiter::Allow(std::string_view key, uint64_t& suppressed) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(m_mutex);
  auto it = m_buckets.find(key);
  if (it == m_buckets.end()) it = m_buckets.emplace(std::string(key), Bucket{now, 0, 0}).first;
  Bucket& b = it->second;
  if (now - b.window_start >= m_window) {
    b.window_start = now;
    b.written = 0;
  }
  if (b.written >= m_per_window) {
    ++b.dropped;
    return false;
  }
  ++b.written;
  suppressed = b.dropped;
  b.dropped = 0;
  return true;
}

}  // namespace tracenet
