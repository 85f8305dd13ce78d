#include "node/transport/memory_links.h"

#include <poll.h>

namespace tracenet::transport {

namespace {
// The listener names a connection by routing id; in memory, one connection per member.
std::string RoutingIdOf(const std::string& member) { return "mem:" + member; }
}  // namespace

void MemoryLinks::Inject(const std::string& member, ByteView frame, bool via_listener) {
  InboundFrame f;
  f.from_listener = via_listener;
  f.member = member;
  if (via_listener) {
    f.routing_id = RoutingIdOf(member);
    if (m_connected_in.insert(member).second && !m_dialled.count(member)) m_events.push_back({member, LinkEventKind::kUp});
  }
  f.data = zmq::message_t(frame.data(), frame.size());
  m_inbound.push_back(std::move(f));
}

void MemoryLinks::SetUp(const std::string& peer, bool up) {
  auto it = m_dialled.find(peer);
  if (it == m_dialled.end() || it->second == up) return;
  it->second = up;
  m_events.push_back({peer, up ? LinkEventKind::kUp : LinkEventKind::kDown});
}

std::vector<MemoryLinks::Sent> MemoryLinks::TakeSent() {
  std::vector<Sent> out;
  out.swap(m_sent);
  return out;
}

Result<std::string> MemoryLinks::Listen(const std::string& endpoint) { return "memory:" + endpoint; }

void MemoryLinks::AddPeer(const std::string& peer_id, const std::string&, const crypto::PublicKey32&) {
  m_dialled.try_emplace(peer_id, false);
}

void MemoryLinks::RemovePeer(const std::string& peer_id) { m_dialled.erase(peer_id); }

void MemoryLinks::Poll(int, int wake_fd, size_t max_frames, std::vector<InboundFrame>& frames,
                       std::vector<LinkEvent>& events, bool& woke) {
  woke = false;
  if (wake_fd >= 0) {
    pollfd p{wake_fd, POLLIN, 0};
    woke = ::poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
  }
  for (LinkEvent& e : m_events) events.push_back(std::move(e));
  m_events.clear();
  while (!m_inbound.empty() && frames.size() < max_frames) {
    frames.push_back(std::move(m_inbound.front()));
    m_inbound.pop_front();
  }
}

Status MemoryLinks::SendToPeer(const std::string& peer_id, ByteView frame) {
  auto dialled = m_dialled.find(peer_id);
  bool up = dialled != m_dialled.end() ? dialled->second : m_connected_in.count(peer_id) > 0;
  if (!up) return MakeError(Errc::kUnavailable, "link to " + peer_id + " is down");
  m_sent.push_back({peer_id, dialled == m_dialled.end(), Bytes(frame.begin(), frame.end())});
  return Status::Ok();
}

Status MemoryLinks::Reply(const std::string& routing_id, ByteView frame) {
  const std::string prefix = "mem:";
  std::string member = routing_id.rfind(prefix, 0) == 0 ? routing_id.substr(prefix.size()) : "";
  if (!m_connected_in.count(member)) return MakeError(Errc::kUnavailable, "no connection " + routing_id);
  m_sent.push_back({member, true, Bytes(frame.begin(), frame.end())});
  return Status::Ok();
}

bool MemoryLinks::IsUp(const std::string& peer_id) const {
  auto dialled = m_dialled.find(peer_id);
  if (dialled != m_dialled.end()) return dialled->second;
  return m_connected_in.count(peer_id) > 0;
}

}  // namespace tracenet::transport
