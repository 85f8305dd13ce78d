// `tracenet user ...`: the node's local API users. `add` prints the new user's token once (only
// its hash is stored); `revoke` ends a token for good; `list` shows names, roles and who added
// them. Roles: submitter, responder, auditor, admin (node/users/roles.h).
// Thread-safety: called once from main.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace tracenet::cli {

struct UserCommands {
  int Run();

  std::string action, config, name, role;
  bool json = false;
};

void AddUserCommands(CLI::App& app, UserCommands& commands);

}  // namespace tracenet::cli
