// The adapters this build carries. Each entry's settings are documented in its README.
#include "adapters/catalogue/adapter_catalogue.h"
#include "adapters/csv/csv_registry.h"
#include "adapters/plugin/plugin_adapter.h"
#include "adapters/postgres/postgres_registry.h"
#include "adapters/process/process_adapter.h"
#include "adapters/sqlite/sqlite_registry.h"

namespace tracenet::adapters {

const std::vector<CatalogueEntry>& BuiltinAdapters() {
  static const std::vector<CatalogueEntry> entries{
      {"sqlite", "an SQLite database, mapped with parameterised SQL",
       [](const AdapterSettings& s, const AdapterContext&) { return SqliteRegistry::FromSettings(s); }},
      {"postgres", "a PostgreSQL database (libpq), mapped with parameterised SQL",
       [](const AdapterSettings& s, const AdapterContext&) { return PostgresRegistry::FromSettings(s); }},
      {"csv", "a CSV registry export, indexed on load and re-read when it changes",
       [](const AdapterSettings& s, const AdapterContext&) { return CsvRegistry::FromSettings(s); }},
      {"process", "a program in any language speaking JSON lines on stdin/stdout", &ProcessAdapter::FromSettings},
      {"plugin", "a shared library built against the C ABI (tracenet_adapter.h)", &PluginAdapter::FromSettings},
  };
  return entries;
}

}  // namespace tracenet::adapters
