// The CSV registry adapter: answers lookups from a registry export, one row per custody event
// (the weapon's columns repeated on each row; a row without a role describes the weapon only).
// The file is read once, streaming, into a compact index of (weapon key hash, row offset); a
// lookup reads just its rows back from the file. A changed file is re-indexed in the
// background and swapped in whole; a file that fails to load leaves the last good index
// serving, and Health says why.
// Thread-safety: Lookup and Health may be called from many threads.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/catalogue/adapter_settings.h"
#include "adapters/sdk/registry_adapter.h"

namespace tracenet::adapters {

struct CsvOptions {
  std::string path;
  bool latin1 = false;  // encoding = "latin-1"; otherwise UTF-8
  char delimiter = ',';
  int reload_check_ms = 2000;  // 0: never re-read
  std::map<std::string, std::string> columns;  // field -> header in the file (defaults: same name)
  std::map<std::string, std::string> roles;    // file's role value -> custody role
};

class CsvIndex;

class CsvRegistry final : public RegistryAdapter {
 public:
  // [registry.csv]: path, encoding, delimiter, reload_check_ms, [columns], [roles].
  static Result<std::unique_ptr<RegistryAdapter>> FromSettings(const AdapterSettings& settings);
  static Result<std::unique_ptr<CsvRegistry>> Open(CsvOptions options);
  ~CsvRegistry() override;

  std::string name() const override { return "csv"; }
  Result<Findings> Lookup(const WeaponQuery& query) override;
  Status Health() override;
  size_t rows() const;
  uint64_t reloads() const { return m_reloads.load(); }

 private:
  explicit CsvRegistry(CsvOptions options) : m_options(std::move(options)) {}
  void WatchForChanges();
  std::shared_ptr<const CsvIndex> Current() const;

  CsvOptions m_options;
  mutable std::mutex m_mutex;
  std::shared_ptr<const CsvIndex> m_index;
  std::string m_reload_problem;
  std::atomic<uint64_t> m_reloads{0};
  std::condition_variable m_stop_cv;
  bool m_stop = false;
  std::thread m_watcher;
};

}  // namespace tracenet::adapters
