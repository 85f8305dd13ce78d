// The transport seam: how the node loop and the messenger see their links. Links (ZeroMQ with
// CurveZMQ) is the production implementation; MemoryLinks carries frames in memory, so a whole
// node can run in one process, one turn at a time, under a test's or a fuzzer's control.
// Thread-safety: implementations are owned and driven by the node loop thread.
#pragma once

#include <string>
#include <vector>
#include <zmq.hpp>

#include "node/common/bytes.h"
#include "node/common/result.h"
#include "node/crypto/identity.h"

namespace tracenet::transport {

struct InboundFrame {
  bool from_listener = false;  // true: arrived on the listener (reply with routing_id)
  std::string routing_id;      // listener only
  std::string member;          // authenticated member id (ZAP User-Id or the dialled peer)
  zmq::message_t data;
};

enum class LinkEventKind { kUp, kDown, kAuthRefused };
struct LinkEvent {
  std::string peer;
  LinkEventKind kind;
};

class FrameLinks {
 public:
  virtual ~FrameLinks() = default;
  // Binds the listener; returns the endpoint actually bound (port 0 is resolved).
  virtual Result<std::string> Listen(const std::string& endpoint) = 0;
  // Starts dialling a peer (reconnecting by itself); RemovePeer stops and drops its queued frames.
  virtual void AddPeer(const std::string& peer_id, const std::string& endpoint, const crypto::PublicKey32& server_key) = 0;
  virtual void RemovePeer(const std::string& peer_id) = 0;
  // Waits up to `timeout_ms` for input, then drains at most `max_frames` frames. `wake_fd` (may
  // be -1) is polled too; `woke` reports whether it was readable (the caller clears it).
  virtual void Poll(int timeout_ms, int wake_fd, size_t max_frames, std::vector<InboundFrame>& frames,
                    std::vector<LinkEvent>& events, bool& woke) = 0;
  // Errc::kBackpressure when the peer's queue is full, Errc::kUnavailable when the link is down.
  virtual Status SendToPeer(const std::string& peer_id, ByteView frame) = 0;
  // Sends on the listener to the connection `routing_id`; kUnavailable if it is gone.
  virtual Status Reply(const std::string& routing_id, ByteView frame) = 0;
  // Up when dialled and connected, or when the member connected in.
  virtual bool IsUp(const std::string& peer_id) const = 0;
  // Frames dropped because their connection had no authenticated member.
  virtual uint64_t unauthenticated_dropped() const { return 0; }
};

}  // namespace tracenet::transport
