// The tracenet subcommands. Each returns the process exit code and prints errors a person can
// act on. Thread-safety: called once from main.
#pragma once

#include <string>

#include "node/api/trace_json.h"
#include "node/common/result.h"

namespace tracenet::cli {

using api::Json;

struct KeygenOptions {
  std::string id;
  std::string country;
  std::string dir;
  std::string endpoint;  // advertised in the public peer entry
  bool rotate = false;   // replace existing keys, keeping the old ones in dir/previous/
};
// Writes the secret key files and `public.toml`, the peer entry other nodes add to their list
// (with `rotate`, fresh keys replace the existing ones; see crypto::RotateIdentity).
Result<std::string> Keygen(const KeygenOptions& options);

int RunNode(const std::string& config_path);

struct SubmitOptions {
  std::string config;
  std::string recipient;
  Json request;  // TraceRequest JSON (see node/api/trace_json.h)
};
int TraceSubmit(const SubmitOptions& options);
int TraceShow(const std::string& config, const std::string& case_id, bool json);
int TraceList(const std::string& config, bool overdue, bool json);
// Dead letters: messages that expired undelivered or were refused for good.
int DeadLetterList(const std::string& config, bool json);
// Frames the node refused because applying them failed: a list, or one with its bytes.
int QuarantineList(const std::string& config, bool json);
int QuarantineShow(const std::string& config, const std::string& seq);
int DeadLetterResend(const std::string& config, const std::string& message_id);

struct DemoOptions {
  std::string dir;     // empty: a fresh temporary directory
  bool keep = false;   // leave the nodes' directories for inspection
  size_t registry_size = 10000;
  bool console = false;  // stay up afterwards, printing each centre's web console and a token
};
int RunDemo(const DemoOptions& options);

// Registry adapter tools (node/cli/adapter_commands.cpp).
int AdapterList();
int AdapterFixture(const std::string& format, const std::string& encoding, const std::string& out);
int AdapterCheck(const std::string& config_path);
// Hosts adapter `name` behind the JSON-lines protocol on stdin/stdout.
int AdapterServe(const std::string& name);

// Human-readable case timeline for a tracing officer.
std::string RenderCase(const Json& c);

}  // namespace tracenet::cli
