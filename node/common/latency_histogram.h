// A latency histogram for Prometheus: fixed cumulative buckets in seconds, a sum and a count,
// updated lock-free by the thread that measures and read by the metrics endpoint.
// Thread-safety: Observe and the readers may run concurrently (each figure is atomic).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace tracenet {

class LatencyHistogram {
 public:
  static constexpr std::array<double, 12> kBoundsSeconds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                            0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  void Observe(uint64_t micros) {
    double s = static_cast<double>(micros) / 1e6;
    for (size_t i = 0; i < kBoundsSeconds.size(); ++i)
      if (s <= kBoundsSeconds[i]) ++m_buckets[i];
    m_sum_micros += micros;
    ++m_count;
  }
  uint64_t bucket(size_t i) const { return m_buckets[i].load(); }  // observations <= kBoundsSeconds[i]
  uint64_t count() const { return m_count.load(); }
  double sum_seconds() const { return static_cast<double>(m_sum_micros.load()) / 1e6; }

 private:
  std::array<std::atomic<uint64_t>, kBoundsSeconds.size()> m_buckets{};
  std::atomic<uint64_t> m_sum_micros{0};
  std::atomic<uint64_t> m_count{0};
};

}  // namespace tracenet
