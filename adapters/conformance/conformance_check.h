// The standard battery every registry adapter must pass before it goes live (`tracenet adapter
// check`): the fixture's records found with the right chain, unknown serials not found,
// normalised serial and make forms found, hostile input treated as data, every lookup within
// its deadline, concurrent lookups answered correctly, and the adapter healthy afterwards.
// Thread-safety: RunConformance calls the adapter from several threads (as the node does).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "adapters/sdk/registry_adapter.h"

namespace tracenet::adapters::conformance {

struct CheckResult {
  std::string name;
  bool passed = false;
  std::string detail;  // what was seen; for a failure, the first thing that was wrong
};

struct ConformanceOptions {
  std::chrono::milliseconds deadline{5000};
  size_t concurrent_threads = 8;
  size_t lookups_per_thread = 40;
};

std::vector<CheckResult> RunConformance(RegistryAdapter& adapter, const ConformanceOptions& options);
// A fixed-width pass/fail table for a terminal.
std::string RenderReport(const std::vector<CheckResult>& results);

}  // namespace tracenet::adapters::conformance
