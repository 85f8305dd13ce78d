// One loaded CSV registry file: its header mapping, its open file and the sorted index from
// weapon key hash to the offsets of the rows about that weapon.
// Thread-safety: immutable after Load; Read may be called from many threads (pread).
#pragma once

#include <sys/stat.h>

#include <memory>
#include <string>
#include <vector>

#include "adapters/csv/csv_registry.h"

namespace tracenet::adapters {

struct CsvFileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const CsvFileIdentity&) const = default;
};

Result<CsvFileIdentity> IdentifyFile(const std::string& path);

class CsvIndex {
 public:
  static Result<std::shared_ptr<const CsvIndex>> Load(const CsvOptions& options);
  ~CsvIndex();

  // The rows about the weapon with these normal forms, in file order, as field maps.
  Result<std::vector<std::map<std::string, std::string>>> Rows(const std::string& serial_norm,
                                                               const std::string& make_norm) const;
  size_t rows() const { return m_entries.size(); }
  size_t skipped_rows() const { return m_skipped; }
  const CsvFileIdentity& identity() const { return m_identity; }

 private:
  struct Entry {
    uint64_t key_hash;
    uint64_t offset;
    bool operator<(const Entry& o) const { return key_hash < o.key_hash || (key_hash == o.key_hash && offset < o.offset); }
  };
  CsvIndex() = default;
  Result<std::vector<std::string>> ReadRecordAt(uint64_t offset) const;
  std::string Field(const std::vector<std::string>& row, const std::string& name) const;

  CsvOptions m_options;
  int m_fd = -1;
  CsvFileIdentity m_identity;
  std::vector<std::pair<std::string, int>> m_columns;  // field name -> column position
  int m_serial_column = -1;
  int m_make_column = -1;
  std::vector<Entry> m_entries;
  size_t m_skipped = 0;
};

// Normal-form key of a weapon, hashed for the index.
uint64_t WeaponKeyHash(const std::string& serial_norm, const std::string& make_norm);

}  // namespace tracenet::adapters
