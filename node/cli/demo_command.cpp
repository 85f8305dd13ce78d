#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <thread>

#include "node/api/api_client.h"
#include "node/cli/commands.h"
#include "node/common/child_process.h"
#include "node/common/file_util.h"
#include "node/demo/directory_layout.h"
#include "node/demo/federation_layout.h"
#include "node/demo/registry_generator.h"
#include "node/trace/lifecycle.h"

namespace tracenet::cli {

namespace {

using Clock = std::chrono::steady_clock;

int Fail(const std::string& message) {
  std::fprintf(stderr, "tracenet demo: %s\n", message.c_str());
  return 1;
}

// Polls until the node's API answers, or the deadline passes.
Result<api::ApiClient> WaitForApi(const std::string& config_path, ChildProcess& process, int seconds) {
  auto deadline = Clock::now() + std::chrono::seconds(seconds);
  auto config = config::LoadNodeConfig(config_path);
  if (!config) return config.error();
  while (Clock::now() < deadline) {
    if (!process.running()) return MakeError(Errc::kUnavailable, "node " + config->id + " exited during start-up");
    auto client = api::ApiClient::FromConfig(*config);
    if (client && client->Get("/v1/status")) return client;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return MakeError(Errc::kTimeout, "node " + config->id + " did not start within " + std::to_string(seconds) + " s");
}

Result<Json> WaitForAnswer(api::ApiClient& client, const std::string& case_id, int seconds) {
  auto deadline = Clock::now() + std::chrono::seconds(seconds);
  Json last;
  while (Clock::now() < deadline) {
    auto c = client.Get("/v1/traces/" + case_id);
    if (!c) return c.error();
    last = *c;
    if (last["state"] == trace::state::kAnswered) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return MakeError(Errc::kTimeout, "case " + case_id + " was not answered within " + std::to_string(seconds) +
                                       " s (last state: " + last.value("state", "unknown") + ")");
}

Json SeizedWeaponRequest(const demo::GeneratedWeapon& w, const std::string& serial_as_read, const char* place) {
  return Json{{"priority", "routine"},
              {"grounds", "national_law"},
              {"grounds_detail", "Unlicensed possession (Ley Federal de Armas de Fuego y Explosivos, art. 83)"},
              {"requesting_agency", "Fiscalia General de la Republica - CENAPI"},
              {"agency_case_number", "FGR/TAMPS/2026/0412"},
              {"officer", {{"name", "Lic. Ana Torres"}, {"badge", "FGR-4471"}, {"email", "a.torres@example.mx"}}},
              {"recovery", {{"date", "2026-11-20"}, {"place", place}, {"country", "MEX"}, {"crime_category", "organised crime"}}},
              {"weapon",
               {{"serial", serial_as_read},
                {"manufacturer", w.manufacturer},
                {"model", w.model},
                {"type", w.type},
                {"calibre", w.calibre}}},
              {"intended_use", "Criminal investigation and prosecution"},
              {"confidentiality_statement", "For law-enforcement use only; not to be disclosed without consent."}};
}

// Writes the serial the way an officer might read it off a worn frame: lower case, with dashes.
std::string AsReadInTheField(const std::string& serial) {
  std::string out;
  for (size_t i = 0; i < serial.size(); ++i) {
    if (i == 3) out.push_back('-');
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(serial[i]))));
  }
  return out;
}

}  // namespace

// True when any file under `dir` contains one of `needles`; `bytes` counts what was searched.
std::atomic<bool> g_stop_requested{false};

// After the story, with --console: the federation stays up and each national centre gets a user
// whose token opens its web console, until Ctrl-C.
void ServeConsoles(std::map<std::string, api::ApiClient>& apis, const std::map<std::string, const demo::NodeLayout*>& by_id) {
  std::printf("5. The web consoles (open in a browser on this machine; sign in with the token):\n");
  for (const char* id : {"MEX-FGR", "USA-ATF", "COL-DIJIN"}) {
    auto user = apis.at(id).Post("/v1/users", {{"name", "demo.officer"}, {"role", "admin"}});
    auto port_file = ReadFileBytes(by_id.at(id)->dir + "/data/api.port");
    std::string port = port_file ? std::string(AsString(*port_file)) : "?";
    while (!port.empty() && (port.back() == '\n' || port.back() == '\r')) port.pop_back();
    std::printf("   %-9s http://127.0.0.1:%s/console/   token %s\n", id, port.c_str(),
                user ? (*user)["token"].get<std::string>().c_str() : user.error().message.c_str());
  }
  std::printf("\n   Press Ctrl-C to stop the federation.\n");
  std::fflush(stdout);
  std::signal(SIGINT, [](int) { g_stop_requested = true; });
  std::signal(SIGTERM, [](int) { g_stop_requested = true; });
  while (!g_stop_requested) std::this_thread::sleep_for(std::chrono::milliseconds(200));
}

bool AnyFileContains(const std::string& dir, const std::vector<std::string>& needles, uintmax_t& bytes) {
  bool found = false;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    auto content = ReadFileBytes(entry.path().string());
    if (!content) continue;
    bytes += content->size();
    for (const std::string& needle : needles) found |= AsString(*content).find(needle) != std::string_view::npos;
  }
  return found;
}

int RunDemo(const DemoOptions& options) {
  std::string root = options.dir;
  if (root.empty()) {
    char pattern[] = "/tmp/tracenet-demo-XXXXXX";
    if (!mkdtemp(pattern)) return Fail("cannot create a temporary directory");
    root = pattern;
  }
  if (Status s = MakeDirectories(root, 0700); !s) return Fail(s.error().message);
  std::printf("A demo federation: three national tracing centres and an INTERPOL-style hub on this machine\n"
              "(127.0.0.1), state in %s\n\n", root.c_str());

  std::printf("Generating the registries (%zu weapons each)...\n", options.registry_size);
  auto usa_weapon = demo::GenerateRegistry(root + "/usa-registry.sqlite", {"USA", options.registry_size, 1776});
  if (!usa_weapon) return Fail(usa_weapon.error().message);
  auto mex_weapon = demo::GenerateRegistry(root + "/mex-registry.sqlite", {"MEX", options.registry_size, 1810});
  if (!mex_weapon) return Fail(mex_weapon.error().message);

  auto layout = demo::LayOutFederation(root, {{"HUB-LYON", "FRA", ""},
                                              {"MEX-FGR", "MEX", root + "/mex-registry.sqlite"},
                                              {"USA-ATF", "USA", root + "/usa-registry.sqlite"},
                                              {"COL-DIJIN", "COL", ""}});
  if (!layout) return Fail(layout.error().message);
  // MEX-FGR sits behind a firewall: it accepts no connections and reaches everyone through the hub.
  auto on_directory = demo::PutOnDirectory(root, *layout,
                                           {{"HUB-LYON", {"hub", false, {}}},
                                            {"MEX-FGR", {"national", true, {"HUB-LYON"}}},
                                            {"USA-ATF", {"national", false, {"HUB-LYON"}}},
                                            {"COL-DIJIN", {"national", false, {"HUB-LYON"}}}},
                                           "demo-federation");
  if (!on_directory) return Fail(on_directory.error().message);
  std::printf("Member directory %s: version 1, 4 members, signed by 2 of 3 authorities\n",
              on_directory->file.c_str());

  std::map<std::string, ChildProcess> nodes;
  std::map<std::string, api::ApiClient> apis;
  std::map<std::string, const demo::NodeLayout*> by_id;
  for (const demo::NodeLayout& l : *layout) by_id[l.id] = &l;
  auto start = [&](const std::string& id) -> Status {
    const demo::NodeLayout& l = *by_id[id];
    auto child = ChildProcess::Start(SelfExecutable(), {"node", "--config", l.config_path}, l.dir + "/node.log");
    if (!child) return child.error();
    nodes[id] = std::move(child.value());
    auto api = WaitForApi(l.config_path, nodes[id], 30);
    if (!api) return api.error();
    apis.insert_or_assign(id, *api);
    return Status::Ok();
  };
  auto stop_all = [&] {
    for (auto& [id, n] : nodes) n.Stop();
  };
  for (const char* id : {"HUB-LYON", "MEX-FGR", "USA-ATF", "COL-DIJIN"}) {
    if (Status s = start(id); !s) {
      stop_all();
      return Fail(s.error().message);
    }
    std::printf("Started %-9s %s, log %s/node.log\n", id,
                std::string(id) == "MEX-FGR" ? "(outbound only)" : by_id[id]->endpoint.c_str(), by_id[id]->dir.c_str());
  }

  int exit_code = 0;
  auto submit = [&](const std::string& from, const std::string& to, Json request) -> std::string {
    request["recipient"] = to;
    auto c = apis.at(from).Post("/v1/traces", request);
    if (!c) {
      std::fprintf(stderr, "tracenet demo: %s\n", c.error().message.c_str());
      exit_code = 1;
      return "";
    }
    return (*c)["case_id"];
  };
  auto show = [&](const std::string& node, const std::string& case_id, const char* expected) {
    if (case_id.empty()) return;
    auto answered = WaitForAnswer(apis.at(node), case_id, 60);
    if (!answered) {
      std::fprintf(stderr, "tracenet demo: %s\n", answered.error().message.c_str());
      exit_code = 1;
      return;
    }
    std::printf("%s\n", RenderCase(*answered).c_str());
    if ((*answered)["outcome"] != expected) {
      std::fprintf(stderr, "tracenet demo: case %s: expected %s\n", case_id.c_str(), expected);
      exit_code = 1;
    }
  };

  std::printf("\n1. MEX-FGR traces two seized weapons with USA-ATF (the answers come back through the hub,\n"
              "   since nobody can connect to MEX-FGR):\n\n");
  std::string found = submit("MEX-FGR", "USA-ATF",
                             SeizedWeaponRequest(*usa_weapon, AsReadInTheField(usa_weapon->serial), "Reynosa, Tamaulipas"));
  std::string unknown = submit("MEX-FGR", "USA-ATF", SeizedWeaponRequest(*usa_weapon, "ZX-00917-Q", "Nuevo Laredo"));
  show("MEX-FGR", found, "found");
  show("MEX-FGR", unknown, "no record");

  std::printf("2. COL-DIJIN traces a weapon with MEX-FGR: relayed through HUB-LYON, which cannot read it:\n\n");
  Json col_request = SeizedWeaponRequest(*mex_weapon, mex_weapon->serial, "Cucuta, Norte de Santander");
  col_request["requesting_agency"] = "Policia Nacional de Colombia - DIJIN";
  col_request["recovery"]["country"] = "COL";
  show("COL-DIJIN", submit("COL-DIJIN", "MEX-FGR", col_request), "found");

  std::printf("3. MEX-FGR goes offline; COL-DIJIN sends another trace; HUB-LYON holds it until MEX-FGR is back:\n\n");
  nodes["MEX-FGR"].Stop();
  std::string held = submit("COL-DIJIN", "MEX-FGR", col_request);
  size_t queued = 0;
  for (int i = 0; i < 100 && queued == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto status = apis.at("HUB-LYON").Get("/v1/status");
    if (status) queued = (*status)["peers"].value("MEX-FGR", Json::object()).value("queued", 0);
  }
  std::printf("   HUB-LYON holds %zu message(s) for MEX-FGR in its store; restarting MEX-FGR...\n\n", queued);
  if (Status s = start("MEX-FGR"); !s) {
    std::fprintf(stderr, "tracenet demo: %s\n", s.error().message.c_str());
    exit_code = 1;
  }
  show("COL-DIJIN", held, "found");

  std::printf("4. Who could read what:\n");
  std::printf("   MEX-FGR, USA-ATF, COL-DIJIN: the traces they sent or received (end-to-end encrypted,\n"
              "   signed by the sender).\n");
  auto hub_status = apis.at("HUB-LYON").Get("/v1/status");
  uint64_t relayed = hub_status ? (*hub_status)["counters"].value("relayed", uint64_t{0}) : 0;
  nodes["HUB-LYON"].Stop();
  uintmax_t searched = 0;
  bool leaked = AnyFileContains(by_id["HUB-LYON"]->dir,
                                {usa_weapon->serial, mex_weapon->serial, "FGR/TAMPS/2026/0412"}, searched);
  std::printf("   HUB-LYON: routing headers only. It carried %llu envelopes; none of the serials or case\n"
              "   numbers appears anywhere in its store or log (%ju bytes searched).\n\n",
              static_cast<unsigned long long>(relayed), searched);
  if (leaked) {
    std::fprintf(stderr, "tracenet demo: the hub's files contain plaintext\n");
    exit_code = 1;
  }
  if (options.console && exit_code == 0) {
    if (Status st = start("HUB-LYON"); !st) return Fail(st.error().message);
    ServeConsoles(apis, by_id);
  }
  stop_all();
  std::printf("Nodes stopped.%s\n", options.keep || !options.dir.empty() ? (" State kept in " + root).c_str() : "");
  if (!options.keep && options.dir.empty()) std::filesystem::remove_all(root);
  return exit_code;
}

}  // namespace tracenet::cli
