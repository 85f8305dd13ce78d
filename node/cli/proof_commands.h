// `tracenet prove` writes a case's proof bundle (node/proof/proof_bundle.h) from a running node;
// `tracenet verify-proof` checks one with nothing but the file and the federation's authority
// keys, and prints what it proves and what it does not. Thread-safety: called once from main.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace tracenet::cli {

struct ProofCommands {
  int Run();

  std::string action, config, case_id, out, file;
  std::vector<std::string> messages, authorities;
  size_t threshold = 0;
};

void AddProofCommands(CLI::App& app, ProofCommands& commands);

}  // namespace tracenet::cli
