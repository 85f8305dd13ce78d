// What the node tells an adapter factory besides the adapter's own settings.
#pragma once

#include <algorithm>
#include <string>

namespace tracenet::adapters {

struct AdapterContext {
  // The deadline an adapter enforces itself where it can. The node's lookup threads enforce
  // [registry] timeout_ms on every adapter; this is a little shorter, so an adapter that can
  // stop a slow call (a process, a database) does so and says why before that backstop fires.
  int timeout_ms = 5000;
  std::string host_program;   // the tracenet executable, which hosts isolated plugins
};

inline int AdapterTimeoutMs(int lookup_deadline_ms) {
  return std::max(lookup_deadline_ms * 9 / 10, lookup_deadline_ms - 250);
}

}  // namespace tracenet::adapters
