#include "node/cli/audit_commands.h"

#include "node/cli/config_option.h"
#include "node/common/json_text.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>

#include "node/api/api_client.h"
#include "node/audit/audit_bundle.h"
#include "node/common/file_util.h"

namespace tracenet::cli {
namespace {

int Fail(const std::string& what, const std::string& message, int code = 1) {
  std::fprintf(stderr, "tracenet audit %s: %s\n", what.c_str(), message.c_str());
  return code;
}

int VerifyBundleFile(const AuditCommands& c) {
  auto bytes = FromHex(c.public_key);
  if (!bytes || bytes->size() != 32) return Fail("verify-bundle", "--public-key must be 64 hex characters (the node's signing key)", 2);
  crypto::PublicKey32 key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  auto content = ReadFileBytes(c.bundle);
  if (!content) return Fail("verify-bundle", content.error().message, 2);
  auto json = nlohmann::json::parse(AsString(*content), nullptr, false);
  if (json.is_discarded()) return Fail("verify-bundle", c.bundle + " is not JSON", 2);
  audit::VerifyReport r = audit::VerifyBundle(json, key);
  if (!r.ok) return Fail("verify-bundle", "BROKEN at " + std::to_string(r.first_break) + ": " + r.problem);
  std::printf("OK: %llu entries (%s), %llu signed checkpoints, every one verified with the given key.\n",
              static_cast<unsigned long long>(r.entries), json.value("node", "").c_str(),
              static_cast<unsigned long long>(r.checkpoints));
  return 0;
}

// Checks the node's log against every witness for it in `file` (what a peer's `tracenet audit
// witnesses` wrote: {"witnesses": [...]}, or one witness object).
int CheckWitnesses(api::ApiClient& client, const std::string& file, const std::string& self) {
  auto content = ReadFileBytes(file);
  if (!content) return Fail("verify", content.error().message, 2);
  auto json = nlohmann::json::parse(AsString(*content), nullptr, false);
  if (json.is_discarded() || !json.is_object()) return Fail("verify", file + " is not a witness file (JSON object)", 2);
  nlohmann::json list = json.contains("witnesses") ? json["witnesses"] : nlohmann::json::array({json});
  int checked = 0, failed = 0;
  for (const nlohmann::json& w : list) {
    if (!w.is_object() || w.value("member", self) != self) continue;
    auto r = client.Post("/v1/audit/witness-check", w);
    if (!r) return Fail("verify", r.error().message);
    ++checked;
    bool consistent = (*r)["consistent"].get<bool>();
    failed += consistent ? 0 : 1;
    std::printf("%s witness: %s\n", consistent ? "OK" : "BROKEN", (*r)["verdict"].get<std::string>().c_str());
  }
  if (checked == 0) return Fail("verify", file + " holds no witness for " + self, 2);
  return failed ? 1 : 0;
}

}  // namespace

void AddAuditCommands(CLI::App& app, AuditCommands& c) {
  auto* root = app.add_subcommand("audit", "The tamper-evident audit log: verify, export, check an export");
  root->require_subcommand(1);
  AddConfigOption(root, c.config);
  auto* verify = root->add_subcommand("verify", "Check the node's audit log; names the first break");
  verify->add_option("--witness", c.witness_file,
                     "Also check the log against a peer's witnesses for it (the file `tracenet audit witnesses` wrote "
                     "on that peer): finds a log whose last entries were cut off");
  verify->callback([&c] { c.action = "verify"; });
  auto* witnesses = root->add_subcommand("witnesses", "The latest signed audit checkpoint each peer sent in its receipts");
  witnesses->add_option("--member", c.member, "Only this peer's");
  witnesses->add_option("--out", c.out, "Write them to this file (for `tracenet audit verify --witness` on that peer)");
  witnesses->callback([&c] { c.action = "witnesses"; });
  auto* exp = root->add_subcommand("export", "Write a signed stretch of the audit log for a third party");
  exp->add_option("--out", c.out, "Bundle file to write")->required();
  exp->add_option("--from", c.from, "First entry (default: the first)");
  exp->add_option("--to", c.to, "Last entry (default: the last signed one)");
  exp->callback([&c] { c.action = "export"; });
  auto* check = root->add_subcommand("verify-bundle", "Check an exported bundle with the node's public signing key alone");
  check->add_option("bundle", c.bundle)->required();
  check->add_option("--public-key", c.public_key, "The node's Ed25519 signing key, 64 hex (from the directory)")->required();
  check->callback([&c] { c.action = "verify-bundle"; });
}

int AuditCommands::Run() {
  if (action == "verify-bundle") return VerifyBundleFile(*this);
  auto loaded = config::LoadNodeConfig(config);
  if (!loaded) return Fail(action, loaded.error().message, 2);
  auto client = api::ApiClient::FromConfig(*loaded);
  if (!client) return Fail(action, client.error().message, 2);
  if (action == "verify") {
    auto r = client->Get("/v1/audit/verify");
    if (!r) return Fail(action, r.error().message);
    if (!(*r)["ok"].get<bool>())
      return Fail(action, "BROKEN at entry " + DumpJson((*r)["first_break"]) + ": " + (*r)["problem"].get<std::string>());
    std::printf("OK: %s entries, %s signed checkpoints; the chain and every signature verify.\n",
                DumpJson((*r)["entries"]).c_str(), DumpJson((*r)["checkpoints"]).c_str());
    return witness_file.empty() ? 0 : CheckWitnesses(*client, witness_file, loaded->id);
  }
  if (action == "witnesses") {
    auto r = client->Get("/v1/audit/witnesses");
    if (!r) return Fail(action, r.error().message);
    nlohmann::json kept = nlohmann::json::array();
    for (const nlohmann::json& w : (*r)["witnesses"])
      if (member.empty() || w["member"] == member) kept.push_back(w);
    nlohmann::json doc = {{"witnessed_by", (*r)["node"]}, {"witnesses", kept}};
    if (out.empty()) {
      std::printf("%s\n", doc.dump(1).c_str());
    } else {
      std::ofstream(out) << doc.dump(1) << "\n";
      std::printf("Wrote %zu witnesses to %s; on each member: tracenet audit verify --config ... --witness %s\n",
                  kept.size(), out.c_str(), out.c_str());
    }
    return 0;
  }
  auto r = client->Get("/v1/audit/export?from=" + std::to_string(from) + "&to=" + std::to_string(to));
  if (!r) return Fail(action, r.error().message);
  std::ofstream(out) << r->dump(1) << "\n";
  std::printf("Wrote %zu entries to %s; check with: tracenet audit verify-bundle %s --public-key %s\n", (*r)["entries"].size(),
              out.c_str(), out.c_str(), (*r)["sign_public"].get<std::string>().c_str());
  return 0;
}

}  // namespace tracenet::cli
