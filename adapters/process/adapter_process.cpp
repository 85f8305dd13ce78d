#include "adapters/process/adapter_process.h"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include "adapters/process/json_lines_protocol.h"


namespace tracenet::adapters {

namespace {
Error Gone(const std::string& why) { return MakeError(Errc::kUnavailable, "adapter process " + why); }

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const char* name = sigabbrev_np(WTERMSIG(status));
    return "was killed by signal " + std::to_string(WTERMSIG(status)) + (name ? std::string(" (SIG") + name + ")" : "");
  }
  return "stopped";
}
}  // namespace

std::vector<std::string> AdapterEnvironment(const std::vector<std::string>& pass_through) {
  std::vector<std::string> env = {"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8"};
  // A sanitizer build's settings (no secrets) reach the adapter programs it starts, so a plugin
  // host is checked, and crashes, the same way as the node.
  std::vector<std::string> names = {"ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS", "LSAN_OPTIONS"};
  names.insert(names.end(), pass_through.begin(), pass_through.end());
  for (const std::string& name : names)
    if (const char* value = std::getenv(name.c_str())) env.push_back(name + "=" + value);
  return env;
}

Result<std::string> ResolveProgram(const std::string& program) {
  namespace fs = std::filesystem;
  if (program.find('/') != std::string::npos) return fs::absolute(program).lexically_normal().string();
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  for (size_t start = 0; start <= dirs.size();) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    start = end + 1;
    if (dir.empty() || dir[0] != '/') continue;  // relative PATH entries depend on the working directory
    fs::path candidate = fs::path(dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0 && fs::is_regular_file(candidate)) return candidate.string();
  }
  return MakeError(Errc::kConfig, "adapter program " + program + " is not on the PATH (" + dirs +
                                      "); name it with its absolute path");
}

Status AdapterProcess::Start(const ProgramSpec& spec, std::chrono::milliseconds deadline) {
  Kill("restarting");
  if (spec.command.empty()) return MakeError(Errc::kConfig, "adapter command is empty");
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    return MakeError(Errc::kIo, std::string("cannot create adapter socket: ") + strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // The child's stdin and stdout are its end of the socket; stderr stays the node's log.
  posix_spawn_file_actions_adddup2(&actions, pair[1], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pair[1], STDOUT_FILENO);
  if (!spec.working_dir.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.working_dir.c_str());
  std::vector<char*> argv;
  for (const std::string& a : spec.command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> environment = spec.environment.empty() ? AdapterEnvironment({}) : spec.environment;
  std::vector<char*> envp;
  for (std::string& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(pair[1]);
  if (rc != 0) {
    close(pair[0]);
    return MakeError(Errc::kConfig, "cannot start adapter program " + spec.command[0] +
                                        (spec.working_dir.empty() ? "" : " in " + spec.working_dir) + ": " + strerror(rc));
  }
  m_pid = pid;
  m_fd = pair[0];
  m_buffer.clear();
  auto reply = Exchange(protocol::HelloRequest(spec.settings), deadline);
  if (!reply) return reply.error();
  auto message = protocol::ParseMessage(*reply);
  if (!message) {
    Kill("sent a malformed hello");
    return message.error();
  }
  if (auto version = protocol::ReadHelloReply(*message); !version) {
    Kill("refused the handshake");
    return version.error();
  }
  return Status::Ok();
}

Status AdapterProcess::Send(const std::string& line) {
  std::string framed = line + "\n";
  size_t sent = 0;
  while (sent < framed.size()) {
    ssize_t n = send(m_fd, framed.data() + sent, framed.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string reason = std::string("stopped reading its input (") + strerror(errno) + ")";
      Kill(reason);
      return Gone(reason + "; " + m_last_exit);
    }
    sent += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Result<std::string> AdapterProcess::ReadLine(std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    if (size_t nl = m_buffer.find('\n'); nl != std::string::npos) {
      std::string line = m_buffer.substr(0, nl);
      m_buffer.erase(0, nl + 1);
      return line;
    }
    if (m_buffer.size() > protocol::kMaxLineBytes) {
      Kill("sent a line longer than 1 MiB");
      return MakeError(Errc::kMalformed, "adapter sent malformed output: a line longer than 1 MiB");
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      Kill("did not answer in time");
      return MakeError(Errc::kTimeout, "adapter process did not answer in time; it was stopped and will be restarted");
    }
    pollfd p{m_fd, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // the deadline check above ends the wait
    char chunk[65536];
    ssize_t n = recv(m_fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Kill("closed its output");
      return Gone(m_last_exit);
    }
    m_buffer.append(chunk, static_cast<size_t>(n));
  }
}

Result<std::string> AdapterProcess::Exchange(const std::string& line, std::chrono::milliseconds deadline) {
  if (!running()) return Gone("is not running" + (m_last_exit.empty() ? "" : " (" + m_last_exit + ")"));
  auto until = std::chrono::steady_clock::now() + deadline;
  if (Status s = Send(line); !s) return s.error();
  return ReadLine(until);
}

std::string AdapterProcess::ExitDescription() {
  int status = 0;
  pid_t r;
  do r = waitpid(m_pid, &status, 0);
  while (r < 0 && errno == EINTR);
  return r == m_pid ? DescribeExit(status) : "exited";
}

void AdapterProcess::Kill(const std::string& why) {
  if (m_fd >= 0) close(m_fd);
  m_fd = -1;
  if (m_pid > 0) {
    // A program that already died keeps its own exit reason; a live one is stopped now.
    int status = 0;
    std::string how;
    if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
      how = DescribeExit(status);
    } else {
      ::kill(m_pid, SIGKILL);
      how = ExitDescription();
      // The program may have died just before the kill: its own status then says why.
      if (how.find("signal 9 ") != std::string::npos) how = why + "; it was stopped";
    }
    m_last_exit = how;
  }
  m_pid = -1;
  m_buffer.clear();
}

}  // namespace tracenet::adapters
