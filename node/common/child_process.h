// Starting and stopping child processes (the demo's nodes, end-to-end tests). Output goes to a
// log file. Thread-safety: an instance belongs to one thread.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "node/common/result.h"

namespace tracenet {

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();  // kills a still-running child (SIGKILL) so no test leaks processes
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;

  static Result<ChildProcess> Start(const std::string& program, const std::vector<std::string>& args,
                                    const std::string& log_path);
  // SIGTERM, then SIGKILL after `grace_ms`; returns the exit status (-signal when killed).
  int Stop(int grace_ms = 5000);
  void Kill();  // SIGKILL now, and reap
  bool running();
  pid_t pid() const { return m_pid; }

 private:
  pid_t m_pid = -1;
  int m_status = 0;
};

// The path of the running executable.
std::string SelfExecutable();

}  // namespace tracenet
