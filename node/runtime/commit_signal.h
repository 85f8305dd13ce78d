// Tells API threads that the node loop committed a batch, so a caller waiting for something the
// network will bring (a hub's answer to a search) sleeps until the store changed instead of
// polling it. Thread-safety: Notify from the loop, Seq and WaitAfter from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace tracenet::runtime {

class CommitSignal {
 public:
  uint64_t Seq() const {
    std::lock_guard lock(m_mutex);
    return m_seq;
  }
  void Notify() {
    {
      std::lock_guard lock(m_mutex);
      ++m_seq;
    }
    m_changed.notify_all();
  }
  // Waits until a batch after `seq` committed, or `timeout` passed; true when one did.
  bool WaitAfter(uint64_t seq, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, timeout, [&] { return m_seq > seq; });
  }

 private:
  mutable std::mutex m_mutex;
  mutable std::condition_variable m_changed;
  uint64_t m_seq = 0;
};

}  // namespace tracenet::runtime
