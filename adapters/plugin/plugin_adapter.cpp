#include "adapters/plugin/plugin_adapter.h"

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include <cstring>

#include "adapters/process/process_adapter.h"
#include "adapters/sdk/findings_assembly.h"

namespace tracenet::adapters {

namespace {

std::string Text(const char* s) { return s ? s : ""; }

// A library that others may replace runs their code inside the node: refuse it (and one in a
// directory others may write, where it could be swapped).
Status CheckNotWritableByOthers(const std::string& path) {
  for (const std::string& p : {path, std::filesystem::path(path).parent_path().string()}) {
    if (p.empty()) continue;
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0)
      return MakeError(Errc::kConfig, "cannot load adapter plugin " + path + ": " + p + ": " + std::strerror(errno));
    bool sticky_dir = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX);
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !sticky_dir)
      return MakeError(Errc::kConfig, "adapter plugin " + path + ": " + p +
                                          " is writable by other users; make it writable by its owner only (chmod go-w)");
    if (st.st_uid != 0 && st.st_uid != ::geteuid())
      return MakeError(Errc::kConfig, "adapter plugin " + path + ": " + p + " belongs to another user; it must belong to root or to the node's user");
  }
  return Status::Ok();
}

Errc ErrcFromStatus(int status) {
  return status == TRACENET_UNAVAILABLE ? Errc::kUnavailable : status == TRACENET_TIMEOUT ? Errc::kTimeout : Errc::kIo;
}

Result<FindingOutcome> OutcomeOf(int outcome) {
  switch (outcome) {
    case TRACENET_NO_RECORD: return FindingOutcome::kNoRecord;
    case TRACENET_FOUND: return FindingOutcome::kFound;
    case TRACENET_PARTIAL: return FindingOutcome::kPartial;
  }
  return MakeError(Errc::kMalformed, "plugin returned outcome " + std::to_string(outcome) + ", which is not one of the ABI's");
}

}  // namespace

Result<std::unique_ptr<RegistryAdapter>> PluginAdapter::FromSettings(const AdapterSettings& s,
                                                                     const AdapterContext& context) {
  if (Status k = s.OnlyKeys({"path", "isolation", "processes", "settings"}); !k) return k.error();
  auto path = s.RequiredPath("path");
  if (!path) return path.error();
  auto isolation = s.Str("isolation", "process");
  if (!isolation) return isolation.error();
  auto processes = s.Int("processes", 2, 1, 64);
  if (!processes) return processes.error();
  nlohmann::json plugin_settings = s.values().contains("settings") ? s.values()["settings"] : nlohmann::json::object();
  if (*isolation == "in-process") {
    auto plugin = Load(*path, plugin_settings);
    if (!plugin) return plugin.error();
    return std::unique_ptr<RegistryAdapter>(std::move(plugin.value()));
  }
  if (*isolation != "process")
    return MakeError(Errc::kConfig, s.section() + " isolation must be \"process\" (the default) or \"in-process\"");
  if (context.host_program.empty())
    return MakeError(Errc::kConfig, "plugin isolation needs the tracenet program to host the plugin");
  // The host loads the library in-process on its side of the protocol.
  nlohmann::json host_settings{{"path", *path}, {"isolation", "in-process"}, {"settings", plugin_settings}};
  auto adapter = ProcessAdapter::Start(ProgramSpec{{context.host_program, "adapter", "serve", "plugin"}, s.base_dir(), host_settings},
                                       static_cast<size_t>(*processes), std::chrono::milliseconds(context.timeout_ms),
                                       "plugin");
  if (!adapter) return adapter.error();
  return std::unique_ptr<RegistryAdapter>(std::move(adapter.value()));
}

Result<std::unique_ptr<PluginAdapter>> PluginAdapter::Load(const std::string& path, const nlohmann::json& settings) {
  if (Status s = CheckNotWritableByOthers(path); !s) return s.error();
  std::unique_ptr<PluginAdapter> adapter(new PluginAdapter());
  adapter->m_library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!adapter->m_library) return MakeError(Errc::kConfig, "cannot load adapter plugin " + path + ": " + Text(dlerror()));
  auto entry = reinterpret_cast<tracenet_adapter_entry_fn>(dlsym(adapter->m_library, TRACENET_ADAPTER_ENTRY_SYMBOL));
  if (!entry) {
    std::string hint;
    for (int v = TRACENET_ADAPTER_ABI_VERSION + 1; v <= TRACENET_ADAPTER_ABI_VERSION + 8; ++v)
      if (dlsym(adapter->m_library, ("tracenet_adapter_plugin_v" + std::to_string(v)).c_str()))
        hint = "; it was built for adapter ABI version " + std::to_string(v) + ", newer than this node's " +
               std::to_string(TRACENET_ADAPTER_ABI_VERSION) + " (upgrade the node or rebuild the plugin)";
    return MakeError(Errc::kConfig, "adapter plugin " + path + " is not compatible: it does not export " +
                                        TRACENET_ADAPTER_ENTRY_SYMBOL + hint);
  }
  adapter->m_plugin = entry();
  if (!adapter->m_plugin) return MakeError(Errc::kConfig, "adapter plugin " + path + " returned no function table");
  if (adapter->m_plugin->abi_version != TRACENET_ADAPTER_ABI_VERSION)
    return MakeError(Errc::kConfig, "adapter plugin " + path + " is not compatible: it was built for adapter ABI version " +
                                        std::to_string(adapter->m_plugin->abi_version) + " and this node supports version " +
                                        std::to_string(TRACENET_ADAPTER_ABI_VERSION) + "; rebuild it against this SDK");
  const tracenet_adapter_plugin& p = *adapter->m_plugin;
  if (!p.create || !p.destroy || !p.lookup || !p.health)
    return MakeError(Errc::kConfig, "adapter plugin " + path + " leaves create, destroy, lookup or health empty");
  adapter->m_name = p.name ? p.name : "plugin";
  char error[512] = {0};
  std::string json = settings.dump();
  adapter->m_instance = p.create(json.c_str(), error, sizeof error);
  if (!adapter->m_instance)
    return MakeError(Errc::kConfig, "adapter plugin " + adapter->m_name + " did not start: " +
                                        (error[0] ? std::string(error, strnlen(error, sizeof error)) : "no reason given"));
  return adapter;
}

PluginAdapter::~PluginAdapter() {
  if (m_instance) m_plugin->destroy(m_instance);
  if (m_library) dlclose(m_library);
}

Result<Findings> PluginAdapter::Lookup(const WeaponQuery& q) {
  std::lock_guard lock(m_mutex);
  tracenet_query query{q.serial.c_str(), q.manufacturer.c_str(), q.model.c_str(), q.type.c_str(), q.calibre.c_str(),
                       q.country_of_manufacture.c_str()};
  tracenet_findings out;
  std::memset(&out, 0, sizeof out);
  char error[512] = {0};
  int status = m_plugin->lookup(m_instance, &query, &out, error, sizeof error);
  if (status != TRACENET_OK)
    return MakeError(ErrcFromStatus(status), "adapter plugin " + m_name + ": " +
                                                 (error[0] ? std::string(error, strnlen(error, sizeof error)) : "lookup failed"));
  Findings f;
  auto outcome = OutcomeOf(out.outcome);
  if (outcome) {
    f.outcome = *outcome;
    f.manufacturer = Text(out.manufacturer);
    f.model = Text(out.model);
    f.type = Text(out.type);
    f.calibre = Text(out.calibre);
    f.country_of_manufacture = Text(out.country_of_manufacture);
    f.year = out.year;
    f.comments = Text(out.comments);
    for (size_t i = 0; out.chain && i < out.chain_length; ++i) {
      const tracenet_custody_entry& e = out.chain[i];
      f.chain.push_back({Text(e.role), Text(e.name), Text(e.licence_number), Text(e.country), Text(e.address),
                         Text(e.date_in), Text(e.date_out), Text(e.document_type), Text(e.document_reference),
                         Text(e.source_record)});
    }
  }
  if (m_plugin->release) m_plugin->release(m_instance, &out);
  if (!outcome) return outcome.error();
  if (Status s = CheckFindings(f); !s) return MakeError(Errc::kMalformed, "adapter plugin " + m_name + ": " + s.error().message);
  FillDatesOut(f);
  return f;
}

Status PluginAdapter::Health() {
  std::lock_guard lock(m_mutex);
  char error[512] = {0};
  int status = m_plugin->health(m_instance, error, sizeof error);
  if (status == TRACENET_OK) return Status::Ok();
  return MakeError(ErrcFromStatus(status), "adapter plugin " + m_name + " reports unhealthy: " +
                                               std::string(error, strnlen(error, sizeof error)));
}

}  // namespace tracenet::adapters
