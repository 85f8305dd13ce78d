// What the load tools share: a node's memory and CPU from /proc, waiting for a node's API, and
// percentiles. Thread-safety: free functions.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "node/api/api_client.h"
#include "node/config/node_config.h"
#include "node/demo/federation_layout.h"

namespace tracenet::bench {

// Resident memory in KiB: "RssAnon" (heap, stacks) or "RssFile" (mapped files: the LMDB map).
inline long RssKiB(pid_t pid, const char* field = "RssAnon") {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::strlen(field) + 1);
  return -1;
}

// CPU seconds (user + system) a process has used so far.
inline double CpuSeconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string content((std::istreambuf_iterator<char>(stat)), {});
  size_t close = content.rfind(')');
  if (close == std::string::npos) return 0;  // not running
  std::istringstream fields(content.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) {
      stime = std::stoull(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

inline Result<api::ApiClient> WaitForApi(const demo::NodeLayout& l) {
  auto config = config::LoadNodeConfig(l.config_path);
  if (!config) return config.error();
  for (int i = 0; i < 300; ++i) {
    auto client = api::ApiClient::FromConfig(*config);
    if (client && client->Get("/v1/status")) return client;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return MakeError(Errc::kTimeout, l.id + " did not start");
}

// A node's API port and its operator token, as it wrote them at start.
inline std::pair<int, std::string> PortAndToken(const demo::NodeLayout& l) {
  std::ifstream port(l.dir + "/data/api.port"), token(l.dir + "/data/api.token");
  int p = 0;
  std::string t;
  port >> p;
  token >> t;
  return {p, t};
}

inline double Percentile(std::vector<uint64_t> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return static_cast<double>(v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))]);
}

}  // namespace tracenet::bench
