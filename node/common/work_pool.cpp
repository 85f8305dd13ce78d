#include "node/common/work_pool.h"

namespace tracenet {

WorkPool::WorkPool(size_t threads) {
  for (size_t i = 0; i < threads; ++i) m_threads.emplace_back([this] { Work(); });
}

WorkPool::~WorkPool() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_start.notify_all();
  for (std::thread& t : m_threads) t.join();
}

void WorkPool::Drain() {
  // Called with m_mutex held; takes indices one at a time and runs them unlocked.
  std::unique_lock lock(m_mutex, std::adopt_lock);
  while (m_next < m_n) {
    size_t i = m_next++;
    const auto* fn = m_fn;
    lock.unlock();
    (*fn)(i);
    lock.lock();
    if (++m_finished == m_n) m_done.notify_all();
  }
  lock.release();
}

void WorkPool::Work() {
  uint64_t seen = 0;
  std::unique_lock lock(m_mutex);
  for (;;) {
    m_start.wait(lock, [&] { return m_stop || m_generation != seen; });
    if (m_stop) return;
    seen = m_generation;
    Drain();
  }
}

void WorkPool::ForEach(size_t n, const std::function<void(size_t)>& fn) {
  if (n == 0) return;
  std::unique_lock lock(m_mutex);
  m_fn = &fn;
  m_n = n;
  m_next = 0;
  m_finished = 0;
  ++m_generation;
  if (n > 1) m_start.notify_all();
  Drain();
  m_done.wait(lock, [&] { return m_finished == m_n; });
  m_fn = nullptr;
}

}  // namespace tracenet
