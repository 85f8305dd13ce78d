// A fixed set of connections shared by lookup threads: a thread leases one, and the lease
// returns it when it goes out of scope. Waits while all are leased.
// Thread-safety: Lease may be called from many threads.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace tracenet::adapters {

template <typename Connection>
class ConnectionPool {
 public:
  class Lease {
   public:
    Lease(ConnectionPool* pool, Connection* c) : m_pool(pool), m_connection(c) {}
    Lease(Lease&& other) noexcept : m_pool(other.m_pool), m_connection(std::exchange(other.m_connection, nullptr)) {}
    Lease(const Lease&) = delete;
    ~Lease() {
      if (m_connection) m_pool->Return(m_connection);
    }
    Connection& operator*() const { return *m_connection; }
    Connection* operator->() const { return m_connection; }

   private:
    ConnectionPool* m_pool;
    Connection* m_connection;
  };

  void Add(std::unique_ptr<Connection> c) {
    std::lock_guard lock(m_mutex);
    m_free.push_back(c.get());
    m_all.push_back(std::move(c));
  }

  Lease Take() {
    std::unique_lock lock(m_mutex);
    m_free_cv.wait(lock, [&] { return !m_free.empty(); });
    Connection* c = m_free.back();
    m_free.pop_back();
    return Lease(this, c);
  }

  // Every connection, leased or not (for set-up and teardown only).
  const std::vector<std::unique_ptr<Connection>>& all() const { return m_all; }

 private:
  void Return(Connection* c) {
    {
      std::lock_guard lock(m_mutex);
      m_free.push_back(c);
    }
    m_free_cv.notify_one();
  }

  std::mutex m_mutex;
  std::condition_variable m_free_cv;
  std::vector<std::unique_ptr<Connection>> m_all;
  std::vector<Connection*> m_free;
};

}  // namespace tracenet::adapters
