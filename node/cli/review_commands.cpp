#include "node/cli/review_commands.h"

#include <CLI/CLI.hpp>
#include <cstdio>

#include "node/api/api_client.h"
#include "node/cli/commands.h"
#include "node/cli/config_option.h"

namespace tracenet::cli {
namespace {

int Fail(const std::string& what, const std::string& message, int code = 1) {
  std::fprintf(stderr, "tracenet review %s: %s\n", what.c_str(), message.c_str());
  return code;
}

void PrintDraft(const Json& c) {
  std::printf("%s  from %s  %s  serial %s  due %s\n", c["case_id"].get<std::string>().c_str(),
              c["peer"].get<std::string>().c_str(), c["priority"].get<std::string>().c_str(),
              c["weapon"]["serial"].get<std::string>().c_str(), c.value("due_at", "").c_str());
  if (c["draft"].is_null()) {
    std::printf("    no draft (no registry answer): refuse with a reason, or answer from the registry tools\n");
    return;
  }
  const Json& d = c["draft"];
  std::printf("    draft: %s, %zu custody links\n", d["outcome"].get<std::string>().c_str(), d["custody_chain"].size());
  for (size_t i = 0; i < d["custody_chain"].size(); ++i) {
    const Json& l = d["custody_chain"][i];
    std::printf("      [%zu] %s  %s  %s  %s..%s\n", i, l["role"].get<std::string>().c_str(), l["name"].get<std::string>().c_str(),
                l["country"].get<std::string>().c_str(), l["date_in"].get<std::string>().c_str(),
                l["date_out"].get<std::string>().c_str());
  }
}

}  // namespace

void AddReviewCommands(CLI::App& app, ReviewCommands& c) {
  auto* root = app.add_subcommand("review", "Incoming traces held for review: list them, approve, restrict, answer in part or refuse");
  root->require_subcommand(1);
  AddConfigOption(root, c.config);
  auto* list = root->add_subcommand("list", "Traces awaiting review, with the registry's draft answers");
  list->add_flag("--json", c.json, "Print JSON");
  list->callback([&c] { c.action = "list"; });
  const char* reasons = "ITI reason: ongoing_investigation, confidentiality_law, requester_cannot_guarantee_confidentiality, other";
  for (const char* action : {"approve", "restrict", "partial", "refuse"}) {
    std::string help = std::string(action) == "approve"    ? "Send the draft answer as it is"
                       : std::string(action) == "restrict" ? "Send a restricted answer (reason required)"
                       : std::string(action) == "partial"  ? "Send only some custody links (--keep 0 --keep 2)"
                                                           : "Refuse to answer (reason required)";
    auto* cmd = root->add_subcommand(action, help);
    cmd->add_option("case_id", c.case_id, "The case (32 hex)")->required();
    cmd->add_option("--comments", c.comments, "Comments for the requester (replace the draft's)");
    cmd->add_option("--use-restrictions", c.use_restrictions, "Restrictions on use the requester must honour");
    if (std::string(action) != "approve") {
      cmd->add_option("--reason", c.reason, reasons)->required(std::string(action) != "partial");
      cmd->add_option("--detail", c.detail, "The reason in words (required with --reason other)");
    }
    if (std::string(action) == "restrict") cmd->add_flag("--withhold-custody", c.withhold_custody, "Send no chain of custody");
    if (std::string(action) == "partial") cmd->add_option("--keep", c.keep, "A custody link to send (number from `review list`)")->required();
    cmd->callback([&c, action] { c.action = action; });
  }
}

int ReviewCommands::Run() {
  auto loaded = config::LoadNodeConfig(config);
  if (!loaded) return Fail(action, loaded.error().message, 2);
  auto client = api::ApiClient::FromConfig(*loaded);
  if (!client) return Fail(action, client.error().message, 2);
  if (action == "list") {
    auto r = client->Get("/v1/inbox");
    if (!r) return Fail(action, r.error().message);
    if (json) {
      std::printf("%s\n", r->dump(2).c_str());
      return 0;
    }
    if ((*r)["cases"].empty()) std::printf("Nothing awaits review.\n");
    for (const Json& c : (*r)["cases"]) PrintDraft(c);
    return 0;
  }
  Json body = {{"action", action}};
  if (!reason.empty()) body["reason"] = reason;
  if (!detail.empty()) body["reason_detail"] = detail;
  if (!comments.empty()) body["comments"] = comments;
  if (!use_restrictions.empty()) body["use_restrictions"] = use_restrictions;
  if (withhold_custody) body["withhold_custody"] = true;
  if (!keep.empty()) body["keep_custody"] = keep;
  auto r = client->Post("/v1/traces/" + case_id + "/review", body);
  if (!r) return Fail(action, r.error().message);
  std::printf("Case %s answered (%s); the answer is queued for %s.\n", case_id.c_str(), action.c_str(),
              "the requesting state");
  return 0;
}

}  // namespace tracenet::cli
