#include "node/cli/config_option.h"

#include <CLI/CLI.hpp>

#include <cstdlib>

namespace tracenet::cli {

std::string DefaultConfig() {
  const char* env = std::getenv("TRACENET_CONFIG");
  return env ? env : "tracenet.toml";
}

void AddConfigOption(CLI::App* group, std::string& config) {
  config = DefaultConfig();
  group->fallthrough();
  group->add_option("--config", config, "Node config (TOML), before or after the subcommand")->capture_default_str();
}

}  // namespace tracenet::cli
