// `tracenet directory ...`: what directory authorities and the federation's secretariat use
// to keep the signed member directory. Drafts and signed directories are the same file
// format (a SignedDirectory); editing a draft drops the signatures it had collected.
// Thread-safety: called once from main.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace tracenet::cli {

// Adds the `directory` subcommand tree to `app`; returns the function main runs when one of
// them was chosen (it returns the exit code), or nothing ran.
struct DirectoryCommands {
  CLI::App* root = nullptr;
  int Run();

  std::string action;
  std::string in, out, key, federation, id, name, role = "national", peer_entry, reason, country, config;
  std::vector<std::string> endpoints, home_hubs, authorities, parts;
  int valid_days = 90;
  int overlap_days = 7;
  size_t threshold = 1;
  uint64_t max_message_bytes = uint64_t{1} << 20;
  uint64_t ttl_hours = 720;
};

void AddDirectoryCommands(CLI::App& app, DirectoryCommands& commands);

}  // namespace tracenet::cli
