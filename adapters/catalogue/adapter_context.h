// What the node tells an adapter factory besides the adapter's own settings.
#pragma once

#include <string>

namespace tracenet::adapters {

struct AdapterContext {
  int timeout_ms = 5000;      // [registry] timeout_ms: the deadline of one lookup
  std::string host_program;   // the tracenet executable, which hosts isolated plugins
};

}  // namespace tracenet::adapters
