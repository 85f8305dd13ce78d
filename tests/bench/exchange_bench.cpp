// Two-node end-to-end load: starts two real nodes on 127.0.0.1, submits N trace requests with
// ~1 KiB payloads through the HTTP API from C concurrent clients, waits until every case has its
// signed DeliveryReceipt, and reports durable requests per second, submit-to-receipt latency
// percentiles (from the cases' own timelines) and the nodes' RSS idle and after the load.
// Run on demand: build/dev/tests/bench/exchange_bench [--requests N] [--clients C] [--batch B]
// [--rate R] [--via-hub] [--offline-recipient]. With --offline-recipient (implies --via-hub) the
// recipient starts only once the hub holds every message: the hub's memory while holding them
// and the rate at which it drains them on reconnect are reported.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <thread>
#include <vector>

#include "tests/bench/bench_support.h"
#include "node/api/api_client.h"
#include "node/common/child_process.h"
#include "node/demo/directory_layout.h"
#include "node/demo/federation_layout.h"

using namespace tracenet;
using namespace tracenet::bench;
using api::Json;
using SteadyClock = std::chrono::steady_clock;

namespace {

uint64_t EventAt(const Json& c, const char* event) {
  for (const Json& e : c["timeline"])
    if (e["event"] == event) return e["at_ms"].get<uint64_t>();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  size_t requests = 20000, clients = 16, batch = 1;
  double rate = 0;  // offered requests/s; 0 = as fast as the node takes them
  bool via_hub = false;  // --via-hub: both centres outbound-only, every message through HUB-LYON
  bool offline_recipient = false;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--via-hub") via_hub = true;
    if (std::string(argv[i]) == "--offline-recipient") via_hub = offline_recipient = true;
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--via-hub" || a == "--offline-recipient") {
      --i;
      continue;
    }
    if (a == "--requests") requests = std::stoul(argv[i + 1]);
    else if (a == "--clients") clients = std::stoul(argv[i + 1]);
    else if (a == "--batch") batch = std::stoul(argv[i + 1]);
    else if (a == "--rate") rate = std::stod(argv[i + 1]);
  }
  std::string root = "/tmp/tracenet-bench-" + std::to_string(::getpid());
  std::filesystem::create_directories(root);
  std::vector<demo::NodeSpec> specs{{"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "", false}};
  if (via_hub) specs.push_back({"HUB-LYON", "FRA", ""});
  auto layout = demo::LayOutFederation(root, specs);
  if (!layout) {
    std::fprintf(stderr, "%s\n", layout.error().message.c_str());
    return 1;
  }
  if (via_hub) {
    auto directory = demo::PutOnDirectory(root, *layout,
                                          {{"HUB-LYON", {"hub", false, {}}},
                                           {"MEX-FGR", {"national", true, {"HUB-LYON"}}},
                                           {"USA-ATF", {"national", true, {"HUB-LYON"}}}},
                                          "bench-federation");
    if (!directory) {
      std::fprintf(stderr, "%s\n", directory.error().message.c_str());
      return 1;
    }
  }
  auto cpu_of_all = [&](const std::vector<ChildProcess>& all) {
    double total = 0;
    for (const ChildProcess& n : all) total += CpuSeconds(n.pid());
    return total;
  };
  auto start = [](const demo::NodeLayout& l) {
    return ChildProcess::Start(TRACENET_BINARY, {"node", "--config", l.config_path}, l.dir + "/node.log").value();
  };
  std::vector<ChildProcess> nodes;
  for (size_t i = 0; i < layout->size(); ++i)
    nodes.push_back(offline_recipient && i == 1 ? ChildProcess{} : start((*layout)[i]));
  for (size_t i = 0; i < layout->size(); ++i)
    if (auto c = offline_recipient && i == 1 ? Result<api::ApiClient>(MakeError(Errc::kNotFound, "")) : WaitForApi((*layout)[i]);
        !c && !(offline_recipient && i == 1)) {
      std::fprintf(stderr, "%s\n", c.error().message.c_str());
      return 1;
    }
  std::this_thread::sleep_for(std::chrono::seconds(2));  // settle: links up, nothing to do
  long idle_rss[2] = {RssKiB(nodes[0].pid(), "VmRSS"), RssKiB(nodes[1].pid(), "VmRSS")};
  double cpu_before = cpu_of_all(nodes);
  auto hub_relayed = [&]() -> uint64_t {
    if (!via_hub) return 0;
    auto status = WaitForApi((*layout)[2])->Get("/v1/status");
    return status ? (*status)["counters"].value("relayed", uint64_t{0}) : 0;
  };
  uint64_t relayed_before = hub_relayed();

  auto [port, token] = PortAndToken((*layout)[0]);
  Json body = {{"recipient", "USA-ATF"},
               {"priority", "routine"},
               {"grounds", "national_law"},
               {"requesting_agency", "Fiscalia General de la Republica"},
               {"special_instructions", std::string(880, 'x')},  // brings the payload to ~1 KiB
               {"weapon", {{"serial", "ABC123"}, {"manufacturer", "Glock"}, {"type", "pistol"}, {"calibre", "9x19mm"}}}};
  std::string payload = body.dump();
  std::string path = "/v1/traces";
  if (batch > 1) {
    Json many = {{"traces", Json::array()}};
    for (size_t i = 0; i < batch; ++i) many["traces"].push_back(body);
    payload = many.dump();
    path = "/v1/traces/batch";
  }
  std::vector<std::vector<std::string>> ids(clients);
  std::atomic<size_t> next{0}, failures{0};
  auto started = SteadyClock::now();
  std::vector<std::thread> threads;
  for (size_t t = 0; t < clients; ++t) {
    threads.emplace_back([&, t, port = port, token = token] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      httplib::Headers headers{{"Authorization", "Bearer " + token}};
      size_t slot;
      while ((slot = next.fetch_add(batch)) < requests) {
        if (rate > 0)  // paced: call k starts no earlier than k * batch / rate after the start
          std::this_thread::sleep_until(started + std::chrono::duration<double>(static_cast<double>(slot) / rate));
        auto res = client.Post(path, headers, payload, "application/json");
        if (!res || res->status != 201) {
          failures += batch;
          continue;
        }
        Json answer = Json::parse(res->body);
        if (batch == 1) ids[t].push_back(answer["case_id"]);
        else
          for (const Json& id : answer["case_ids"]) ids[t].push_back(id);
      }
    });
  }
  for (auto& th : threads) th.join();
  double submit_seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();

  // Offline recipient: wait (bounded) until the hub holds everything, measure it, then let the
  // recipient connect and time the drain.
  long held = 0, hold_rss = 0, hold_anon = 0, hold_file = 0, hold_store_kib = 0;
  double drain_seconds = 0;
  SteadyClock::time_point drain_started;
  if (offline_recipient) {
    auto mex_api = *WaitForApi((*layout)[0]);
    auto hub_api = *WaitForApi((*layout)[2]);
    auto hold_deadline = SteadyClock::now() + std::chrono::seconds(600);
    while (SteadyClock::now() < hold_deadline) {
      auto a = mex_api.Get("/v1/status"), h = hub_api.Get("/v1/status");
      if (a && h && (*a)["outbox"] == 0 && (*h)["outbox"].get<size_t>() >= requests - failures) {
        held = (*h)["outbox"].get<long>();
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    std::this_thread::sleep_for(std::chrono::seconds(2));  // settle
    hold_rss = RssKiB(nodes[2].pid(), "VmRSS");
    hold_anon = RssKiB(nodes[2].pid());
    hold_file = RssKiB(nodes[2].pid(), "RssFile");
    for (const auto& f : std::filesystem::recursive_directory_iterator((*layout)[2].dir + "/data"))
      if (f.is_regular_file()) hold_store_kib += static_cast<long>(f.file_size() / 1024);
    drain_started = SteadyClock::now();
    nodes[1] = start((*layout)[1]);
  }

  // Wait (bounded) until both outboxes are empty: every request taken by USA-ATF and every receipt
  // taken by MEX-FGR. Polls only the cheap status call, so the wait does not load the nodes.
  auto mex = *WaitForApi((*layout)[0]);
  auto usa = *WaitForApi((*layout)[1]);
  auto deadline = SteadyClock::now() + std::chrono::seconds(300);
  int empty_in_a_row = 0;
  SteadyClock::time_point first_empty;  // the first of the empty polls that ended the wait
  while (SteadyClock::now() < deadline && empty_in_a_row < 2) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto a = mex.Get("/v1/status"), b = usa.Get("/v1/status");
    bool empty = a && b && (*a)["outbox"] == 0 && (*b)["outbox"] == 0;
    if (via_hub) {
      auto h = WaitForApi((*layout)[2])->Get("/v1/status");
      empty = empty && h && (*h)["outbox"] == 0;
    }
    empty_in_a_row = empty ? empty_in_a_row + 1 : 0;
    if (empty_in_a_row == 1) first_empty = SteadyClock::now();
  }
  if (offline_recipient) drain_seconds = std::chrono::duration<double>(first_empty - drain_started).count();
  double cpu_used = cpu_of_all(nodes) - cpu_before;
  uint64_t relayed = hub_relayed() - relayed_before;
  long hub_rss = via_hub ? RssKiB(nodes[2].pid()) : 0;
  long loaded_anon[2] = {RssKiB(nodes[0].pid()), RssKiB(nodes[1].pid())};
  long loaded_file[2] = {RssKiB(nodes[0].pid(), "RssFile"), RssKiB(nodes[1].pid(), "RssFile")};

  std::vector<uint64_t> latencies;
  uint64_t first_submit = UINT64_MAX, last_delivery = 0;
  for (const auto& list : ids)
    for (const std::string& id : list) {
      // An acknowledgement may be applied before the receipt: wait (bounded) for the receipt.
      uint64_t s = 0, d = 0;
      for (int attempt = 0; attempt < 100 && !d; ++attempt) {
        auto c = mex.Get("/v1/traces/" + id);
        if (!c) break;
        s = EventAt(*c, "submitted");
        d = EventAt(*c, "delivered");
        if (!d) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (!s || !d) continue;
      latencies.push_back(d - s);
      first_submit = std::min(first_submit, s);
      last_delivery = std::max(last_delivery, d);
    }
  for (auto& n : nodes) n.Stop();
  if (!std::getenv("TRACENET_BENCH_KEEP")) std::filesystem::remove_all(root);

  double e2e_seconds = (last_delivery - first_submit) / 1000.0;
  std::printf("requests submitted: %zu (failures %zu), clients %zu, %zu per API call, offered %s\n",
              requests - failures.load(), failures.load(), clients, batch,
              rate > 0 ? (std::to_string(static_cast<int>(rate)) + " requests/s").c_str() : "as fast as accepted");
  std::printf("submit phase:       %.0f requests/s durable (API returned after commit)\n", (requests - failures) / submit_seconds);
  std::printf("end to end:         %zu delivered with signed receipt, %.0f requests/s (first submit -> last receipt)\n",
              latencies.size(), latencies.size() / std::max(e2e_seconds, 0.001));
  std::printf("submit->receipt:    p50 %.0f ms, p99 %.0f ms, max %.0f ms\n", Percentile(latencies, 0.5),
              Percentile(latencies, 0.99), Percentile(latencies, 1.0));
  if (via_hub) {
    std::printf("route:              MEX-FGR -> HUB-LYON -> USA-ATF and back (both centres outbound-only); hub heap after load %ld KiB\n", hub_rss);
    // Requests one way, acknowledgements and delivery receipts the other: each a signed,
    // encrypted envelope the hub verified, committed, took custody of and passed on.
    std::printf("hub relayed:        %llu envelopes, %.0f envelopes/s (first submit -> last receipt)\n",
                static_cast<unsigned long long>(relayed), relayed / std::max(e2e_seconds, 0.001));
  }
  if (offline_recipient) {
    std::printf("hub holding:        %ld messages for the offline USA-ATF: RSS %ld KiB (%ld KiB heap + %ld KiB mapped store pages), store files %ld KiB\n",
                held, hold_rss, hold_anon, hold_file, hold_store_kib);
    std::printf("drain on reconnect: %.1f s, %.0f requests/s delivered, answered-for and receipted (both ways through the hub)\n",
                drain_seconds, held / std::max(drain_seconds, 0.001));
  }
  std::printf("node CPU:           %.0f us per request, all nodes together (user + system)\n",
              1e6 * cpu_used / std::max<size_t>(1, latencies.size()));
  std::printf("RSS idle:           MEX %ld KiB, USA %ld KiB\n", idle_rss[0], idle_rss[1]);
  std::printf("RSS after load:     MEX %ld KiB heap + %ld KiB mapped store, USA %ld KiB heap + %ld KiB mapped store\n",
              loaded_anon[0], loaded_file[0], loaded_anon[1], loaded_file[1]);
  return latencies.size() == requests - failures ? 0 : 1;
}
