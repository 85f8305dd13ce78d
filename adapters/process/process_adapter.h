// The external-process adapter: a registry reached through a program in any language that
// speaks the JSON-lines protocol of adapters/process/PROTOCOL.md. Several copies of the program
// run so lookups proceed side by side; one that hangs, exits, crashes or prints garbage is
// stopped and replaced (with a growing pause if it keeps failing), and only the lookup it was
// serving fails, with the reason.
// Thread-safety: Lookup and Health may be called from many threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "adapters/catalogue/adapter_context.h"
#include "adapters/catalogue/adapter_settings.h"
#include "adapters/process/adapter_process.h"
#include "adapters/sdk/registry_adapter.h"

namespace tracenet::adapters {

class ProcessAdapter final : public RegistryAdapter {
 public:
  // [registry.process]: command = ["python3", "adapter.py"], processes, settings = {...}.
  static Result<std::unique_ptr<RegistryAdapter>> FromSettings(const AdapterSettings& settings,
                                                               const AdapterContext& context);
  // Starts `processes` copies now, so a broken command is a startup error, not a runtime one.
  static Result<std::unique_ptr<ProcessAdapter>> Start(ProgramSpec spec, size_t processes,
                                                       std::chrono::milliseconds timeout, std::string name);

  std::string name() const override { return m_name; }
  Result<Findings> Lookup(const WeaponQuery& query) override;
  Status Health() override;

 private:
  struct Slot {
    AdapterProcess process;
    uint64_t next_id = 1;
    int failures = 0;  // consecutive; sets the pause before the next restart
    std::chrono::steady_clock::time_point restart_after{};
  };
  ProcessAdapter(ProgramSpec spec, std::chrono::milliseconds timeout, std::string name);
  Slot* Acquire();
  void Release(Slot* slot);
  // Restarts a stopped program when its pause is over.
  Status Ready(Slot& slot);
  void NoteFailure(Slot& slot);
  Result<nlohmann::json> Ask(Slot& slot, const std::string& line);

  ProgramSpec m_spec;
  std::chrono::milliseconds m_timeout;
  std::string m_name;
  std::vector<std::unique_ptr<Slot>> m_slots;
  std::mutex m_mutex;
  std::condition_variable m_free_cv;
  std::vector<Slot*> m_free;
};

}  // namespace tracenet::adapters
