// The versioned reference data matching relies on (DOMAIN.md §6): manufacturer aliases and
// calibre equivalents. The shipped tables live in node/stolen/data/*.csv, each with its version
// and source in its header comments, and are compiled into the binary.
// Thread-safety: immutable after construction.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "node/common/result.h"

namespace tracenet::stolen {

enum class CalibreRelation { kUnknown, kSame, kNear, kDifferent };

class ReferenceTables {
 public:
  // Parses the two tables (CSV with '#' comment lines; "# version: X" names the version).
  static Result<ReferenceTables> FromCsv(std::string_view manufacturer_aliases, std::string_view calibre_equivalents);
  // The tables shipped with this build: parsed once (LoadShipped says what is wrong with them).
  static const ReferenceTables& Shipped();
  static Result<ReferenceTables> LoadShipped();

  // The canonical make for a marked name or alias, also with corporate words after it ("Glock
  // Inc", "Beretta USA", "Colts Mfg"); empty when the table does not know it.
  std::string CanonicalMake(std::string_view name) const;
  // How two calibre names relate; kUnknown when either is not in the table.
  CalibreRelation CompareCalibres(std::string_view a, std::string_view b) const;
  std::string CalibreClass(std::string_view name) const;

  const std::string& makes_version() const { return m_makes_version; }
  const std::string& calibres_version() const { return m_calibres_version; }

 private:
  struct CalibreEntry {
    std::string cls;
    bool near = false;  // dimensionally close to the class, not the same cartridge
  };
  std::unordered_map<std::string, std::string> m_make_by_key;      // NameKey(alias) -> canonical
  std::unordered_map<std::string, CalibreEntry> m_calibre_by_key;  // NameKey(name) -> class
  std::string m_makes_version, m_calibres_version;
};

}  // namespace tracenet::stolen
