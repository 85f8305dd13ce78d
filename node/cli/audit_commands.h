// `tracenet audit ...`: check the node's hash-chained audit log in place (the first break is
// named), export a signed stretch of it, and check such a bundle with nothing but the node's
// public signing key (a third party needs no node, no store and no secret); list the checkpoints
// peers sent (witnesses of their logs), and check this node's log against a peer's witness, which
// shows a log whose last entries were cut off.
// Thread-safety: called once from main.
#pragma once

#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace tracenet::cli {

struct AuditCommands {
  int Run();

  std::string action, config, out, bundle, public_key, witness_file, member;
  uint64_t from = 0, to = 0;
};

void AddAuditCommands(CLI::App& app, AuditCommands& commands);

}  // namespace tracenet::cli
