// A federation of real tracenet processes on 127.0.0.1 for end-to-end tests: each node in its
// own directory with its own LMDB store, started, stopped and killed (-9) as a test needs.
// Every wait is bounded. Thread-safety: one test thread.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "node/api/api_client.h"
#include "node/common/child_process.h"
#include "node/demo/federation_layout.h"
#include "node/demo/registry_generator.h"

namespace tracenet::e2e {

using api::Json;

class Federation {
 public:
  // Lays out the nodes; a registry of `registry_size` weapons is generated for every spec whose
  // registry_path is "generate".
  explicit Federation(std::vector<demo::NodeSpec> specs, size_t registry_size = 2000);
  ~Federation();

  void Start(const std::string& id);
  void Stop(const std::string& id);
  void Kill(const std::string& id);
  bool Running(const std::string& id);
  pid_t Pid(const std::string& id) const { return m_processes.at(id).pid(); }
  api::ApiClient Api(const std::string& id);

  Json TraceRequest(const std::string& recipient, const std::string& serial, const std::string& make) const;
  std::string Submit(const std::string& from, const std::string& to, const std::string& serial,
                     const std::string& make);
  // Polls the case until `done` holds; fails the test after `seconds`.
  Json WaitCase(const std::string& node, const std::string& case_id, const std::function<bool(const Json&)>& done,
                int seconds = 30);
  Json Cases(const std::string& node, size_t limit = 10000);
  Json Status(const std::string& node);

  const demo::NodeLayout& layout(const std::string& id) const { return m_layouts.at(id); }
  const demo::GeneratedWeapon& known_weapon() const { return m_weapon; }
  const std::string& root() const { return m_root; }

 private:
  std::string m_root;
  std::map<std::string, demo::NodeLayout> m_layouts;
  std::map<std::string, ChildProcess> m_processes;
  demo::GeneratedWeapon m_weapon;
};

}  // namespace tracenet::e2e
