// Runs registry lookups off the node loop on a few threads, each with a deadline. A registry
// may be slow, hang or fail: a lookup that misses its deadline is reported as timed out (the
// case says the answer is delayed and the node retries later) and its thread is written off
// and replaced, so one stuck lookup never holds up the others. A written-off thread's late
// answer is dropped.
// Thread-safety: Enqueue may be called from any thread; the callback runs on worker threads,
// never after the destructor has returned.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "adapters/sdk/registry_adapter.h"
#include "node/common/latency_histogram.h"
#include "node/trace/trace_service.h"

namespace tracenet::runtime {

struct LookupOutcome {
  trace::LookupJob job;
  Result<adapters::Findings> findings;
  uint64_t elapsed_us = 0;
};

struct RegistryWorkerOptions {
  size_t workers = 4;
  std::chrono::milliseconds deadline{5000};
  size_t max_written_off = 16;  // stuck threads tolerated before no more replacements start
};

struct RegistryCounters {
  std::atomic<uint64_t> lookups{0};
  std::atomic<uint64_t> failures{0};
  std::atomic<uint64_t> timeouts{0};
  std::atomic<uint64_t> written_off_threads{0};
  LatencyHistogram lookup_latency;  // lookups that returned (answers and errors)
};

class RegistryWorker {
 public:
  RegistryWorker(std::shared_ptr<adapters::RegistryAdapter> adapter, RegistryWorkerOptions options,
                 std::function<void(LookupOutcome)> on_done);
  ~RegistryWorker();
  void Enqueue(trace::LookupJob job, uint64_t delay_ms = 0);
  bool has_adapter() const;
  const RegistryCounters& counters() const;

 private:
  struct State;
  std::shared_ptr<State> m_state;
};

}  // namespace tracenet::runtime
