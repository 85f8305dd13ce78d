// Registry adapters by name. A node's [registry] section names one adapter and carries its
// typed settings in [registry.<name>]; the catalogue builds it. Adding an adapter means adding
// it to builtin_adapters.cpp (or shipping a plugin), never changing node/.
// Thread-safety: pure functions over immutable tables.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "adapters/catalogue/adapter_context.h"
#include "adapters/catalogue/adapter_settings.h"
#include "adapters/sdk/registry_adapter.h"

namespace tracenet::adapters {

struct RegistryConfig {
  std::string adapter = "none";  // a catalogue name, or "none"
  int timeout_ms = 5000;         // deadline of one lookup
  int workers = 4;               // lookups in flight at once
  int retry_ms = 5000;           // pause before a failed or delayed lookup is tried again
  nlohmann::json settings = nlohmann::json::object();  // [registry.<adapter>]
  std::string base_dir;          // relative paths in settings resolve here
};

using AdapterFactory = Result<std::unique_ptr<RegistryAdapter>> (*)(const AdapterSettings&, const AdapterContext&);

struct CatalogueEntry {
  const char* name;
  const char* summary;
  AdapterFactory create;
};

const std::vector<CatalogueEntry>& BuiltinAdapters();

// Reads [registry] and its [registry.<adapter>] sub-table from a parsed config file.
Result<RegistryConfig> ParseRegistrySection(const toml::table& root, const std::string& file,
                                            const std::string& base_dir);
// Any TOML file with a [registry] section (a node config, or a file just for the adapter).
Result<RegistryConfig> LoadRegistryConfig(const std::string& path);

// Builds the configured adapter; nullptr for "none".
Result<std::unique_ptr<RegistryAdapter>> CreateAdapter(const RegistryConfig& config, const AdapterContext& context);

}  // namespace tracenet::adapters
