// The registry adapter contract: how a node asks its national firearms registry about a weapon.
// An adapter answers a weapon description with trace findings (a custody chain, partial data,
// or no record) and reports its health. Adapters never throw into the node: every failure is a
// returned Error. Thread-safety: the node calls Lookup from several lookup threads at once;
// an adapter that cannot serve concurrent calls serialises them itself. Adapters register by
// name in adapters/catalogue; the C ABI for plugins is tracenet_adapter.h.
#pragma once

#include <string>
#include <vector>

#include "node/common/result.h"

namespace tracenet::adapters {

struct WeaponQuery {
  std::string serial;
  std::string manufacturer;
  std::string model;
  std::string type;
  std::string calibre;
  std::string country_of_manufacture;
};

// Custody roles, as the schema's CustodyRole names them in snake_case:
// manufacturer, exporter, importer, distributor, dealer, government_stock,
// first_retail_purchaser, last_known_legal_holder, other.
struct CustodyEntry {
  std::string role;
  std::string name;
  std::string licence_number;
  std::string country;
  std::string address;
  std::string date_in;   // ISO 8601 date
  std::string date_out;  // empty while still held
  std::string document_type;
  std::string document_reference;
  std::string source_record;  // the registry's own record reference
};

enum class FindingOutcome { kFound, kPartial, kNoRecord };

struct Findings {
  FindingOutcome outcome = FindingOutcome::kNoRecord;
  std::string manufacturer;
  std::string model;
  std::string type;
  std::string calibre;
  std::string country_of_manufacture;
  int year = 0;
  std::vector<CustodyEntry> chain;  // in order, from manufacture onwards
  std::string comments;
};

class RegistryAdapter {
 public:
  virtual ~RegistryAdapter() = default;
  virtual std::string name() const = 0;
  // kNoRecord is a successful answer; an Error means the registry could not be asked
  // (Errc::kUnavailable, kTimeout, kIo) and the node will retry.
  virtual Result<Findings> Lookup(const WeaponQuery& query) = 0;
  virtual Status Health() = 0;
};

}  // namespace tracenet::adapters
