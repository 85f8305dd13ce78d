// What other threads hand the node loop: commands to apply in the next batch (API calls; the
// caller waits until its batch has committed), registry answers, and tasks to run on the loop
// thread outside any transaction; and the eventfd that wakes the loop when any arrives.
// Thread-safety: Run/PostLookup/PostTask from any thread; Take*/MoreWaiting on the loop thread.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <vector>

#include "node/runtime/registry_worker.h"
#include "node/store/node_store.h"

namespace tracenet::runtime {

struct QueuedCommand {
  std::function<Status(store::Txn&)> apply;
  std::promise<Status> done;
  // kQueued until the loop takes it or its caller gives up waiting: whichever comes first wins,
  // so a command whose caller has returned (and whose captures may be gone) never runs.
  enum State : int { kQueued, kTaken, kAbandoned };
  std::atomic<int> state{kQueued};
};

class CommandQueue {
 public:
  CommandQueue();
  ~CommandQueue();
  CommandQueue(const CommandQueue&) = delete;
  CommandQueue& operator=(const CommandQueue&) = delete;

  // Queues `apply` for the next batch and waits until that batch has committed (its result) or
  // failed; kTimeout, with nothing done, if the loop did not take it within `patience`.
  Status Run(const std::function<Status(store::Txn&)>& apply, std::chrono::seconds patience = std::chrono::seconds(30));
  void PostLookup(LookupOutcome outcome);
  void PostTask(std::function<void()> task);

  // The loop polls this; ClearWake after it was readable.
  int wake_fd() const { return m_wake_fd; }
  void ClearWake();
  // Loop thread: at most `max_commands` commands still wanted by their callers, every answer.
  void TakeWork(size_t max_commands, std::vector<std::shared_ptr<QueuedCommand>>& commands,
                std::vector<LookupOutcome>& lookups);
  std::deque<std::function<void()>> TakeTasks();
  bool MoreWaiting() const;

 private:
  void Wake();

  int m_wake_fd = -1;
  mutable std::mutex m_mutex;
  std::deque<std::shared_ptr<QueuedCommand>> m_commands;
  std::deque<LookupOutcome> m_lookups;
  std::deque<std::function<void()>> m_tasks;
};

}  // namespace tracenet::runtime
