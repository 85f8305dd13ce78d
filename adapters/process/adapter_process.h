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
  std::vector<std::string> command;  // program (an absolute path) and arguments
  std::string working_dir;
  nlohmann::json settings;           // sent in the hello
  // The program's whole environment, "NAME=value" each: not the node's (which may hold
  // secrets and a PATH the operator did not mean for it). Empty: AdapterEnvironment({}).
  std::vector<std::string> environment;
};

// A clean environment for an adapter program: a fixed PATH and a UTF-8 locale, plus the named
// variables of the node's own environment that are set (e.g. a database client's settings).
std::vector<std::string> AdapterEnvironment(const std::vector<std::string>& pass_through);

// The absolute path of `program`: as given when it names a directory, else the first match on
// the node's PATH (resolved once, at start, so the same program runs for the node's lifetime).
Result<std::string> ResolveProgram(const std::string& program);

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
