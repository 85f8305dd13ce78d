#include "node/runtime/command_queue.h"

#include <sys/eventfd.h>
#include <unistd.h>

namespace tracenet::runtime {

CommandQueue::CommandQueue() : m_wake_fd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

CommandQueue::~CommandQueue() {
  if (m_wake_fd >= 0) ::close(m_wake_fd);
}

void CommandQueue::Wake() {
  uint64_t one = 1;
  (void)!::write(m_wake_fd, &one, sizeof one);
}

void CommandQueue::ClearWake() {
  uint64_t count;
  (void)!::read(m_wake_fd, &count, sizeof count);
}

Status CommandQueue::Run(const std::function<Status(store::Txn&)>& apply, std::chrono::seconds patience) {
  auto command = std::make_shared<QueuedCommand>();
  command->apply = apply;
  auto done = command->done.get_future();
  {
    std::lock_guard lock(m_mutex);
    m_commands.push_back(command);
  }
  Wake();
  if (done.wait_for(patience) != std::future_status::ready) {
    int queued = QueuedCommand::kQueued;
    if (command->state.compare_exchange_strong(queued, QueuedCommand::kAbandoned))
      return MakeError(Errc::kTimeout, "the node did not take the request within " + std::to_string(patience.count()) +
                                           " s; nothing was done");
    // The loop is running it: its batch will commit or fail, and say which.
  }
  return done.get();
}

void CommandQueue::PostLookup(LookupOutcome outcome) {
  {
    std::lock_guard lock(m_mutex);
    m_lookups.push_back(std::move(outcome));
  }
  Wake();
}

void CommandQueue::PostTask(std::function<void()> task) {
  {
    std::lock_guard lock(m_mutex);
    m_tasks.push_back(std::move(task));
  }
  Wake();
}

void CommandQueue::TakeWork(size_t max_commands, std::vector<std::shared_ptr<QueuedCommand>>& commands,
                            std::vector<LookupOutcome>& lookups) {
  std::lock_guard lock(m_mutex);
  while (!m_commands.empty() && commands.size() < max_commands) {
    int queued = QueuedCommand::kQueued;
    if (m_commands.front()->state.compare_exchange_strong(queued, QueuedCommand::kTaken))
      commands.push_back(std::move(m_commands.front()));
    m_commands.pop_front();  // an abandoned one is dropped unrun
  }
  while (!m_lookups.empty()) {
    lookups.push_back(std::move(m_lookups.front()));
    m_lookups.pop_front();
  }
}

std::deque<std::function<void()>> CommandQueue::TakeTasks() {
  std::deque<std::function<void()>> tasks;
  std::lock_guard lock(m_mutex);
  tasks.swap(m_tasks);
  return tasks;
}

bool CommandQueue::MoreWaiting() const {
  std::lock_guard lock(m_mutex);
  return !m_commands.empty() || !m_lookups.empty() || !m_tasks.empty();
}

}  // namespace tracenet::runtime
