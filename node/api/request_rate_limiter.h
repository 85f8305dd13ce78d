// Requests per second per API user, as a token bucket: a user may burst up to one second's
// worth, then is held to the rate. Protects the node (and everyone else's calls) from a
// runaway integration. Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace tracenet::api {

class RequestRateLimiter {
 public:
  explicit RequestRateLimiter(uint64_t per_second) : m_rate(static_cast<double>(per_second)) {}
  // True when `user` may make a request now (and counts it); otherwise how long to wait.
  bool Allow(const std::string& user, std::chrono::steady_clock::time_point now, double& retry_after_seconds);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  double m_rate;
  std::mutex m_mutex;
  std::map<std::string, Bucket> m_buckets;
};

}  // namespace tracenet::api
