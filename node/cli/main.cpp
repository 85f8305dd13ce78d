// tracenet: the node daemon and its command-line client, one binary with subcommands.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "node/cli/commands.h"
#include "node/cli/config_option.h"
#include "node/cli/proof_commands.h"
#include "node/cli/directory_commands.h"
#include "node/cli/audit_commands.h"
#include "node/cli/review_commands.h"
#include "node/cli/user_commands.h"
#include "node/cli/stolen_commands.h"

int main(int argc, char** argv) {
  using namespace tracenet;
  CLI::App app{"tracenet - signed, end-to-end encrypted firearms trace exchange between national tracing centres"};
  app.require_subcommand(1);

  cli::KeygenOptions keygen;
  auto* keygen_cmd = app.add_subcommand("keygen", "Create a node's keys (secret files mode 0600) and its public peer entry");
  keygen_cmd->add_option("--id", keygen.id, "Member id, e.g. MEX-FGR")->required();
  keygen_cmd->add_option("--country", keygen.country, "ISO 3166-1 alpha-3 country code")->required();
  keygen_cmd->add_option("--dir", keygen.dir, "Directory for the key files")->required();
  keygen_cmd->add_option("--endpoint", keygen.endpoint, "Endpoint peers dial, e.g. tcp://203.0.113.5:7401");
  keygen_cmd->add_flag("--rotate", keygen.rotate,
                       "Replace the keys in --dir with fresh ones; the old ones move to DIR/previous/ for the overlap");

  std::string node_config = cli::DefaultConfig();
  auto* node_cmd = app.add_subcommand("node", "Run a node (SIGTERM or Ctrl-C stops it cleanly)");
  node_cmd->add_option("--config", node_config, "Node config (TOML)")->capture_default_str();

  auto* trace_cmd = app.add_subcommand("trace", "Submit and follow trace requests");
  trace_cmd->require_subcommand(1);
  std::string trace_config;
  cli::AddConfigOption(trace_cmd, trace_config);

  cli::SubmitOptions submit;
  std::string serial, make, model, type, calibre, priority = "routine", grounds = "national_law", purpose,
                                                  justification, agency_case, country_of_manufacture, request_file;
  bool obliterated = false;
  auto* submit_cmd = trace_cmd->add_subcommand("submit", "Send a trace request to another state");
  submit_cmd->add_option("--to", submit.recipient, "Member id of the requested state")->required();
  submit_cmd->add_option("--serial", serial, "Serial number as read from the frame or receiver");
  submit_cmd->add_flag("--obliterated", obliterated, "The serial is obliterated or altered");
  submit_cmd->add_option("--make", make, "Manufacturer");
  submit_cmd->add_option("--model", model, "Model");
  submit_cmd->add_option("--type", type, "pistol, revolver, rifle, carbine, shotgun, submachine_gun, machine_gun, ...");
  submit_cmd->add_option("--calibre", calibre, "Calibre or gauge");
  submit_cmd->add_option("--country-of-manufacture", country_of_manufacture, "Country of manufacture");
  submit_cmd->add_option("--priority", priority, "routine or urgent")->capture_default_str();
  submit_cmd->add_option("--justification", justification, "Why the trace is urgent");
  submit_cmd->add_option("--grounds", grounds, "national_law, un_security_council_embargo, not_marked, ...")->capture_default_str();
  submit_cmd->add_option("--purpose", purpose, "Intended use of the information");
  submit_cmd->add_option("--agency-case", agency_case, "Your agency's case number");
  submit_cmd->add_option("--request-file", request_file, "A JSON trace request (fields as in the HTTP API); flags override it");

  std::string show_id;
  bool show_json = false;
  auto* show_cmd = trace_cmd->add_subcommand("show", "Show a case and its timeline");
  show_cmd->add_option("id", show_id, "Case id")->required();
  show_cmd->add_flag("--json", show_json, "Print the API's JSON");

  bool list_overdue = false, list_json = false;
  auto* list_cmd = trace_cmd->add_subcommand("list", "List cases, newest first");
  list_cmd->add_flag("--overdue", list_overdue, "Only cases past their response deadline");
  list_cmd->add_flag("--json", list_json, "Print the API's JSON");

  auto* outbox_cmd = app.add_subcommand("outbox", "Messages that could not be delivered");
  outbox_cmd->require_subcommand(1);
  std::string outbox_config, resend_id;
  bool dead_json = false;
  cli::AddConfigOption(outbox_cmd, outbox_config);
  auto* dead_cmd = outbox_cmd->add_subcommand("dead-letters", "List messages that expired undelivered or were refused");
  dead_cmd->add_flag("--json", dead_json, "Print the API's JSON");
  auto* resend_cmd = outbox_cmd->add_subcommand("resend", "Put a dead letter back in the outbox (same message id)");
  resend_cmd->add_option("message_id", resend_id, "Message id (32 hex digits)")->required();

  auto* quarantine_cmd = app.add_subcommand("quarantine", "Messages refused because applying them failed");
  quarantine_cmd->require_subcommand(1);
  std::string quarantine_config, quarantine_seq;
  bool quarantine_json = false;
  cli::AddConfigOption(quarantine_cmd, quarantine_config);
  auto* quarantine_list_cmd = quarantine_cmd->add_subcommand("list", "List them, newest first");
  quarantine_list_cmd->add_flag("--json", quarantine_json, "Print the API's JSON");
  auto* quarantine_show_cmd = quarantine_cmd->add_subcommand("show", "Show one, with the frame as received (hex)");
  quarantine_show_cmd->add_option("seq", quarantine_seq, "Its number in the list")->required()->check(CLI::PositiveNumber);

  cli::DemoOptions demo;
  auto* demo_cmd = app.add_subcommand("demo", "Run a local two-node federation and trace two weapons");
  demo_cmd->add_option("--dir", demo.dir, "Keep the federation's state in this directory");
  demo_cmd->add_flag("--keep", demo.keep, "Keep the temporary directory afterwards");
  demo_cmd->add_flag("--console", demo.console, "Stay up afterwards and print each centre's web console address and a token");
  demo_cmd->add_option("--registry-size", demo.registry_size, "Weapons per generated registry")->capture_default_str();

  auto* adapter_cmd = app.add_subcommand("adapter", "Registry adapters: list them, load the fixture, check one");
  adapter_cmd->require_subcommand(1);
  auto* adapter_list_cmd = adapter_cmd->add_subcommand("list", "List the built-in adapters");
  std::string fixture_format = "sql", fixture_encoding = "utf-8", fixture_out;
  auto* adapter_fixture_cmd =
      adapter_cmd->add_subcommand("fixture", "Write the conformance fixture to load into your registry");
  adapter_fixture_cmd->add_option("--format", fixture_format, "sql (documented schema), csv or tsv")->capture_default_str();
  adapter_fixture_cmd->add_option("--encoding", fixture_encoding, "utf-8 or latin-1 (csv, tsv)")->capture_default_str();
  adapter_fixture_cmd->add_option("--out", fixture_out, "File to write (default: standard output)");
  std::string check_config;  // for check: a TOML file with a [registry] section (a node config will do)
  cli::AddConfigOption(adapter_cmd, check_config);
  auto* adapter_check_cmd =
      adapter_cmd->add_subcommand("check", "Run the conformance battery against a configured adapter (--config)");
  std::string serve_name;
  auto* adapter_serve_cmd = adapter_cmd->add_subcommand(
      "serve", "Host an adapter behind the JSON-lines protocol on stdin/stdout (the node runs plugins this way)");
  adapter_serve_cmd->add_option("adapter", serve_name, "Adapter name, e.g. plugin")->required();

  cli::DirectoryCommands directory;
  cli::AddDirectoryCommands(app, directory);
  cli::StolenCommands stolen;
  cli::AddStolenCommands(app, stolen);
  cli::AuditCommands audit;
  cli::AddAuditCommands(app, audit);
  cli::ReviewCommands review;
  cli::AddReviewCommands(app, review);
  cli::UserCommands user;
  cli::AddUserCommands(app, user);
  cli::ProofCommands proof;
  cli::AddProofCommands(app, proof);

  CLI11_PARSE(app, argc, argv);

  if (!directory.action.empty()) return directory.Run();
  if (!stolen.action.empty()) return stolen.Run();
  if (!audit.action.empty()) return audit.Run();
  if (!review.action.empty()) return review.Run();
  if (!user.action.empty()) return user.Run();
  if (!proof.action.empty()) return proof.Run();

  if (*dead_cmd) return cli::DeadLetterList(outbox_config, dead_json);
  if (*resend_cmd) return cli::DeadLetterResend(outbox_config, resend_id);
  if (*quarantine_list_cmd) return cli::QuarantineList(quarantine_config, quarantine_json);
  if (*quarantine_show_cmd) return cli::QuarantineShow(quarantine_config, quarantine_seq);
  if (*adapter_list_cmd) return cli::AdapterList();
  if (*adapter_fixture_cmd) return cli::AdapterFixture(fixture_format, fixture_encoding, fixture_out);
  if (*adapter_check_cmd) return cli::AdapterCheck(check_config);
  if (*adapter_serve_cmd) return cli::AdapterServe(serve_name);

  if (*keygen_cmd) {
    auto entry = cli::Keygen(keygen);
    if (!entry) {
      std::fprintf(stderr, "tracenet keygen: %s\n", entry.error().message.c_str());
      return 2;
    }
    if (keygen.rotate) {
      std::printf("New keys in %s; the old ones are in %s/previous/ (secret files mode 0600).\n"
                  "Next: have the directory authorities run\n"
                  "  tracenet directory update-member --id %s --rotate-to %s/public.toml --overlap-days 7\n"
                  "sign and publish that version, then restart this node. Remove %s/previous/ after the overlap.\n\n%s",
                  keygen.dir.c_str(), keygen.dir.c_str(), keygen.id.c_str(), keygen.dir.c_str(), keygen.dir.c_str(),
                  entry->c_str());
      return 0;
    }
    std::printf("Keys written to %s (secret files mode 0600). Give this entry to your peers:\n\n%s", keygen.dir.c_str(),
                entry->c_str());
    return 0;
  }
  if (*node_cmd) return cli::RunNode(node_config);
  if (*demo_cmd) return cli::RunDemo(demo);
  if (*submit_cmd) {
    submit.config = trace_config;
    if (!request_file.empty()) {
      FILE* f = std::fopen(request_file.c_str(), "r");
      if (!f) {
        std::fprintf(stderr, "tracenet trace submit: cannot open %s\n", request_file.c_str());
        return 2;
      }
      submit.request = api::Json::parse(f, nullptr, false);
      std::fclose(f);
      if (submit.request.is_discarded()) {
        std::fprintf(stderr, "tracenet trace submit: %s is not valid JSON\n", request_file.c_str());
        return 2;
      }
    }
    api::Json& r = submit.request;
    if (!r.is_object()) r = api::Json::object();
    auto set = [&](const char* key, const std::string& value) {
      if (!value.empty()) r[key] = value;
    };
    set("priority", priority);
    set("grounds", grounds);
    set("intended_use", purpose);
    set("urgency_justification", justification);
    set("agency_case_number", agency_case);
    api::Json& w = r["weapon"];
    if (!w.is_object()) w = api::Json::object();
    auto set_weapon = [&](const char* key, const std::string& value) {
      if (!value.empty()) w[key] = value;
    };
    set_weapon("serial", serial);
    set_weapon("manufacturer", make);
    set_weapon("model", model);
    set_weapon("type", type);
    set_weapon("calibre", calibre);
    set_weapon("country_of_manufacture", country_of_manufacture);
    if (obliterated) w["serial_obliterated"] = true;
    return cli::TraceSubmit(submit);
  }
  if (*show_cmd) return cli::TraceShow(trace_config, show_id, show_json);
  if (*list_cmd) return cli::TraceList(trace_config, list_overdue, list_json);
  return 2;
}
