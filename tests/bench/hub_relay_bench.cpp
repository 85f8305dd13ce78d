// A hub's own relay capacity, measured the way a message broker is: one real hub node on
// 127.0.0.1 and two light members played by this process over real CurveZMQ links. The sender
// pushes N pre-sealed, signed, end-to-end encrypted 1 KiB envelopes with up to --window
// unconfirmed, and counts one as confirmed only when the hub's signed custody receipt for it
// verifies (the hub committed it to LMDB first; one signature covers a batch). The recipient acknowledges each delivery
// without opening it, like a manual-ack consumer. The hub does everything it always does:
// checks the link and the sender's signature against the directory, commits, signs custody,
// forwards, and deletes on the recipient's acknowledgement (committed too).
// Reports messages/s from the first send until the hub's outbox is empty again, confirmation
// and delivery latency, and the hub's CPU and memory.
// Run on demand: build/dev/tests/bench/hub_relay_bench [--messages N] [--window W] [--size B]
#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "tests/bench/bench_support.h"
#include "node/common/child_process.h"
#include "node/common/clock.h"
#include "node/crypto/identity.h"
#include "node/crypto/primitives.h"
#include "node/demo/directory_layout.h"
#include "node/protocol/envelope.h"
#include "node/protocol/keyring.h"
#include "node/protocol/link_frame.h"
#include "node/transport/links.h"

using namespace tracenet;
using namespace tracenet::bench;
using SteadyClock = std::chrono::steady_clock;

namespace {

uint64_t NowUs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now().time_since_epoch()).count());
}

// A member played by this process: its keys, and a link to the hub once it is up.
struct LightMember {
  crypto::Identity identity;
  std::shared_ptr<const protocol::Keyring> keys;
  std::unique_ptr<transport::Links> links;
};

Result<LightMember> Join(zmq::context_t& context, const demo::NodeLayout& layout, const directory::Document& doc,
                         const protocol::PeerKeys& hub) {
  LightMember m;
  auto identity = crypto::LoadIdentity(layout.dir + "/keys");
  if (!identity) return identity.error();
  m.identity = std::move(*identity);
  auto keys = protocol::Keyring::Create(layout.id, m.identity, directory::PeersAt(doc, SystemClock().NowMs(), layout.id));
  if (!keys) return keys.error();
  m.keys = *keys;
  transport::LinkLimits limits;
  limits.send_high_water = 100000;
  limits.receive_high_water = 100000;
  m.links = std::make_unique<transport::Links>(context, m.identity, limits);
  m.links->AddPeer(hub.id, hub.endpoint, hub.transport_public);
  std::vector<transport::InboundFrame> frames;
  std::vector<transport::LinkEvent> events;
  bool woke = false;
  for (int i = 0; i < 100 && !m.links->IsUp(hub.id); ++i) m.links->Poll(100, -1, 16, frames, events, woke);
  if (!m.links->IsUp(hub.id)) return MakeError(Errc::kTimeout, layout.id + " could not reach the hub");
  if (Status s = m.links->SendToPeer(hub.id, protocol::EncodeHello(layout.id)); !s) return s.error();
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  size_t messages = 100000, window = 2000, size = 1024;
  CLI::App app{"Relay capacity of one tracenet hub, with light members on both sides"};
  app.add_option("--messages", messages)->capture_default_str();
  app.add_option("--window", window, "Unconfirmed envelopes in flight")->capture_default_str();
  app.add_option("--size", size, "Payload bytes per envelope (before encryption)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (Status s = crypto::Init(); !s) return 1;

  std::string root = "/tmp/tracenet-hub-bench-" + std::to_string(::getpid());
  std::filesystem::create_directories(root);
  auto layout = demo::LayOutFederation(root, {{"HUB-LYON", "FRA", ""}, {"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", ""}});
  if (!layout) return std::fprintf(stderr, "%s\n", layout.error().message.c_str()), 1;
  auto dir = demo::PutOnDirectory(root, *layout,
                                  {{"HUB-LYON", {"hub", false, {}}},
                                   {"MEX-FGR", {"national", true, {"HUB-LYON"}}},
                                   {"USA-ATF", {"national", true, {"HUB-LYON"}}}},
                                  "bench-federation");
  if (!dir) return std::fprintf(stderr, "%s\n", dir.error().message.c_str()), 1;
  ChildProcess hub_process =
      ChildProcess::Start(TRACENET_BINARY, {"node", "--config", (*layout)[0].config_path}, (*layout)[0].dir + "/node.log")
          .value();
  auto hub_api = WaitForApi((*layout)[0]);
  if (!hub_api) return std::fprintf(stderr, "%s\n", hub_api.error().message.c_str()), 1;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // its endpoint file is written
  auto status = hub_api->Get("/v1/status");
  const directory::Member* hub_member = dir->document.FindMember("HUB-LYON");
  protocol::PeerKeys hub;
  for (const protocol::PeerKeys& p : directory::PeersAt(dir->document, SystemClock().NowMs(), "MEX-FGR"))
    if (p.id == "HUB-LYON") hub = p;
  if (!status || !hub_member || hub.endpoint.empty()) return std::fprintf(stderr, "hub not reachable\n"), 1;

  // A context each, as two separate member processes would have (monitor names are per context).
  zmq::context_t sender_context(1), recipient_context(1);
  auto sender = Join(sender_context, (*layout)[1], dir->document, hub);
  auto recipient = Join(recipient_context, (*layout)[2], dir->document, hub);
  if (!sender || !recipient) {
    std::fprintf(stderr, "%s\n", (!sender ? sender.error() : recipient.error()).message.c_str());
    return 1;
  }

  // Sealing is the sending application's work, like building a broker message: done up front.
  std::vector<Bytes> frames(messages), envelopes(messages);
  std::unordered_map<std::string, std::pair<crypto::Hash32, size_t>> by_id;  // id -> envelope hash, index
  Bytes payload(size);
  crypto::RandomBytes(payload.data(), payload.size());
  auto seal_started = SteadyClock::now();
  for (size_t i = 0; i < messages; ++i) {
    auto sealed = protocol::SealEnvelope(*sender->keys, "USA-ATF", protocol::wire::MessageKind::TraceRequest, payload,
                                         SystemClock().NowMs(), 3600 * 1000);
    if (!sealed) return std::fprintf(stderr, "%s\n", sealed.error().message.c_str()), 1;
    by_id[std::string(AsString(sealed->message_id))] = {crypto::Hash256(sealed->bytes), i};
    frames[i] = protocol::EncodeDeliver(sealed->bytes);
    envelopes[i] = std::move(sealed->bytes);
  }
  double seal_us = std::chrono::duration<double, std::micro>(SteadyClock::now() - seal_started).count() / messages;

  double cpu_before = CpuSeconds(hub_process.pid());
  std::vector<std::atomic<uint64_t>> sent_at(messages);  // written by the sender, read by the recipient thread
  std::vector<uint64_t> confirm_us, deliver_us;
  confirm_us.reserve(messages);
  deliver_us.reserve(messages);
  std::mutex deliver_mutex;
  std::vector<std::atomic<bool>> seen(messages);
  std::atomic<size_t> delivered{0};
  std::atomic<bool> stop{false};
  uint64_t started = NowUs();
  std::thread recipient_thread([&] {
    std::vector<transport::InboundFrame> in;
    std::vector<transport::LinkEvent> events;
    bool woke = false;
    while (!stop && delivered < messages) {
      in.clear();
      recipient->links->Poll(10, -1, 1000, in, events, woke);
      uint64_t now = NowUs();
      for (auto& f : in) {
        auto frame = protocol::DecodeLinkFrame(ByteView(static_cast<const uint8_t*>(f.data.data()), f.data.size()), 1 << 20);
        if (!frame || !std::holds_alternative<protocol::DeliverFrame>(*frame)) continue;
        auto envelope = protocol::ParseEnvelope(std::get<protocol::DeliverFrame>(*frame).envelope, 1 << 20);
        if (!envelope) continue;
        const Bytes& id = envelope->header.message_id;
        (void)recipient->links->SendToPeer(
            "HUB-LYON", protocol::EncodeHopAck(id, protocol::wire::HopStatus::Accepted, std::nullopt, ""));
        auto it = by_id.find(std::string(AsString(id)));
        if (it == by_id.end()) continue;
        std::lock_guard lock(deliver_mutex);
        if (!seen[it->second.second].exchange(true)) {
          deliver_us.push_back(now - sent_at[it->second.second]);
          ++delivered;
        }
      }
    }
  });

  // The sender: keep `window` unconfirmed; a custody receipt must verify to count. A deferred
  // envelope (the hub pushing back) or one unanswered for 5 s is sent again, as a node would.
  size_t next = 0, confirmed = 0, bad_custody = 0, resent = 0;
  std::vector<bool> done(messages, false);
  std::vector<size_t> again;
  std::vector<transport::InboundFrame> in;
  std::vector<transport::LinkEvent> events;
  bool woke = false;
  uint64_t deadline = started + 600'000'000, next_scan = started + 5'000'000;
  while (confirmed < messages && NowUs() < deadline) {
    while (!again.empty()) {
      if (!sender->links->SendToPeer("HUB-LYON", frames[again.back()])) break;
      sent_at[again.back()] = NowUs();
      again.pop_back();
      ++resent;
    }
    while (next < messages && next - confirmed < window) {
      sent_at[next] = NowUs();
      if (!sender->links->SendToPeer("HUB-LYON", frames[next])) break;
      ++next;
    }
    in.clear();
    sender->links->Poll(5, -1, 1000, in, events, woke);
    uint64_t now = NowUs();
    for (auto& f : in) {
      auto frame = protocol::DecodeLinkFrame(ByteView(static_cast<const uint8_t*>(f.data.data()), f.data.size()), 1 << 20);
      if (!frame) continue;
      if (auto* ack = std::get_if<protocol::HopAckFrame>(&*frame)) {  // a refusal: send it again
        auto it = by_id.find(std::string(AsString(ack->message_id)));
        if (it != by_id.end() && !done[it->second.second] && ack->status != protocol::wire::HopStatus::Accepted)
          again.push_back(it->second.second);
        continue;
      }
      auto* custody = std::get_if<protocol::CustodyBatchFrame>(&*frame);
      if (!custody) continue;
      // As a node does: the batch signature once, then each named hash against what was sent.
      if (!crypto::Verify(hub.sign_public, protocol::CustodyBatchSigningInput(custody->message_ids, custody->envelope_hashes),
                          custody->signature)) {
        bad_custody += custody->message_ids.size();
        continue;
      }
      for (size_t k = 0; k < custody->message_ids.size(); ++k) {
        auto it = by_id.find(std::string(AsString(custody->message_ids[k])));
        if (it == by_id.end() || done[it->second.second]) continue;
        if (crypto::Hash256(envelopes[it->second.second]) != custody->envelope_hashes[k]) {
          ++bad_custody;
          continue;
        }
        done[it->second.second] = true;
        confirm_us.push_back(now - sent_at[it->second.second]);
        ++confirmed;
      }
    }
    if (now >= next_scan) {
      next_scan = now + 1'000'000;
      for (size_t i = 0; i < next; ++i)
        if (!done[i] && now - sent_at[i] > 5'000'000 &&
            std::find(again.begin(), again.end(), i) == again.end())
          again.push_back(i);
      std::fprintf(stderr, "  sent %zu, confirmed %zu, delivered %zu, resent %zu\n", next, confirmed, delivered.load(), resent);
    }
  }
  // Durable at the far end too: the hub has committed every recipient acknowledgement.
  while (NowUs() < deadline) {
    auto s = hub_api->Get("/v1/status");
    if (delivered >= messages && s && (*s)["outbox"] == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  double seconds = (NowUs() - started) / 1e6;
  stop = true;
  recipient_thread.join();
  double hub_cpu = CpuSeconds(hub_process.pid()) - cpu_before;
  long hub_rss = RssKiB(hub_process.pid(), "VmRSS");
  hub_process.Stop();
  if (!std::getenv("TRACENET_BENCH_KEEP")) std::filesystem::remove_all(root);

  std::printf("hub relay:          %zu envelopes of %zu payload bytes (sealed %zu bytes), window %zu\n", messages, size,
              frames.empty() ? 0 : frames[0].size(), window);
  std::printf("hub relay rate:     %.0f envelopes/s (first send -> hub outbox empty; every hop committed)\n",
              delivered / seconds);
  std::printf("resent:             %zu (deferred by the hub or unanswered for 5 s)\n", resent);
  std::printf("custody confirmed:  %zu (%zu custody receipts that did not verify), p50 %.1f ms, p99 %.1f ms\n", confirmed,
              bad_custody, Percentile(confirm_us, 0.5) / 1000, Percentile(confirm_us, 0.99) / 1000);
  std::printf("send->delivery:     %zu delivered, p50 %.1f ms, p99 %.1f ms\n", delivered.load(),
              Percentile(deliver_us, 0.5) / 1000, Percentile(deliver_us, 0.99) / 1000);
  std::printf("hub CPU:            %.0f us per envelope (user + system); RSS after %ld KiB\n",
              1e6 * hub_cpu / std::max<size_t>(1, delivered), hub_rss);
  std::printf("sender sealing:     %.0f us per envelope (outside the measured window)\n", seal_us);
  return delivered == messages && confirmed == messages ? 0 : 1;
}
