#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <cstdio>

#include "node/api/api_server.h"
#include "node/cli/commands.h"
#include "node/common/file_util.h"
#include "node/runtime/node.h"

namespace tracenet::cli {

namespace {
std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }
}  // namespace

int RunNode(const std::string& config_path) {
  auto config = config::LoadNodeConfig(config_path);
  if (!config) {
    std::fprintf(stderr, "tracenet node: %s\n", config.error().message.c_str());
    return 2;
  }
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l node=" + config->id + " %v", spdlog::pattern_time_type::utc);
  auto node = runtime::Node::Create(*config);
  if (!node) {
    std::fprintf(stderr, "tracenet node: %s\n", node.error().message.c_str());
    return 2;
  }
  auto token = api::LoadOrCreateToken(config->api_token_file);
  if (!token) {
    std::fprintf(stderr, "tracenet node: %s\n", token.error().message.c_str());
    return 2;
  }
  api::ApiServer server(**node, *token);
  auto port = server.Start(config->api_listen);
  if (!port) {
    std::fprintf(stderr, "tracenet node: %s\n", port.error().message.c_str());
    return 2;
  }
  // Written last: its presence tells clients the node is ready.
  if (Status s = WriteFileAtomic(config->api_port_file, AsBytes(std::to_string(*port) + "\n"), 0600); !s) {
    std::fprintf(stderr, "tracenet node: %s\n", s.error().message.c_str());
    return 2;
  }
  spdlog::info("event=api_listening port={}", *port);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  Status s = (*node)->Run(g_stop);
  server.Stop();
  std::remove(config->api_port_file.c_str());
  if (!s) {
    std::fprintf(stderr, "tracenet node: %s\n", s.error().message.c_str());
    return 1;
  }
  return 0;
}

}  // namespace tracenet::cli
