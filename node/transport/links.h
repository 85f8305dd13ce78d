// The node's ZeroMQ links: one ROUTER listener (CurveZMQ server, ZAP-authenticated) and one
// DEALER per peer that this node connects out to (CurveZMQ client). Knows bytes, not meanings.
// Every socket has bounded high-water marks and a maximum message size; sends never block
// (a full queue is reported as backpressure) and the ROUTER reports unroutable replies
// (ZMQ_ROUTER_MANDATORY) instead of dropping them silently.
// Thread-safety: not thread-safe; owned and driven by the node loop thread.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "node/common/bytes.h"
#include "node/common/log_limiter.h"
#include "node/common/result.h"
#include "node/crypto/identity.h"
#include "node/transport/frame_links.h"

namespace tracenet::transport {

struct LinkLimits {
  int send_high_water = 1000;           // messages queued per socket before sends report backpressure
  int receive_high_water = 1000;
  int64_t max_message_bytes = 1 << 20;  // larger frames make libzmq drop the connection
  int reconnect_ms = 100;               // first reconnect delay; libzmq doubles it up to the max
  int reconnect_max_ms = 10000;
  int handshake_ms = 5000;
};

class Links final : public FrameLinks {
 public:
  Links(zmq::context_t& context, const crypto::Identity& identity, LinkLimits limits);
  ~Links();

  // Binds the CurveZMQ listener; returns the endpoint actually bound (port 0 is resolved).
  Result<std::string> Listen(const std::string& endpoint) override;
  // Starts dialling a peer; libzmq reconnects by itself with the configured backoff.
  void AddPeer(const std::string& peer_id, const std::string& endpoint,
               const crypto::PublicKey32& server_key) override;

  // Stops dialling a peer and drops its queued frames (a member no longer in the directory).
  void RemovePeer(const std::string& peer_id) override;

  // Waits up to `timeout_ms` for input, then drains at most `max_frames` frames. `wake_fd` (may
  // be -1) is polled too; `woke` reports whether it was readable (the caller clears it).
  void Poll(int timeout_ms, int wake_fd, size_t max_frames, std::vector<InboundFrame>& frames,
            std::vector<LinkEvent>& events, bool& woke) override;

  // Errc::kBackpressure when the peer's queue is full, Errc::kUnavailable when the link is down.
  Status SendToPeer(const std::string& peer_id, ByteView frame) override;
  // Sends on the listener to the connection `routing_id`; kUnavailable if it is gone.
  Status Reply(const std::string& routing_id, ByteView frame) override;

  // Up when dialled and connected, or when the member connected in (its last frame's routing id).
  bool IsUp(const std::string& peer_id) const override;
  uint64_t unauthenticated_dropped() const override { return m_unauthenticated_dropped; }

 private:
  struct PeerLink {
    std::string id;
    std::unique_ptr<zmq::socket_t> dealer;
    std::unique_ptr<zmq::socket_t> monitor;
    bool up = false;
  };
  void ConfigureCommon(zmq::socket_t& socket);
  void DrainListener(size_t max_frames, std::vector<InboundFrame>& frames, std::vector<LinkEvent>& events);
  void DrainPeer(PeerLink& link, size_t max_frames, std::vector<InboundFrame>& frames);
  void DrainMonitor(PeerLink& link, std::vector<LinkEvent>& events);

  zmq::context_t& m_context;
  const crypto::Identity& m_identity;
  LinkLimits m_limits;
  std::unique_ptr<zmq::socket_t> m_listener;
  std::map<std::string, PeerLink> m_peers;
  std::map<std::string, std::string> m_inbound;  // member id -> routing id of its connection to our listener
  uint64_t m_unauthenticated_dropped = 0;
  LogLimiter m_log_limiter;
};

}  // namespace tracenet::transport
