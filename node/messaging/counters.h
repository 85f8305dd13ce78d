// Operator-facing counters of the messaging layer. Written by the node loop, read by the API.
// Thread-safety: atomics and a mutex-guarded map.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "node/common/latency_histogram.h"

namespace tracenet::messaging {

struct Counters {
  std::atomic<uint64_t> frames_received{0};
  std::atomic<uint64_t> envelopes_accepted{0};
  std::atomic<uint64_t> duplicates{0};
  std::atomic<uint64_t> envelopes_rejected{0};
  std::atomic<uint64_t> envelopes_sent{0};
  std::atomic<uint64_t> retries{0};
  std::atomic<uint64_t> dead_letters{0};
  std::atomic<uint64_t> relayed{0};
  std::atomic<uint64_t> rerouted{0};  // moved off a home hub that stayed down
  std::atomic<uint64_t> hop_accepted{0};
  std::atomic<uint64_t> hop_rejected{0};
  std::atomic<uint64_t> hop_deferred{0};
  std::atomic<uint64_t> batches_committed{0};
  std::atomic<uint64_t> commit_failures{0};
  std::atomic<uint64_t> quarantined{0};         // frames refused because applying them failed
  std::atomic<uint64_t> failed_items{0};        // frames, commands, registry answers left out of a batch
  LatencyHistogram commit_latency;  // each batch transaction, fsync included

  void CountRejection(const std::string& reason) {
    ++envelopes_rejected;
    std::lock_guard lock(m_mutex);
    ++m_rejections[reason];
  }
  std::map<std::string, uint64_t> Rejections() const {
    std::lock_guard lock(m_mutex);
    return m_rejections;
  }

 private:
  mutable std::mutex m_mutex;
  std::map<std::string, uint64_t> m_rejections;
};

}  // namespace tracenet::messaging
