// Generates a realistic national firearms registry in the SQLite adapter's layout, for the demo
// and for tests: real manufacturer names, models, calibres and serial formats, with custody
// chains from manufacture or import to a retail purchaser. Deterministic for a given seed.
// Thread-safety: pure function over its own database handle.
#pragma once

#include <string>

#include "node/common/result.h"

namespace tracenet::demo {

struct GeneratedWeapon {
  std::string serial;
  std::string manufacturer;
  std::string model;
  std::string type;
  std::string calibre;
};

struct RegistryPlan {
  std::string country;            // ISO alpha-3 of the registry's state, e.g. "USA"
  size_t weapons = 10000;
  uint64_t seed = 1;
};

// Creates (overwriting) `path`; returns one fully traced weapon the demo can ask about.
Result<GeneratedWeapon> GenerateRegistry(const std::string& path, const RegistryPlan& plan);

}  // namespace tracenet::demo
