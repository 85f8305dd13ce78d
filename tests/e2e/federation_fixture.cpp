#include "federation_fixture.h"

#include <chrono>
#include <filesystem>
#include <thread>

namespace tracenet::e2e {

using Clock = std::chrono::steady_clock;

Federation::Federation(std::vector<demo::NodeSpec> specs, size_t registry_size) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  m_root = ::testing::TempDir() + "/tracenet-e2e-" + std::to_string(::getpid()) + "-" + info->name();
  std::filesystem::remove_all(m_root);
  std::filesystem::create_directories(m_root);
  for (demo::NodeSpec& spec : specs) {
    if (spec.registry_path == "generate") {
      spec.registry_path = m_root + "/" + spec.id + "-registry.sqlite";
      auto weapon = demo::GenerateRegistry(spec.registry_path, {spec.country, registry_size, 7});
      if (!weapon) ADD_FAILURE() << weapon.error().message;
      else m_weapon = *weapon;
    }
  }
  auto layouts = demo::LayOutFederation(m_root, specs);
  if (!layouts) {
    ADD_FAILURE() << layouts.error().message;
    return;
  }
  for (demo::NodeLayout& l : *layouts) m_layouts[l.id] = l;
}

Federation::~Federation() {
  for (auto& [id, process] : m_processes) process.Stop(3000);
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(m_root);
}

void Federation::Start(const std::string& id) {
  const demo::NodeLayout& l = m_layouts.at(id);
  std::filesystem::remove(l.dir + "/data/api.port");  // a killed node leaves a stale one
  auto child = ChildProcess::Start(TRACENET_BINARY, {"node", "--config", l.config_path}, l.dir + "/node.log");
  ASSERT_TRUE(child) << child.error().message;
  m_processes[id] = std::move(child.value());
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < deadline) {
    ASSERT_TRUE(m_processes[id].running()) << "node " << id << " exited during start-up; see " << l.dir << "/node.log";
    auto config = config::LoadNodeConfig(l.config_path);
    auto client = api::ApiClient::FromConfig(*config);
    if (client && client->Get("/v1/status")) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL() << "node " << id << " did not become ready within 30 s";
}

void Federation::Stop(const std::string& id) { EXPECT_EQ(m_processes.at(id).Stop(10000), 0); }
void Federation::Kill(const std::string& id) { m_processes.at(id).Kill(); }
bool Federation::Running(const std::string& id) { return m_processes.count(id) && m_processes[id].running(); }

api::ApiClient Federation::Api(const std::string& id) {
  auto config = config::LoadNodeConfig(m_layouts.at(id).config_path);
  auto client = api::ApiClient::FromConfig(*config);
  if (!client) ADD_FAILURE() << client.error().message;
  return client ? *client : api::ApiClient("127.0.0.1", 1, "");
}

Json Federation::TraceRequest(const std::string& recipient, const std::string& serial, const std::string& make) const {
  return Json{{"recipient", recipient},
              {"priority", "routine"},
              {"grounds", "national_law"},
              {"requesting_agency", "e2e test"},
              {"weapon", {{"serial", serial}, {"manufacturer", make}, {"type", "pistol"}, {"calibre", "9x19mm"}}}};
}

std::string Federation::Submit(const std::string& from, const std::string& to, const std::string& serial,
                               const std::string& make) {
  auto result = Api(from).Post("/v1/traces", TraceRequest(to, serial, make));
  if (!result) {
    ADD_FAILURE() << result.error().message;
    return "";
  }
  return (*result)["case_id"];
}

Json Federation::WaitCase(const std::string& node, const std::string& case_id,
                          const std::function<bool(const Json&)>& done, int seconds) {
  auto deadline = Clock::now() + std::chrono::seconds(seconds);
  Json last;
  while (Clock::now() < deadline) {
    auto c = Api(node).Get("/v1/traces/" + case_id);
    if (c) {
      last = *c;
      if (done(last)) return last;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "case " << case_id << " at " << node << " did not reach the expected state in " << seconds
                << " s; last: " << last.dump();
  return last;
}

Json Federation::Cases(const std::string& node, size_t limit) {
  auto r = Api(node).Get("/v1/traces?limit=" + std::to_string(limit));
  if (!r) ADD_FAILURE() << r.error().message;
  return r ? (*r)["cases"] : Json::array();
}

Json Federation::Status(const std::string& node) {
  auto r = Api(node).Get("/v1/status");
  if (!r) ADD_FAILURE() << r.error().message;
  return r ? *r : Json::object();
}

}  // namespace tracenet::e2e
