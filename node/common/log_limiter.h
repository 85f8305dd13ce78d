// Rate limit for log lines that outside parties can trigger (rejected envelopes, refused
// connections), so a hostile or broken peer cannot fill the operator's disk. Each event key may
// write `per_window` lines per window; the first line after a suppressed stretch says how many
// were dropped. Counters elsewhere still count every event.
// Thread-safety: all methods are safe to call from any thread.
#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace tracenet {

class LogLimiter {
 public:
  explicit LogLimiter(size_t per_window = 20, std::chrono::milliseconds window = std::chrono::seconds(10))
      : m_per_window(per_window), m_window(window) {}

  // True when a line for `key` may be written now; `suppressed` receives how many lines for
  // that key were dropped since the last one written.
  bool Allow(std::string_view key, uint64_t& suppressed);

  template <typename... Args>
  void Log(spdlog::level::level_enum level, std::string_view key, spdlog::format_string_t<Args...> format,
           Args&&... args) {
    uint64_t suppressed = 0;
    if (!Allow(key, suppressed)) return;
    if (suppressed)
      spdlog::log(level, "event=log_suppressed key={} dropped={} reason=\"rate limit\"", key, suppressed);
    spdlog::log(level, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void Warn(std::string_view key, spdlog::format_string_t<Args...> format, Args&&... args) {
    Log(spdlog::level::warn, key, format, std::forward<Args>(args)...);
  }

 private:
  struct Bucket {
    std::chrono::steady_clock::time_point window_start;
    size_t written = 0;
    uint64_t dropped = 0;
  };
  size_t m_per_window;
  std::chrono::milliseconds m_window;
  std::mutex m_mutex;
  std::map<std::string, Bucket, std::less<>> m_buckets;
};

}  // namespace tracenet
