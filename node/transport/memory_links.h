// Links in memory, for running a whole node in one process: a test or a fuzzer hands the node
// frames "from" members and reads back what the node sent, with no sockets, no threads and no
// waiting (Poll never blocks). Link state changes only when the driver says so.
// Thread-safety: not thread-safe; the node loop and its driver take turns on one thread.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "node/transport/frame_links.h"

namespace tracenet::transport {

class MemoryLinks final : public FrameLinks {
 public:
  struct Sent {
    std::string peer;  // the member it went to
    bool via_listener = false;
    Bytes frame;
  };

  // A frame from `member`: over its own connection to this node's listener (it dialled in; the
  // first one brings its link up, as a real listener would), or over the link this node dialled.
  void Inject(const std::string& member, ByteView frame, bool via_listener = true);
  // Brings a dialled link up or down, as the handshake or a disconnect would.
  void SetUp(const std::string& peer, bool up);
  // Everything the node sent since the last call, in order.
  std::vector<Sent> TakeSent();
  size_t waiting() const { return m_inbound.size(); }

  Result<std::string> Listen(const std::string& endpoint) override;
  void AddPeer(const std::string& peer_id, const std::string& endpoint, const crypto::PublicKey32& server_key) override;
  void RemovePeer(const std::string& peer_id) override;
  void Poll(int timeout_ms, int wake_fd, size_t max_frames, std::vector<InboundFrame>& frames,
            std::vector<LinkEvent>& events, bool& woke) override;
  Status SendToPeer(const std::string& peer_id, ByteView frame) override;
  Status Reply(const std::string& routing_id, ByteView frame) override;
  bool IsUp(const std::string& peer_id) const override;

 private:
  std::deque<InboundFrame> m_inbound;
  std::vector<LinkEvent> m_events;
  std::vector<Sent> m_sent;
  std::map<std::string, bool> m_dialled;  // peer -> up
  std::set<std::string> m_connected_in;   // members with a connection to the listener
};

}  // namespace tracenet::transport
