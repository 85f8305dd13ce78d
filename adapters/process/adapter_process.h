// One running adapter program: started with a socket as its stdin and stdout, spoken to one
// JSON line at a time with a deadline on every answer. Anything unexpected (a timeout, an
// exit, a malformed line) kills the program, so a late or confused answer can never be read
// as the answer to a later request; the owner starts a fresh one.
// Thread-safety: one thread at a time (ProcessAdapter holds a lock per instance).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "node/common/result.h"

namespace tracenet::adapters {

struct ProgramSpec {
  std::vector<std::string> command;  // program and arguments
  std::string working_dir;
  nlohmann::json settings;           // sent in the hello
};

class AdapterProcess {
 public:
  AdapterProcess() = default;
  ~AdapterProcess() { Kill("shutting down"); }
  AdapterProcess(const AdapterProcess&) = delete;
  AdapterProcess& operator=(const AdapterProcess&) = delete;

  // Starts the program and completes the version handshake within `deadline`.
  Status Start(const ProgramSpec& spec, std::chrono::milliseconds deadline);
  // Sends one line and reads one line back within `deadline`.
  Result<std::string> Exchange(const std::string& line, std::chrono::milliseconds deadline);
  bool running() const { return m_pid > 0; }
  // Kills and reaps the program; `why` becomes the reason the next error names.
  void Kill(const std::string& why);
  const std::string& last_exit() const { return m_last_exit; }

 private:
  Status Send(const std::string& line);
  Result<std::string> ReadLine(std::chrono::steady_clock::time_point deadline);
  std::string ExitDescription();

  pid_t m_pid = -1;
  int m_fd = -1;
  std::string m_buffer;
  std::string m_last_exit;
};

}  // namespace tracenet::adapters
