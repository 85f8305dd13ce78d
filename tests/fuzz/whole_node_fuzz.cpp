// Drives two complete nodes in this process (a national centre and a hub, each with its own
// LMDB store, on a signed directory) with envelopes that are validly signed and encrypted by a
// member holding real keys, and whose payloads are the fuzzer's bytes: fuzzing reaches past the
// signature into the checks, the handlers, the store and the replies, as a hostile member would.
//
// Input: byte 0 chooses the route and options, byte 1 the message kind, the rest is the payload.
//   route (byte 0 & 3): 0 MEX-FGR -> KEN-NFB, 1 HUB-A -> KEN-NFB, 2 MEX-FGR -> HUB-A,
//                       3 MEX-FGR -> KEN-NFB through HUB-A (the hub relays what it cannot read)
//   byte 0 & 0x40: the previous envelope is delivered again first (duplicates, replays)
//   byte 0 & 0x80: the payload is sent as a raw link frame instead (no envelope)
// In the payload, the 16 bytes "@CASE-ID-HERE!!@" become the id of a real case KEN-NFB opened
// with MEX-FGR, so answers, receipts and follow-ups can name something that exists.
// Any crash, sanitizer report or failed invariant (a node that stops answering) is a finding.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>

#include <spdlog/spdlog.h>

#include "node/protocol/link_frame.h"
#include "tests/support/in_process_federation.h"

using namespace tracenet;
using test_support::Member;

namespace {

constexpr char kCasePlaceholder[] = "@CASE-ID-HERE!!@";
constexpr uint64_t kStartMs = 1'900'000'000'000;
// The stores grow with every accepted message; start afresh now and then.
constexpr int kInputsPerFederation = 4000;

const Member kNational{"KEN-NFB", "national", 1, {"HUB-A"}};
const Member kHub{"HUB-A", "hub", 2, {}};
const Member kSender{"MEX-FGR", "national", 3, {"HUB-A"}};

struct Federation {
  FixedClock clock{kStartMs};
  std::string root;
  std::unique_ptr<test_support::InProcessNode> national, hub;
  std::unique_ptr<test_support::RemoteMember> sender, hub_voice;
  Bytes case_id;
  Bytes last_envelope;
  int inputs = 0;
};

std::unique_ptr<Federation> g_federation;

void Fail(const char* why) {
  std::fprintf(stderr, "whole_node_fuzz: %s\n", why);
  std::abort();
}

std::unique_ptr<Federation> StartFederation() {
  auto f = std::make_unique<Federation>();
  const char* shm = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";  // fsync is free there
  std::string pattern = std::string(shm) + "/tracenet-fuzz-node.XXXXXX";
  if (!::mkdtemp(pattern.data())) Fail("cannot create a temporary directory");
  f->root = pattern;
  std::vector<Member> all{kNational, kHub, kSender};
  auto directory = test_support::WriteTestDirectory(f->root + "/directory.dir", all, kStartMs);
  if (!directory) Fail("cannot write the directory");
  auto adjust = [&](config::NodeConfig& c) {
    directory->Apply(c);
    c.held_per_sender = 64;  // small quotas, so the fuzzer reaches them
    c.held_per_recipient = 96;
  };
  f->national = test_support::InProcessNode::Start(f->root + "/national", kNational, {kHub, kSender}, f->clock, adjust);
  f->hub = test_support::InProcessNode::Start(f->root + "/hub", kHub, {kNational, kSender}, f->clock, adjust);
  if (!f->national || !f->hub) Fail("cannot start the nodes");
  f->sender = std::make_unique<test_support::RemoteMember>(kSender, std::vector<Member>{kNational, kHub});
  f->hub_voice = std::make_unique<test_support::RemoteMember>(kHub, std::vector<Member>{kNational, kSender});
  // A real outgoing case at KEN-NFB, to MEX-FGR: the one the placeholder names.
  f->national->Serve([&] {
    auto submitted = f->national->node().Submit(kSender.id, test_support::SampleRequest("ABC123"));
    if (submitted) f->case_id = *submitted;
  });
  if (f->case_id.size() != 16) Fail("cannot open the case the inputs refer to");
  (void)f->national->links().TakeSent();
  return f;
}

void StopFederation() {
  if (!g_federation) return;
  std::string root = g_federation->root;
  g_federation.reset();
  std::filesystem::remove_all(root);
}

Bytes WithCaseId(const uint8_t* data, size_t size, const Bytes& case_id) {
  Bytes out(data, data + size);
  const size_t n = sizeof kCasePlaceholder - 1;
  for (size_t i = 0; i + n <= out.size(); ++i)
    if (std::memcmp(out.data() + i, kCasePlaceholder, n) == 0) std::copy(case_id.begin(), case_id.end(), out.begin() + i);
  return out;
}

// Every frame a node sends must be one it could decode itself: a node never emits garbage.
void CheckSent(test_support::InProcessNode& node) {
  for (const auto& sent : node.links().TakeSent())
    if (!protocol::DecodeLinkFrame(sent.frame, size_t{2} << 20)) Fail("a node sent a frame it cannot decode itself");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);  // refusals are the point; their log lines are noise here
  std::atexit(StopFederation);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  if (!g_federation || g_federation->inputs >= kInputsPerFederation) {
    StopFederation();
    g_federation = StartFederation();
  }
  Federation& f = *g_federation;
  ++f.inputs;
  f.clock.Set(f.clock.NowMs() + 1000);
  const uint8_t route = data[0] & 3;
  const bool replay = data[0] & 0x40, raw = data[0] & 0x80;
  const auto kind = static_cast<protocol::wire::MessageKind>(data[1] % (static_cast<int>(protocol::wire::MessageKind::MAX) + 1));
  Bytes payload = WithCaseId(data + 2, size - 2, f.case_id);

  test_support::InProcessNode& target = route >= 2 ? *f.hub : *f.national;
  const test_support::RemoteMember& voice = route == 1 ? *f.hub_voice : *f.sender;
  const std::string recipient = route == 2 ? kHub.id : kNational.id;
  if (replay && !f.last_envelope.empty()) target.links().Inject(voice.self().id, protocol::EncodeDeliver(f.last_envelope));
  if (raw) {
    target.links().Inject(voice.self().id, payload);
  } else {
    auto sealed = voice.Seal(recipient, kind, payload, f.clock.NowMs());
    if (!sealed) return 0;  // e.g. larger than an envelope may be: refused before it leaves
    f.last_envelope = sealed->bytes;
    target.links().Inject(voice.self().id, protocol::EncodeDeliver(sealed->bytes));
  }
  target.Settle();
  CheckSent(target);
  // The node still answers: a genuine request from MEX-FGR is acknowledged as accepted.
  if (f.inputs % 500 == 0) {
    auto sealed = f.sender->Seal(kNational.id, protocol::wire::MessageKind::TraceRequest,
                                 protocol::PackPayload<protocol::wire::TraceRequest>(
                                     test_support::SampleRequest("LIVE" + std::to_string(f.inputs))),
                                 f.clock.NowMs());
    if (!sealed) Fail("cannot seal the liveness request");
    f.national->links().Inject(kSender.id, protocol::EncodeDeliver(sealed->bytes));
    f.national->Settle();
    bool accepted = false;
    for (const auto& sent : f.national->links().TakeSent()) {
      auto frame = protocol::DecodeLinkFrame(sent.frame, size_t{2} << 20);
      if (frame && std::holds_alternative<protocol::HopAckFrame>(*frame)) {
        const auto& ack = std::get<protocol::HopAckFrame>(*frame);
        if (ack.message_id == sealed->message_id && ack.status == protocol::wire::HopStatus::Accepted) accepted = true;
      }
    }
    if (!accepted) Fail("the national node no longer accepts a genuine trace request");
  }
  return 0;
}
