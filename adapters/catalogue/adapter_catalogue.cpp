#include "adapters/catalogue/adapter_catalogue.h"

#include <filesystem>
#include <sstream>

#include <toml++/toml.h>

namespace tracenet::adapters {

namespace {

Error ConfigError(const std::string& file, const std::string& what) {
  return MakeError(Errc::kConfig, "config " + file + ": " + what);
}

std::string NameList() {
  std::string names;
  for (const CatalogueEntry& e : BuiltinAdapters()) names += "\"" + std::string(e.name) + "\", ";
  return names + "or \"none\"";
}

Status ReadInt(const toml::table& registry, const char* key, int& out, int min, int max, const std::string& file) {
  auto node = registry[key];
  if (!node) return Status::Ok();
  auto v = node.value_exact<int64_t>();
  if (!v || *v < min || *v > max)
    return ConfigError(file, std::string("[registry] ") + key + " must be a whole number from " + std::to_string(min) +
                                 " to " + std::to_string(max));
  out = static_cast<int>(*v);
  return Status::Ok();
}

}  // namespace

Result<RegistryConfig> ParseRegistrySection(const toml::table& root, const std::string& file, const std::string& base_dir) {
  RegistryConfig c;
  c.base_dir = base_dir;
  const toml::table* registry = root["registry"].as_table();
  if (!registry) return c;
  for (const auto& [key, value] : *registry) {
    std::string k(key.str());
    if (k == "adapter" || k == "timeout_ms" || k == "workers" || k == "retry_ms") continue;
    bool adapter_section = value.is_table();
    if (!adapter_section)
      return ConfigError(file, "[registry] " + k + " is not a setting (adapter, timeout_ms, workers, retry_ms; adapter settings go in [registry.<adapter>])");
  }
  if (auto adapter = (*registry)["adapter"]; adapter) {
    auto v = adapter.value<std::string>();
    if (!v) return ConfigError(file, "[registry] adapter must be a string");
    c.adapter = *v;
  }
  bool known = c.adapter == "none";
  for (const CatalogueEntry& e : BuiltinAdapters()) known = known || c.adapter == e.name;
  if (!known) return ConfigError(file, "[registry] adapter \"" + c.adapter + "\" is not one of " + NameList());
  if (Status s = ReadInt(*registry, "timeout_ms", c.timeout_ms, 10, 600000, file); !s) return s.error();
  if (Status s = ReadInt(*registry, "workers", c.workers, 1, 64, file); !s) return s.error();
  if (Status s = ReadInt(*registry, "retry_ms", c.retry_ms, 10, 3'600'000, file); !s) return s.error();
  if (const toml::table* section = (*registry)[c.adapter].as_table()) {
    std::ostringstream json;
    json << toml::json_formatter{*section};
    c.settings = nlohmann::json::parse(json.str(), nullptr, false);
    if (c.settings.is_discarded()) return ConfigError(file, "[registry." + c.adapter + "] cannot be read");
  }
  return c;
}

Result<RegistryConfig> LoadRegistryConfig(const std::string& path) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return ConfigError(path, std::string("line ") + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  std::string base = std::filesystem::absolute(path).parent_path().string();
  auto c = ParseRegistrySection(root, path, base);
  if (c && !root["registry"].as_table()) return ConfigError(path, "has no [registry] section");
  return c;
}

Result<std::unique_ptr<RegistryAdapter>> CreateAdapter(const RegistryConfig& config, const AdapterContext& context) {
  if (config.adapter == "none") return std::unique_ptr<RegistryAdapter>();
  for (const CatalogueEntry& e : BuiltinAdapters())
    if (config.adapter == e.name) return e.create(AdapterSettings(config.settings, "[registry." + config.adapter + "]", config.base_dir), context);
  return MakeError(Errc::kConfig, "[registry] adapter \"" + config.adapter + "\" is not one of " + NameList());
}

}  // namespace tracenet::adapters
