// The conformance kit's fixture registry: a handful of weapons chosen to exercise every rule a
// registry adapter must honour (full and partial chains, a weapon without custody records, one
// serial under two makes, a letter O in a serial, non-ASCII names, names with quotes and
// commas). Integrators load it into their registry with `tracenet adapter fixture`, then run
// `tracenet adapter check`. Serials start with TNCK so they cannot collide with real records.
// Thread-safety: immutable data and pure functions.
#pragma once

#include <string>
#include <vector>

#include "adapters/sdk/registry_adapter.h"

namespace tracenet::adapters::conformance {

struct FixtureWeapon {
  std::string serial;  // as marked
  std::string manufacturer;
  std::string model;
  std::string type;
  std::string calibre;
  std::string country_of_manufacture;
  int year;
  std::vector<CustodyEntry> chain;  // date_out left empty: adapters derive it
  FindingOutcome expected;
};

const std::vector<FixtureWeapon>& FixtureWeapons();

enum class FixtureFormat { kSql, kCsv, kTsv };
// The fixture as a file body: SQL for the documented schema (SQLite and PostgreSQL), CSV with
// one row per custody event and a header of field names, or the same as TSV. `latin1`
// re-encodes CSV/TSV text as Latin-1.
Result<std::string> RenderFixture(FixtureFormat format, bool latin1 = false);

}  // namespace tracenet::adapters::conformance
