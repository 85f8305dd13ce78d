#include "node/runtime/registry_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tracenet::runtime {

RegistryWorker::RegistryWorker(std::unique_ptr<adapters::RegistryAdapter> adapter,
                               std::function<void(LookupOutcome)> on_done, uint64_t)
    : m_adapter(std::move(adapter)), m_on_done(std::move(on_done)) {
  m_thread = std::thread([this] { Run(); });
}

RegistryWorker::~RegistryWorker() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_cv.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

void RegistryWorker::Enqueue(trace::LookupJob job, uint64_t delay_ms) {
  {
    std::lock_guard lock(m_mutex);
    m_queue.push_back({std::move(job), std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms)});
  }
  m_cv.notify_one();
}

void RegistryWorker::Run() {
  for (;;) {
    Queued item;
    {
      std::unique_lock lock(m_mutex);
      for (;;) {
        if (m_stop) return;
        auto now = std::chrono::steady_clock::now();
        auto ready = std::find_if(m_queue.begin(), m_queue.end(), [&](const Queued& q) { return q.not_before <= now; });
        if (ready != m_queue.end()) {
          item = std::move(*ready);
          m_queue.erase(ready);
          break;
        }
        if (m_queue.empty()) m_cv.wait(lock);
        else m_cv.wait_for(lock, std::chrono::milliseconds(200));
      }
    }
    auto started = std::chrono::steady_clock::now();
    Result<adapters::Findings> findings =
        m_adapter ? m_adapter->Lookup(item.job.query)
                  : Result<adapters::Findings>(MakeError(Errc::kUnavailable, "no registry adapter is configured"));
    auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    if (!findings)
      spdlog::warn("event=registry_lookup_failed case={} reason=\"{}\"", ToHex(item.job.case_id).substr(0, 12),
                   findings.error().message);
    m_on_done(LookupOutcome{std::move(item.job), std::move(findings), static_cast<uint64_t>(elapsed.count())});
  }
}

}  // namespace tracenet::runtime
