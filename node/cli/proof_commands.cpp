#include "node/cli/proof_commands.h"

#include <CLI/CLI.hpp>

#include <cstdio>

#include "node/api/api_client.h"
#include "node/cli/config_option.h"
#include "node/common/file_util.h"
#include "node/config/node_config.h"
#include "node/proof/proof_bundle.h"

namespace tracenet::cli {

namespace {

int Fail(const std::string& what, const Error& e) {
  std::fprintf(stderr, "tracenet %s: %s\n", what.c_str(), e.message.c_str());
  return e.code == Errc::kInvalidArgument || e.code == Errc::kConfig ? 2 : 1;
}

int Prove(const ProofCommands& c) {
  auto config = config::LoadNodeConfig(c.config);
  if (!config) return Fail("prove", config.error());
  auto client = api::ApiClient::FromConfig(*config);
  if (!client) return Fail("prove", client.error());
  std::string path = "/v1/traces/" + c.case_id + "/proof";
  for (size_t i = 0; i < c.messages.size(); ++i) path += (i == 0 ? "?disclose=" : ",") + c.messages[i];
  auto bundle = client->Get(path);
  if (!bundle) return Fail("prove", bundle.error());
  std::string text = bundle->dump(2) + "\n";
  if (c.out.empty()) {
    std::fputs(text.c_str(), stdout);
    return 0;
  }
  if (Status s = WriteFileAtomic(c.out, AsBytes(text), 0600); !s) return Fail("prove", s.error());
  std::fprintf(stderr, "proof of case %s written to %s (%zu messages)\n", c.case_id.c_str(), c.out.c_str(),
               (*bundle)["messages"].size());
  return 0;
}

int VerifyProof(const ProofCommands& c) {
  auto bytes = ReadFileBytes(c.file);
  if (!bytes) return Fail("verify-proof", bytes.error());
  nlohmann::json bundle = nlohmann::json::parse(bytes->begin(), bytes->end(), nullptr, false);
  if (bundle.is_discarded()) return Fail("verify-proof", MakeError(Errc::kInvalidArgument, c.file + " is not JSON"));
  std::vector<crypto::PublicKey32> authorities;
  for (const std::string& hex : c.authorities) {
    auto key = FromHex(hex);
    if (!key || key->size() != 32)
      return Fail("verify-proof", MakeError(Errc::kInvalidArgument, "--authorities takes 64-hex public keys, not " + hex));
    crypto::PublicKey32 k;
    std::copy(key->begin(), key->end(), k.begin());
    authorities.push_back(k);
  }
  size_t threshold = c.threshold ? c.threshold : authorities.size();
  auto verdict = proof::VerifyBundle(bundle, authorities, threshold);
  if (!verdict) {
    std::printf("REFUSED: %s\n", verdict.error().message.c_str());
    return 1;
  }
  std::printf("Proven (case %s):\n", bundle.value("case_id", "").c_str());
  for (const std::string& line : verdict->proven) std::printf("  - %s\n", line.c_str());
  std::printf("Not proven:\n");
  for (const std::string& line : verdict->not_proven) std::printf("  - %s\n", line.c_str());
  if (verdict->authorities_pinned) return 0;
  // Consistent, but anyone can sign a directory of their own: not a proof until the keys are given.
  std::printf("UNVERIFIED: give the federation's authority keys (--authorities) to check who vouches for the signers\n");
  return 3;
}

}  // namespace

void AddProofCommands(CLI::App& app, ProofCommands& c) {
  auto* prove = app.add_subcommand("prove", "Write a case's proof bundle for a third party (court, auditor, another state)");
  AddConfigOption(prove, c.config);
  prove->add_option("case_id", c.case_id, "The case (32 hex)")->required();
  prove->add_option("--message", c.messages,
                    "Disclose only this message (repeat; default: every message of the case). The others are left out")
      ->delimiter(',');
  prove->add_option("--out", c.out, "File to write (default: standard output)");
  prove->callback([&c] { c.action = "prove"; });
  auto* verify = app.add_subcommand("verify-proof", "Check a proof bundle with nothing but the file and the authority keys");
  verify->add_option("file", c.file, "The bundle")->required();
  verify->add_option("--authorities", c.authorities, "The federation's authority public keys, 64 hex each, comma-separated")
      ->delimiter(',');
  verify->add_option("--threshold", c.threshold, "How many of them must have signed its directory (default: all given)");
  verify->footer("Exit status: 0 proven as printed, 1 refused (the reason is printed), 3 consistent but no authority keys given.");
  verify->callback([&c] { c.action = "verify-proof"; });
}

int ProofCommands::Run() { return action == "prove" ? Prove(*this) : VerifyProof(*this); }

}  // namespace tracenet::cli
