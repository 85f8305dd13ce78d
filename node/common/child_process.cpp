#include "node/common/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

extern char** environ;

namespace tracenet {

ChildProcess::~ChildProcess() {
  if (m_pid > 0) Kill();
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept : m_pid(other.m_pid), m_status(other.m_status) {
  other.m_pid = -1;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    if (m_pid > 0) Kill();
    m_pid = other.m_pid;
    m_status = other.m_status;
    other.m_pid = -1;
  }
  return *this;
}

Result<ChildProcess> ChildProcess::Start(const std::string& program, const std::vector<std::string>& args,
                                         const std::string& log_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ChildProcess child;
  int rc = posix_spawn(&child.m_pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return MakeError(Errc::kIo, "cannot start " + program + ": " + std::strerror(rc));
  return child;
}

bool ChildProcess::running() {
  if (m_pid <= 0) return false;
  pid_t r = waitpid(m_pid, &m_status, WNOHANG);
  if (r == m_pid) {
    m_pid = -1;
    return false;
  }
  return true;
}

int ChildProcess::Stop(int grace_ms) {
  if (m_pid <= 0) return WIFEXITED(m_status) ? WEXITSTATUS(m_status) : -WTERMSIG(m_status);
  ::kill(m_pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) return WIFEXITED(m_status) ? WEXITSTATUS(m_status) : -WTERMSIG(m_status);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Kill();
  return -SIGKILL;
}

void ChildProcess::Kill() {
  if (m_pid <= 0) return;
  ::kill(m_pid, SIGKILL);
  waitpid(m_pid, &m_status, 0);
  m_pid = -1;
}

std::string SelfExecutable() {
  char buffer[4096];
  ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n <= 0) return "tracenet";
  buffer[n] = 0;
  return buffer;
}

}  // namespace tracenet
