#include "node/runtime/registry_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tracenet::runtime {

using Clock = std::chrono::steady_clock;

// Shared with the threads, so a written-off thread can finish its call after the worker is gone.
struct RegistryWorker::State {
  struct Queued {
    trace::LookupJob job;
    Clock::time_point not_before;
  };
  struct Thread {
    std::thread thread;
    bool busy = false;
    bool written_off = false;
    trace::LookupJob job;
    Clock::time_point started;
  };

  std::shared_ptr<adapters::RegistryAdapter> adapter;
  RegistryWorkerOptions options;
  std::function<void(LookupOutcome)> on_done;
  RegistryCounters counters;
  std::mutex mutex;
  std::condition_variable cv;        // workers wait here for jobs
  std::condition_variable watch_cv;  // the watchdog waits here, so a job's notify always reaches a worker
  std::deque<Queued> queue;
  std::vector<std::shared_ptr<Thread>> threads;
  size_t written_off_alive = 0;
  bool closed = false;
  std::thread watchdog;

  void StartThread(const std::shared_ptr<State>& self) {
    auto t = std::make_shared<Thread>();
    threads.push_back(t);
    t->thread = std::thread([self, t] { self->Run(*t); });
  }

  // Takes the next job whose time has come, or returns false when closed.
  bool Next(std::unique_lock<std::mutex>& lock, Thread& t) {
    for (;;) {
      if (closed) return false;
      auto now = Clock::now();
      auto ready = std::find_if(queue.begin(), queue.end(), [&](const Queued& q) { return q.not_before <= now; });
      if (ready != queue.end()) {
        t.job = std::move(ready->job);
        queue.erase(ready);
        t.busy = true;
        t.started = now;
        return true;
      }
      if (queue.empty()) cv.wait(lock);
      else cv.wait_for(lock, std::chrono::milliseconds(100));
    }
  }

  // The adapter contract says errors are values; one that throws anyway costs its lookup only.
  Result<adapters::Findings> Call(const adapters::WeaponQuery& query) {
    if (!adapter) return MakeError(Errc::kUnavailable, "no registry adapter is configured");
    try {
      return adapter->Lookup(query);
    } catch (const std::exception& e) {
      return MakeError(Errc::kInternal, std::string("registry adapter failed: ") + e.what());
    } catch (...) {
      return MakeError(Errc::kInternal, "registry adapter failed with an unknown exception");
    }
  }

  void Run(Thread& t) {
    std::unique_lock lock(mutex);
    while (Next(lock, t)) {
      trace::LookupJob job = t.job;
      lock.unlock();
      auto started = Clock::now();
      Result<adapters::Findings> findings = Call(job.query);
      auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
      lock.lock();
      if (t.written_off) {  // the watchdog already answered for this lookup
        --written_off_alive;
        spdlog::info("event=registry_late_answer_dropped case={} elapsed_ms={}", ToHex(job.case_id).substr(0, 12),
                     elapsed.count() / 1000);
        return;
      }
      t.busy = false;
      ++counters.lookups;
      counters.lookup_latency.Observe(static_cast<uint64_t>(elapsed.count()));
      if (!findings) {
        ++counters.failures;
        spdlog::warn("event=registry_lookup_failed case={} reason=\"{}\"", ToHex(job.case_id).substr(0, 12),
                     findings.error().message);
      }
      // Under the lock, so no callback runs once the destructor has closed the state.
      if (!closed) on_done(LookupOutcome{std::move(job), std::move(findings), static_cast<uint64_t>(elapsed.count())});
    }
  }

  void Watch(const std::shared_ptr<State>& self) {
    std::unique_lock lock(mutex);
    while (!closed) {
      watch_cv.wait_for(lock, std::chrono::milliseconds(50));
      auto now = Clock::now();
      for (size_t i = 0; i < threads.size(); ++i) {
        std::shared_ptr<Thread> t = threads[i];
        if (!t->busy || now - t->started < options.deadline) continue;
        t->written_off = true;
        t->thread.detach();
        threads.erase(threads.begin() + static_cast<std::ptrdiff_t>(i--));
        ++written_off_alive;
        ++counters.timeouts;
        ++counters.written_off_threads;
        spdlog::warn("event=registry_lookup_timeout case={} deadline_ms={} stuck_threads={}",
                     ToHex(t->job.case_id).substr(0, 12), options.deadline.count(), written_off_alive);
        on_done(LookupOutcome{t->job,
                              MakeError(Errc::kTimeout, "the registry did not answer within " +
                                                            std::to_string(options.deadline.count()) + " ms"),
                              static_cast<uint64_t>(options.deadline.count()) * 1000});
        if (written_off_alive <= options.max_written_off) StartThread(self);
        else spdlog::error("event=registry_stuck reason=\"{} lookups are stuck in the registry adapter; no more threads are started\"",
                           written_off_alive);
      }
      // Keep the pool at strength once stuck threads come back.
      while (threads.size() < options.workers && written_off_alive <= options.max_written_off) StartThread(self);
    }
  }
};

RegistryWorker::RegistryWorker(std::shared_ptr<adapters::RegistryAdapter> adapter, RegistryWorkerOptions options,
                               std::function<void(LookupOutcome)> on_done)
    : m_state(std::make_shared<State>()) {
  m_state->adapter = std::move(adapter);
  m_state->options = options;
  m_state->options.workers = std::max<size_t>(1, options.workers);
  m_state->on_done = std::move(on_done);
  std::lock_guard lock(m_state->mutex);
  for (size_t i = 0; i < m_state->options.workers; ++i) m_state->StartThread(m_state);
  m_state->watchdog = std::thread([s = m_state] { s->Watch(s); });
}

RegistryWorker::~RegistryWorker() {
  std::vector<std::shared_ptr<State::Thread>> threads;
  {
    std::lock_guard lock(m_state->mutex);
    m_state->closed = true;
    threads = m_state->threads;
  }
  m_state->cv.notify_all();
  m_state->watch_cv.notify_all();
  m_state->watchdog.join();
  // Idle threads end at once; one inside a slow lookup is left to finish on its own (it holds
  // the state and can no longer call back).
  for (auto& t : threads) {
    std::unique_lock lock(m_state->mutex);
    bool busy = t->busy;
    lock.unlock();
    if (busy) t->thread.detach();
    else t->thread.join();
  }
}

void RegistryWorker::Enqueue(trace::LookupJob job, uint64_t delay_ms) {
  {
    std::lock_guard lock(m_state->mutex);
    m_state->queue.push_back({std::move(job), Clock::now() + std::chrono::milliseconds(delay_ms)});
  }
  m_state->cv.notify_one();
}

bool RegistryWorker::has_adapter() const { return m_state->adapter != nullptr; }
const RegistryCounters& RegistryWorker::counters() const { return m_state->counters; }

}  // namespace tracenet::runtime
