// Registry adapters written as plugins against the C ABI of adapters/sdk/tracenet_adapter.h.
// By default a plugin runs in its own host process (`tracenet adapter serve plugin`) so a crash
// in it costs one lookup, not the node; isolation = "in-process" loads it into the caller.
// Thread-safety: Lookup and Health serialise on an internal mutex (the ABI promises plugins
// one thread at a time per instance).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "adapters/catalogue/adapter_context.h"
#include "adapters/catalogue/adapter_settings.h"
#include "adapters/sdk/registry_adapter.h"
#include "adapters/sdk/tracenet_adapter.h"

namespace tracenet::adapters {

class PluginAdapter final : public RegistryAdapter {
 public:
  // [registry.plugin]: path, isolation ("process" or "in-process"), processes, settings = {...}.
  static Result<std::unique_ptr<RegistryAdapter>> FromSettings(const AdapterSettings& settings,
                                                               const AdapterContext& context);
  // Loads the shared library into this process. Refuses a library without the entry symbol or
  // built for another ABI version, saying which versions are involved.
  static Result<std::unique_ptr<PluginAdapter>> Load(const std::string& path, const nlohmann::json& settings);
  ~PluginAdapter() override;

  std::string name() const override { return m_name; }
  Result<Findings> Lookup(const WeaponQuery& query) override;
  Status Health() override;

 private:
  PluginAdapter() = default;
  std::mutex m_mutex;
  void* m_library = nullptr;
  const tracenet_adapter_plugin* m_plugin = nullptr;
  void* m_instance = nullptr;
  std::string m_name;
};

}  // namespace tracenet::adapters
