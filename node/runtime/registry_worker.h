// Runs registry lookups off the node loop (a registry may be slow), one at a time, and hands
// results back through a callback. A failed lookup is retried after a delay.
// Thread-safety: Enqueue may be called from any thread; the callback runs on the worker thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "adapters/sdk/registry_adapter.h"
#include "node/trace/trace_service.h"

namespace tracenet::runtime {

struct LookupOutcome {
  trace::LookupJob job;
  Result<adapters::Findings> findings;
  uint64_t elapsed_us = 0;
};

class RegistryWorker {
 public:
  RegistryWorker(std::unique_ptr<adapters::RegistryAdapter> adapter,
                 std::function<void(LookupOutcome)> on_done, uint64_t retry_delay_ms = 5000);
  ~RegistryWorker();
  void Enqueue(trace::LookupJob job, uint64_t delay_ms = 0);
  bool has_adapter() const { return m_adapter != nullptr; }

 private:
  struct Queued {
    trace::LookupJob job;
    std::chrono::steady_clock::time_point not_before;
  };
  void Run();
  std::unique_ptr<adapters::RegistryAdapter> m_adapter;
  std::function<void(LookupOutcome)> m_on_done;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<Queued> m_queue;
  bool m_stop = false;
  std::thread m_thread;
};

}  // namespace tracenet::runtime
