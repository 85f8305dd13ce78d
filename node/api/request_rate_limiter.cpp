#include "node/api/request_rate_limiter.h"

#include <algorithm>

namespace tracenet::api {

bool RequestRateLimiter::Allow(const std::string& user, std::chrono::steady_clock::time_point now, double& retry_after_seconds) {
  std::lock_guard lock(m_mutex);
  auto [it, fresh] = m_buckets.try_emplace(user, Bucket{m_rate, now});
  Bucket& b = it->second;
  if (!fresh) {
    double elapsed = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(m_rate, b.tokens + elapsed * m_rate);
    b.at = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return true;
  }
  retry_after_seconds = (1 - b.tokens) / m_rate;
  return false;
}

}  // namespace tracenet::api
