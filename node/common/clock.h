// Time source seam: production uses the system clock; tests inject a fixed or stepped clock.
// Thread-safety: implementations must be safe to call from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace tracenet {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual uint64_t NowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  uint64_t NowMs() const override {
    using namespace std::chrono;
    return static_cast<uint64_t>(
        duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
  }
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(uint64_t now_ms) : m_now_ms(now_ms) {}
  uint64_t NowMs() const override { return m_now_ms; }
  void Set(uint64_t now_ms) { m_now_ms = now_ms; }

 private:
  uint64_t m_now_ms;
};

// Formats Unix milliseconds as "2026-11-26 21:29:08Z" (UTC) for people to read.
std::string FormatUtc(uint64_t unix_ms);

}  // namespace tracenet
