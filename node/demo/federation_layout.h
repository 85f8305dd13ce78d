// Lays out a local federation on disk: for each node a directory with its keys, a peer list
// naming every other node, and a config. Used by `tracenet demo` and the end-to-end tests.
// Every endpoint is on 127.0.0.1. Thread-safety: pure function over the file system.
#pragma once

#include <string>
#include <vector>

#include "node/common/result.h"

namespace tracenet::demo {

struct NodeSpec {
  std::string id;
  std::string country;
  std::string registry_path;  // empty: no registry adapter
  bool hold_for_review = false;  // [review] default = "hold"
  std::string extra_config;   // appended TOML (e.g. a [limits] section)
  std::string registry_config;  // a whole [registry] section instead (overrides registry_path)
  std::string api_config;       // lines added to the [api] section
};

struct NodeLayout {
  std::string id;
  std::string dir;
  std::string config_path;
  std::string endpoint;
  std::string public_entry;  // the [[peer]] block other nodes list
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreeLoopbackPort();

Result<std::vector<NodeLayout>> LayOutFederation(const std::string& root, const std::vector<NodeSpec>& nodes);

}  // namespace tracenet::demo
