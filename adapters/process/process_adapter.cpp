#include "adapters/process/process_adapter.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "adapters/process/json_lines_protocol.h"

namespace tracenet::adapters {

namespace {
constexpr auto kFirstRestartPause = std::chrono::milliseconds(200);
constexpr auto kLongestRestartPause = std::chrono::seconds(30);
// Interpreters take a moment to start; the handshake gets at least this long.
constexpr auto kMinimumHandshake = std::chrono::seconds(10);
}  // namespace

Result<std::unique_ptr<RegistryAdapter>> ProcessAdapter::FromSettings(const AdapterSettings& s,
                                                                      const AdapterContext& context) {
  if (Status k = s.OnlyKeys({"command", "processes", "settings", "name", "pass_env"}); !k) return k.error();
  auto command = s.StrList("command", {});
  if (!command) return command.error();
  if (command->empty())
    return MakeError(Errc::kConfig, s.section() + " command is missing (e.g. command = [\"python3\", \"adapter.py\"])");
  // A program named with a directory is found relative to the config file; a bare name on the
  // PATH, once, here: the node then always runs that same file.
  if ((*command)[0].find('/') != std::string::npos) (*command)[0] = s.ResolvePath((*command)[0]);
  auto program = ResolveProgram((*command)[0]);
  if (!program) return program.error();
  (*command)[0] = *program;
  auto pass_env = s.StrList("pass_env", {});
  if (!pass_env) return pass_env.error();
  auto processes = s.Int("processes", 2, 1, 64);
  if (!processes) return processes.error();
  auto name = s.Str("name", "process");
  if (!name) return name.error();
  nlohmann::json settings = s.values().contains("settings") ? s.values()["settings"] : nlohmann::json::object();
  auto adapter = Start(ProgramSpec{*command, s.base_dir(), settings, AdapterEnvironment(*pass_env)}, static_cast<size_t>(*processes),
                       std::chrono::milliseconds(context.timeout_ms), *name);
  if (!adapter) return adapter.error();
  return std::unique_ptr<RegistryAdapter>(std::move(adapter.value()));
}

ProcessAdapter::ProcessAdapter(ProgramSpec spec, std::chrono::milliseconds timeout, std::string name)
    : m_spec(std::move(spec)), m_timeout(timeout), m_name(std::move(name)) {}

Result<std::unique_ptr<ProcessAdapter>> ProcessAdapter::Start(ProgramSpec spec, size_t processes,
                                                              std::chrono::milliseconds timeout, std::string name) {
  std::unique_ptr<ProcessAdapter> adapter(new ProcessAdapter(std::move(spec), timeout, std::move(name)));
  for (size_t i = 0; i < processes; ++i) {
    auto slot = std::make_unique<Slot>();
    if (Status s = slot->process.Start(adapter->m_spec, std::max<std::chrono::milliseconds>(timeout, kMinimumHandshake)); !s)
      return MakeError(s.error().code, "adapter program " + adapter->m_spec.command[0] + ": " + s.error().message);
    adapter->m_free.push_back(slot.get());
    adapter->m_slots.push_back(std::move(slot));
  }
  return adapter;
}

ProcessAdapter::Slot* ProcessAdapter::Acquire() {
  std::unique_lock lock(m_mutex);
  m_free_cv.wait(lock, [&] { return !m_free.empty(); });
  // Prefer a running program, so one that just failed gets its pause before it is asked again.
  auto pick = std::find_if(m_free.begin(), m_free.end(), [](Slot* s) { return s->process.running(); });
  if (pick == m_free.end()) pick = m_free.begin();
  Slot* slot = *pick;
  m_free.erase(pick);
  return slot;
}

void ProcessAdapter::Release(Slot* slot) {
  {
    std::lock_guard lock(m_mutex);
    m_free.push_back(slot);
  }
  m_free_cv.notify_one();
}

// The program is stopped; the next request restarts it after a pause that grows with
// consecutive failures, so a program that dies at once cannot spin the node.
void ProcessAdapter::NoteFailure(Slot& slot) {
  ++slot.failures;
  slot.restart_after = std::chrono::steady_clock::now() +
                       std::min<std::chrono::milliseconds>(kFirstRestartPause * (1 << std::min(slot.failures - 1, 8)),
                                                           kLongestRestartPause);
}

Status ProcessAdapter::Ready(Slot& slot) {
  if (slot.process.running()) return Status::Ok();
  auto now = std::chrono::steady_clock::now();
  // A short pause is waited out, so one bad request does not fail the lookups queued behind it;
  // a long one (a program failing again and again) fails fast until it is over.
  if (now < slot.restart_after && slot.restart_after - now > m_timeout / 2)
    return MakeError(Errc::kUnavailable, "adapter process " + slot.process.last_exit() + "; it restarts shortly");
  if (now < slot.restart_after) std::this_thread::sleep_until(slot.restart_after);
  now = std::chrono::steady_clock::now();
  spdlog::warn("event=adapter_process_restart adapter={} reason=\"{}\"", m_name, slot.process.last_exit());
  Status started = slot.process.Start(m_spec, std::max<std::chrono::milliseconds>(m_timeout, kMinimumHandshake));
  if (!started) NoteFailure(slot);
  return started;
}

Result<nlohmann::json> ProcessAdapter::Ask(Slot& slot, const std::string& line) {
  if (Status s = Ready(slot); !s) return s.error();
  auto reply = slot.process.Exchange(line, m_timeout);
  if (reply) {
    auto message = protocol::ParseMessage(*reply);
    if (message) return message;
    slot.process.Kill("sent a malformed line");
    reply = message.error();
  }
  NoteFailure(slot);
  return reply.error();
}

Result<Findings> ProcessAdapter::Lookup(const WeaponQuery& query) {
  Slot* slot = Acquire();
  uint64_t id = slot->next_id++;
  auto message = Ask(*slot, protocol::LookupRequest(id, query));
  Result<Findings> findings = message ? protocol::ReadLookupReply(*message, id) : Result<Findings>(message.error());
  if (message && !findings && findings.error().code == Errc::kMalformed) {
    slot->process.Kill("sent a malformed reply");
    NoteFailure(*slot);
  } else if (message) {
    slot->failures = 0;
  }
  Release(slot);
  return findings;
}

Status ProcessAdapter::Health() {
  Slot* slot = Acquire();
  uint64_t id = slot->next_id++;
  auto message = Ask(*slot, protocol::HealthRequest(id));
  Status health = message ? protocol::ReadHealthReply(*message, id) : Status(message.error());
  Release(slot);
  return health;
}

}  // namespace tracenet::adapters
