#include "adapters/csv/csv_registry.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "adapters/csv/csv_index.h"
#include "adapters/sdk/findings_assembly.h"
#include "adapters/sdk/normalise.h"

namespace tracenet::adapters {

Result<std::unique_ptr<RegistryAdapter>> CsvRegistry::FromSettings(const AdapterSettings& s) {
  if (Status k = s.OnlyKeys({"path", "encoding", "delimiter", "reload_check_ms", "columns", "roles"}); !k) return k.error();
  CsvOptions o;
  auto path = s.RequiredPath("path");
  if (!path) return path.error();
  o.path = *path;
  auto encoding = s.Str("encoding", "utf-8");
  if (!encoding) return encoding.error();
  if (*encoding != "utf-8" && *encoding != "latin-1")
    return MakeError(Errc::kConfig, s.section() + " encoding must be \"utf-8\" or \"latin-1\"");
  o.latin1 = *encoding == "latin-1";
  auto delimiter = s.Str("delimiter", ",");
  if (!delimiter) return delimiter.error();
  if (delimiter->size() != 1 || (*delimiter)[0] == '"' || (*delimiter)[0] == '\n')
    return MakeError(Errc::kConfig, s.section() + " delimiter must be one character such as \",\" \";\" or \"\\t\"");
  o.delimiter = (*delimiter)[0];
  auto reload = s.Int("reload_check_ms", 2000, 0, 3'600'000);
  if (!reload) return reload.error();
  o.reload_check_ms = static_cast<int>(*reload);
  auto columns = s.StrMap("columns");
  if (!columns) return columns.error();
  o.columns = *columns;
  auto roles = s.StrMap("roles");
  if (!roles) return roles.error();
  o.roles = *roles;
  auto reg = Open(std::move(o));
  if (!reg) return reg.error();
  return std::unique_ptr<RegistryAdapter>(std::move(reg.value()));
}

Result<std::unique_ptr<CsvRegistry>> CsvRegistry::Open(CsvOptions options) {
  auto index = CsvIndex::Load(options);
  if (!index) return MakeError(Errc::kConfig, index.error().message);
  std::unique_ptr<CsvRegistry> reg(new CsvRegistry(std::move(options)));
  reg->m_index = std::move(index.value());
  spdlog::info("event=csv_registry_loaded file={} rows={} skipped={}", reg->m_options.path, reg->m_index->rows(),
               reg->m_index->skipped_rows());
  if (reg->m_options.reload_check_ms > 0) reg->m_watcher = std::thread([r = reg.get()] { r->WatchForChanges(); });
  return reg;
}

CsvRegistry::~CsvRegistry() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_stop_cv.notify_all();
  if (m_watcher.joinable()) m_watcher.join();
}

std::shared_ptr<const CsvIndex> CsvRegistry::Current() const {
  std::lock_guard lock(m_mutex);
  return m_index;
}

size_t CsvRegistry::rows() const { return Current()->rows(); }

void CsvRegistry::WatchForChanges() {
  std::unique_lock lock(m_mutex);
  while (!m_stop_cv.wait_for(lock, std::chrono::milliseconds(m_options.reload_check_ms), [&] { return m_stop; })) {
    CsvFileIdentity loaded = m_index->identity();
    lock.unlock();
    auto now = IdentifyFile(m_options.path);
    std::shared_ptr<const CsvIndex> fresh;
    std::string problem;
    if (now && !(*now == loaded)) {
      // Writers that rewrite in place can be caught mid-write: wait until the file holds still.
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      auto settled = IdentifyFile(m_options.path);
      if (settled && *settled == *now) {
        auto index = CsvIndex::Load(m_options);
        if (index) fresh = std::move(index.value());
        else problem = index.error().message;
      }
    } else if (!now) {
      problem = now.error().message;
    }
    lock.lock();
    if (fresh) {
      m_index = std::move(fresh);
      m_reload_problem.clear();
      ++m_reloads;
      spdlog::info("event=csv_registry_reloaded file={} rows={}", m_options.path, m_index->rows());
    } else if (!problem.empty() && problem != m_reload_problem) {
      m_reload_problem = problem;
      spdlog::error("event=csv_registry_reload_failed file={} reason=\"{}\" serving=last_good_index", m_options.path, problem);
    }
  }
}

Result<Findings> CsvRegistry::Lookup(const WeaponQuery& query) {
  std::string serial = NormaliseSerial(query.serial);
  std::string make = NormaliseMake(query.manufacturer);
  Findings f;
  if (serial.empty()) return f;
  auto rows = Current()->Rows(serial, make);
  if (!rows) return rows.error();
  if (rows->empty()) return f;
  auto first = [&](const char* field) {
    for (const auto& row : *rows)
      if (auto it = row.find(field); it != row.end() && !it->second.empty()) return it->second;
    return std::string();
  };
  f.manufacturer = first("manufacturer");
  f.model = first("model");
  f.type = first("type");
  f.calibre = first("calibre");
  f.country_of_manufacture = first("country_of_manufacture");
  f.year = std::atoi(first("year").c_str());
  f.comments = first("comments");
  for (const auto& row : *rows) {
    auto get = [&](const char* field) {
      auto it = row.find(field);
      return it == row.end() ? std::string() : it->second;
    };
    std::string role = get("role");
    if (role.empty()) continue;  // a row about the weapon only
    if (auto mapped = m_options.roles.find(role); mapped != m_options.roles.end()) role = mapped->second;
    f.chain.push_back({role, get("name"), get("licence_number"), get("country"), get("address"), get("date_in"),
                       get("date_out"), get("document_type"), get("document_reference"), get("source_record")});
  }
  // Exports list events in any order: custody runs by date, file order breaking ties.
  std::stable_sort(f.chain.begin(), f.chain.end(),
                   [](const CustodyEntry& a, const CustodyEntry& b) { return a.date_in < b.date_in; });
  CompleteFindings(f);
  return f;
}

Status CsvRegistry::Health() {
  auto now = IdentifyFile(m_options.path);
  if (!now) return MakeError(Errc::kUnavailable, now.error().message + " (serving the last loaded copy)");
  std::lock_guard lock(m_mutex);
  if (!m_reload_problem.empty())
    return MakeError(Errc::kUnavailable, "the changed file could not be loaded: " + m_reload_problem +
                                             " (serving the last good copy)");
  return Status::Ok();
}

}  // namespace tracenet::adapters
