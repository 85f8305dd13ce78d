// `--config` in one place for every command that reads a node's config: on the command group,
// so `tracenet stolen --config F search ...` and `tracenet stolen search ... --config F` both
// work (the subcommands pass options they do not know up to the group). The default is
// $TRACENET_CONFIG, else ./tracenet.toml. Thread-safety: called once from main.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace tracenet::cli {

std::string DefaultConfig();
void AddConfigOption(CLI::App* group, std::string& config);

}  // namespace tracenet::cli
