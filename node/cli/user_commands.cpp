#include "node/cli/user_commands.h"

#include <CLI/CLI.hpp>
#include <cstdio>

#include "node/api/api_client.h"
#include "node/cli/config_option.h"
#include "node/config/node_config.h"

namespace tracenet::cli {
namespace {

int Fail(const std::string& what, const std::string& message, int code = 1) {
  std::fprintf(stderr, "tracenet user %s: %s\n", what.c_str(), message.c_str());
  return code;
}

}  // namespace

void AddUserCommands(CLI::App& app, UserCommands& c) {
  auto* root = app.add_subcommand("user", "Local users of the node's API and their roles");
  root->require_subcommand(1);
  AddConfigOption(root, c.config);
  auto* add = root->add_subcommand("add", "Add a user; prints its token once");
  add->add_option("name", c.name, "User name: letters, digits, '.', '_', '-'")->required();
  add->add_option("--role", c.role, "submitter, responder, auditor or admin")->required();
  add->callback([&c] { c.action = "add"; });
  auto* list = root->add_subcommand("list", "List users, roles and revocations");
  list->add_flag("--json", c.json, "Print JSON");
  list->callback([&c] { c.action = "list"; });
  auto* revoke = root->add_subcommand("revoke", "End a user's token for good (the name stays, for the audit log)");
  revoke->add_option("name", c.name, "User name")->required();
  revoke->callback([&c] { c.action = "revoke"; });
}

int UserCommands::Run() {
  auto loaded = config::LoadNodeConfig(config);
  if (!loaded) return Fail(action, loaded.error().message, 2);
  auto client = api::ApiClient::FromConfig(*loaded);
  if (!client) return Fail(action, client.error().message, 2);
  if (action == "add") {
    auto r = client->Post("/v1/users", {{"name", name}, {"role", role}});
    if (!r) return Fail(action, r.error().message);
    std::printf("User %s (%s) added. Token, shown only now: give it to %s over a safe channel.\n%s\n", name.c_str(),
                role.c_str(), name.c_str(), (*r)["token"].get<std::string>().c_str());
    return 0;
  }
  if (action == "revoke") {
    auto r = client->Post("/v1/users/" + name + "/revoke", api::Json::object());
    if (!r) return Fail(action, r.error().message);
    std::printf("User %s revoked: its token no longer opens the API.\n", name.c_str());
    return 0;
  }
  auto r = client->Get("/v1/users");
  if (!r) return Fail(action, r.error().message);
  if (json) {
    std::printf("%s\n", r->dump(2).c_str());
    return 0;
  }
  for (const api::Json& u : (*r)["users"])
    std::printf("%-24s %-10s added %s by %s%s\n", u["name"].get<std::string>().c_str(), u["role"].get<std::string>().c_str(),
                u["created_at"].get<std::string>().c_str(), u["created_by"].get<std::string>().c_str(),
                u["revoked_at"].is_null() ? "" : ("  REVOKED " + u["revoked_at"].get<std::string>()).c_str());
  return 0;
}

}  // namespace tracenet::cli
