// A fixed set of worker threads for CPU-bound work that has no shared state (verifying and
// decrypting envelopes), so the node loop — the single LMDB writer — spends its time on storage.
// Thread-safety: ForEach may be called from one thread at a time.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tracenet {

class WorkPool {
 public:
  // `threads` workers besides the caller (0: everything runs on the caller).
  explicit WorkPool(size_t threads);
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Calls fn(i) for every i in [0, n) across the workers and the caller; returns when all are done.
  void ForEach(size_t n, const std::function<void(size_t)>& fn);

 private:
  void Work();
  void Drain();
  std::vector<std::thread> m_threads;
  std::mutex m_mutex;
  std::condition_variable m_start, m_done;
  const std::function<void(size_t)>* m_fn = nullptr;
  size_t m_n = 0, m_next = 0, m_finished = 0;
  uint64_t m_generation = 0;
  bool m_stop = false;
};

}  // namespace tracenet
