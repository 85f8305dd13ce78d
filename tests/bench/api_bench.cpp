// HTTP API latency under concurrent clients: starts two real nodes on 127.0.0.1 and has C
// clients (each its own keep-alive connection) call MEX-FGR's API for a fixed time, each in turn
// submitting a ~1 KiB trace (answered once durably committed), listing the newest 50 cases, and
// calling /healthz. Reports p50/p99/max per call; /healthz (no storage, no JSON body) is the
// baseline of the same run, so the other calls read as multiples of the server's own overhead.
// Run on demand: build/dev/tests/bench/api_bench [--clients C] [--seconds S]
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include "tests/bench/bench_support.h"
#include "node/common/child_process.h"

using namespace tracenet;
using namespace tracenet::bench;
using Json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  size_t clients = 50;
  double seconds = 20;
  CLI::App app{"HTTP API latency under concurrent clients: submit, list, and /healthz as the baseline"};
  app.add_option("--clients", clients)->capture_default_str();
  app.add_option("--seconds", seconds)->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::string root = "/tmp/tracenet-api-bench-" + std::to_string(::getpid());
  std::filesystem::create_directories(root);
  auto layout = demo::LayOutFederation(root, {{"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", ""}});
  if (!layout) return std::fprintf(stderr, "%s\n", layout.error().message.c_str()), 1;
  std::vector<ChildProcess> nodes;
  for (const demo::NodeLayout& l : *layout)
    nodes.push_back(ChildProcess::Start(TRACENET_BINARY, {"node", "--config", l.config_path}, l.dir + "/node.log").value());
  for (const demo::NodeLayout& l : *layout)
    if (auto c = WaitForApi(l); !c) return std::fprintf(stderr, "%s\n", c.error().message.c_str()), 1;
  auto [port, token] = PortAndToken((*layout)[0]);
  std::string trace = Json{{"recipient", "USA-ATF"},
                           {"priority", "routine"},
                           {"grounds", "national_law"},
                           {"requesting_agency", "Fiscalia General de la Republica"},
                           {"special_instructions", std::string(880, 'x')},
                           {"weapon", {{"serial", "ABC123"}, {"manufacturer", "Glock"}, {"type", "pistol"}, {"calibre", "9x19mm"}}}}
                          .dump();

  enum Call { kSubmit, kList, kHealth, kCalls };
  const char* names[kCalls] = {"submit (POST /v1/traces)", "list (GET /v1/traces?limit=50)", "baseline (GET /healthz)"};
  std::vector<uint64_t> latency[kCalls];
  std::mutex latency_mutex;
  std::atomic<size_t> failures{0};
  auto deadline = SteadyClock::now() + std::chrono::duration<double>(seconds);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < clients; ++t)
    threads.emplace_back([&] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_read_timeout(60, 0);
      client.set_tcp_nodelay(true);
      httplib::Headers auth{{"Authorization", "Bearer " + token}};
      std::vector<uint64_t> mine[kCalls];
      for (int call = 0; SteadyClock::now() < deadline; call = (call + 1) % kCalls) {
        auto t0 = SteadyClock::now();
        httplib::Result r = call == kSubmit ? client.Post("/v1/traces", auth, trace, "application/json")
                            : call == kList ? client.Get("/v1/traces?limit=50", auth)
                                            : client.Get("/healthz");
        auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now() - t0).count();
        if (!r || r->status >= 300) {
          if (failures++ < 3)
            std::fprintf(stderr, "%s failed: %s\n", names[call],
                         r ? (std::to_string(r->status) + " " + r->body).c_str() : httplib::to_string(r.error()).c_str());
          continue;
        }
        mine[call].push_back(static_cast<uint64_t>(ns));
      }
      std::lock_guard lock(latency_mutex);
      for (int c = 0; c < kCalls; ++c) latency[c].insert(latency[c].end(), mine[c].begin(), mine[c].end());
    });
  for (std::thread& t : threads) t.join();
  for (ChildProcess& n : nodes) n.Stop(10000);
  std::filesystem::remove_all(root);

  double base_p50 = Percentile(latency[kHealth], 0.5) / 1e6, base_p99 = Percentile(latency[kHealth], 0.99) / 1e6;
  std::printf("clients:            %zu concurrent, %.0f s, %zu failed calls\n", clients, seconds, failures.load());
  for (int c = 0; c < kCalls; ++c) {
    double p50 = Percentile(latency[c], 0.5) / 1e6, p99 = Percentile(latency[c], 0.99) / 1e6;
    std::printf("%-32s %7zu calls, %6.0f calls/s, p50 %7.2f ms, p99 %7.2f ms, max %7.2f ms  (p50 %.1fx, p99 %.1fx baseline)\n",
                names[c], latency[c].size(), latency[c].size() / seconds, p50, p99, Percentile(latency[c], 1.0) / 1e6,
                p50 / base_p50, p99 / base_p99);
  }
  return failures.load() == 0 ? 0 : 1;
}
