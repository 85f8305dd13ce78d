#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "node/api/api_client.h"
#include "node/cli/commands.h"
#include "node/common/child_process.h"
#include "node/common/file_util.h"
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

int RunDemo(const DemoOptions& options) {
  std::string root = options.dir;
  if (root.empty()) {
    char pattern[] = "/tmp/tracenet-demo-XXXXXX";
    if (!mkdtemp(pattern)) return Fail("cannot create a temporary directory");
    root = pattern;
  }
  if (Status s = MakeDirectories(root, 0700); !s) return Fail(s.error().message);
  std::printf("tracenet demo: two national tracing centres on this machine (127.0.0.1), state in %s\n\n", root.c_str());

  std::printf("Generating the registries (%zu weapons each)...\n", options.registry_size);
  auto usa_weapon = demo::GenerateRegistry(root + "/usa-registry.sqlite", {"USA", options.registry_size, 1776});
  if (!usa_weapon) return Fail(usa_weapon.error().message);
  auto mex_weapon = demo::GenerateRegistry(root + "/mex-registry.sqlite", {"MEX", options.registry_size, 1810});
  if (!mex_weapon) return Fail(mex_weapon.error().message);

  auto layout = demo::LayOutFederation(root, {{"MEX-FGR", "MEX", root + "/mex-registry.sqlite"},
                                              {"USA-ATF", "USA", root + "/usa-registry.sqlite"}});
  if (!layout) return Fail(layout.error().message);
  const demo::NodeLayout& mex = (*layout)[0];
  const demo::NodeLayout& usa = (*layout)[1];

  std::vector<ChildProcess> nodes;
  for (const demo::NodeLayout& l : *layout) {
    auto child = ChildProcess::Start(SelfExecutable(), {"node", "--config", l.config_path}, l.dir + "/node.log");
    if (!child) return Fail(child.error().message);
    std::printf("Started node %s (pid %d, %s), log %s/node.log\n", l.id.c_str(), child->pid(), l.endpoint.c_str(),
                l.dir.c_str());
    nodes.push_back(std::move(child.value()));
  }
  auto stop_all = [&] {
    for (ChildProcess& n : nodes) n.Stop();
  };
  auto mex_api = WaitForApi(mex.config_path, nodes[0], 30);
  auto usa_api = WaitForApi(usa.config_path, nodes[1], 30);
  if (!mex_api || !usa_api) {
    stop_all();
    return Fail((!mex_api ? mex_api.error() : usa_api.error()).message);
  }

  std::printf("\nMEX-FGR submits two traces to USA-ATF (country of last legal import):\n");
  Json found_request = SeizedWeaponRequest(*usa_weapon, AsReadInTheField(usa_weapon->serial), "Reynosa, Tamaulipas");
  Json unknown_request = SeizedWeaponRequest(*usa_weapon, "ZX-00917-Q", "Nuevo Laredo, Tamaulipas");
  found_request["recipient"] = unknown_request["recipient"] = "USA-ATF";
  auto found_case = mex_api->Post("/v1/traces", found_request);
  auto unknown_case = mex_api->Post("/v1/traces", unknown_request);
  if (!found_case || !unknown_case) {
    stop_all();
    return Fail((!found_case ? found_case.error() : unknown_case.error()).message);
  }
  std::printf("  1. %s %s serial read as \"%s\" -> case %s\n", usa_weapon->manufacturer.c_str(),
              usa_weapon->model.c_str(), AsReadInTheField(usa_weapon->serial).c_str(),
              (*found_case)["case_id"].get<std::string>().c_str());
  std::printf("  2. same make, serial \"ZX-00917-Q\" (not in any registry) -> case %s\n\n",
              (*unknown_case)["case_id"].get<std::string>().c_str());

  int exit_code = 0;
  for (const Json* submitted : {&*found_case, &*unknown_case}) {
    auto answered = WaitForAnswer(*mex_api, (*submitted)["case_id"], 30);
    if (!answered) {
      std::fprintf(stderr, "tracenet demo: %s\n", answered.error().message.c_str());
      exit_code = 1;
      continue;
    }
    std::printf("%s\n", RenderCase(*answered).c_str());
  }
  if (exit_code == 0) {
    auto found = mex_api->Get("/v1/traces/" + (*found_case)["case_id"].get<std::string>());
    auto unknown = mex_api->Get("/v1/traces/" + (*unknown_case)["case_id"].get<std::string>());
    if (!found || (*found)["outcome"] != "found" || !unknown || (*unknown)["outcome"] != "no record") {
      std::fprintf(stderr, "tracenet demo: expected one trace found and one with no record\n");
      exit_code = 1;
    }
  }
  stop_all();
  std::printf("Nodes stopped.%s\n", options.keep || !options.dir.empty() ? (" State kept in " + root).c_str() : "");
  if (!options.keep && options.dir.empty()) std::filesystem::remove_all(root);
  return exit_code;
}

}  // namespace tracenet::cli
