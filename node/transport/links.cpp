#include "node/transport/links.h"

#include <atomic>

#include <spdlog/spdlog.h>

#include <cstring>

namespace tracenet::transport {

namespace {
constexpr int kZapDomainOption = 93;  // ZMQ_ZAP_ENFORCE_DOMAIN (draft API; set when available)

void SetCurveKey(zmq::socket_t& s, int option, const crypto::PublicKey32& key) {
  // The option is chosen at run time, so cppzmq's typed sockopt::* cannot name it.
  if (zmq_setsockopt(s.handle(), option, key.data(), key.size()) != 0) throw zmq::error_t();
}
}  // namespace

Links::Links(zmq::context_t& context, const crypto::Identity& identity, LinkLimits limits)
    : m_context(context), m_identity(identity), m_limits(limits) {}

Links::~Links() {
  // Sockets close before the context (cppzmq blocks on context close with open sockets).
  for (auto& [id, link] : m_peers) {
    if (link.dealer) zmq_socket_monitor(link.dealer->handle(), nullptr, 0);
    link.monitor.reset();
    link.dealer.reset();
  }
  m_listener.reset();
}

void Links::ConfigureCommon(zmq::socket_t& s) {
  s.set(zmq::sockopt::linger, 0);
  s.set(zmq::sockopt::sndhwm, m_limits.send_high_water);
  s.set(zmq::sockopt::rcvhwm, m_limits.receive_high_water);
  s.set(zmq::sockopt::maxmsgsize, m_limits.max_message_bytes);
  s.set(zmq::sockopt::handshake_ivl, m_limits.handshake_ms);
}

Result<std::string> Links::Listen(const std::string& endpoint) {
  m_listener = std::make_unique<zmq::socket_t>(m_context, zmq::socket_type::router);
  zmq::socket_t& s = *m_listener;
  ConfigureCommon(s);
  s.set(zmq::sockopt::router_mandatory, 1);
  s.set(zmq::sockopt::curve_server, 1);
  s.set(zmq::sockopt::curve_secretkey, zmq::const_buffer(m_identity.transport_secret.data(), 32));
  s.set(zmq::sockopt::zap_domain, "tracenet");
  int enforce = 1;
  zmq_setsockopt(s.handle(), kZapDomainOption, &enforce, sizeof enforce);  // ignored if absent
  try {
    s.bind(endpoint);
  } catch (const zmq::error_t& e) {
    return MakeError(Errc::kConfig, "cannot listen on " + endpoint + ": " + e.what());
  }
  return s.get(zmq::sockopt::last_endpoint);
}

void Links::AddPeer(const std::string& peer_id, const std::string& endpoint,
                    const crypto::PublicKey32& server_key) {
  PeerLink link;
  link.id = peer_id;
  link.dealer = std::make_unique<zmq::socket_t>(m_context, zmq::socket_type::dealer);
  zmq::socket_t& s = *link.dealer;
  ConfigureCommon(s);
  s.set(zmq::sockopt::immediate, 1);  // queue nothing on a link that is not up
  s.set(zmq::sockopt::reconnect_ivl, m_limits.reconnect_ms);
  s.set(zmq::sockopt::reconnect_ivl_max, m_limits.reconnect_max_ms);
  SetCurveKey(s, ZMQ_CURVE_SERVERKEY, server_key);
  SetCurveKey(s, ZMQ_CURVE_PUBLICKEY, m_identity.pub.transport_public);
  s.set(zmq::sockopt::curve_secretkey, zmq::const_buffer(m_identity.transport_secret.data(), 32));
  // inproc names are per ZeroMQ context, which several Links may share: number them process-wide.
  static std::atomic<uint64_t> monitors{0};
  std::string monitor_endpoint = "inproc://tracenet-monitor-" + std::to_string(++monitors);
  zmq_socket_monitor(s.handle(), monitor_endpoint.c_str(),
                     ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED |
                         ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                         ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL);
  link.monitor = std::make_unique<zmq::socket_t>(m_context, zmq::socket_type::pair);
  link.monitor->set(zmq::sockopt::linger, 0);
  link.monitor->connect(monitor_endpoint);
  s.connect(endpoint);
  m_peers[peer_id] = std::move(link);
}

void Links::RemovePeer(const std::string& peer_id) {
  auto it = m_peers.find(peer_id);
  if (it == m_peers.end()) return;
  it->second.dealer->set(zmq::sockopt::linger, 0);
  m_peers.erase(it);
}

void Links::Poll(int timeout_ms, int wake_fd, size_t max_frames, std::vector<InboundFrame>& frames,
                 std::vector<LinkEvent>& events, bool& woke) {
  std::vector<zmq::pollitem_t> items;
  std::vector<PeerLink*> order;
  if (m_listener) items.push_back({m_listener->handle(), 0, ZMQ_POLLIN, 0});
  for (auto& [id, link] : m_peers) {
    items.push_back({link.dealer->handle(), 0, ZMQ_POLLIN, 0});
    items.push_back({link.monitor->handle(), 0, ZMQ_POLLIN, 0});
    order.push_back(&link);
  }
  if (wake_fd >= 0) items.push_back({nullptr, wake_fd, ZMQ_POLLIN, 0});
  woke = false;
  try {
    zmq::poll(items.data(), items.size(), std::chrono::milliseconds(timeout_ms));
  } catch (const zmq::error_t& e) {
    if (e.num() != EINTR) spdlog::error("event=poll_failed reason=\"{}\"", e.what());
    return;
  }
  size_t i = 0;
  if (m_listener && (items[i++].revents & ZMQ_POLLIN)) DrainListener(max_frames, frames, events);
  for (PeerLink* link : order) {
    if (items[i++].revents & ZMQ_POLLIN) DrainPeer(*link, max_frames, frames);
    if (items[i++].revents & ZMQ_POLLIN) DrainMonitor(*link, events);
  }
  if (wake_fd >= 0 && (items[i].revents & ZMQ_POLLIN)) woke = true;
}

void Links::DrainListener(size_t max_frames, std::vector<InboundFrame>& frames, std::vector<LinkEvent>& events) {
  while (frames.size() < max_frames) {
    zmq::message_t routing, data;
    if (!m_listener->recv(routing, zmq::recv_flags::dontwait)) return;
    if (!routing.more()) continue;
    (void)m_listener->recv(data, zmq::recv_flags::none);
    while (data.more()) {  // a peer sent extra parts: drop them, keep the first
      zmq::message_t extra;
      (void)m_listener->recv(extra, zmq::recv_flags::none);
    }
    const char* user_id = zmq_msg_gets(data.handle(), "User-Id");
    if (!user_id || !*user_id) {
      // Only reachable if ZAP did not run for this connection: never trust it.
      ++m_unauthenticated_dropped;
      m_log_limiter.Warn("unauthenticated", "event=unauthenticated_frame_dropped reason=\"connection has no ZAP identity\"");
      continue;
    }
    InboundFrame f;
    f.from_listener = true;
    f.routing_id = routing.to_string();
    f.member = user_id;
    // A member that connected in can be sent to over this connection (outbound-only members).
    auto [known, inserted] = m_inbound.try_emplace(f.member, f.routing_id);
    if (inserted || known->second != f.routing_id) {
      known->second = f.routing_id;
      if (!m_peers.count(f.member)) events.push_back({f.member, LinkEventKind::kUp});
    }
    f.data = std::move(data);
    frames.push_back(std::move(f));
  }
}

void Links::DrainPeer(PeerLink& link, size_t max_frames, std::vector<InboundFrame>& frames) {
  while (frames.size() < max_frames) {
    zmq::message_t data;
    if (!link.dealer->recv(data, zmq::recv_flags::dontwait)) return;
    while (data.more()) {
      zmq::message_t extra;
      (void)link.dealer->recv(extra, zmq::recv_flags::none);
    }
    InboundFrame f;
    f.member = link.id;  // the server proved the key we dialled, so it is this peer
    f.data = std::move(data);
    frames.push_back(std::move(f));
  }
}

void Links::DrainMonitor(PeerLink& link, std::vector<LinkEvent>& events) {
  for (;;) {
    zmq::message_t event_frame, address_frame;
    if (!link.monitor->recv(event_frame, zmq::recv_flags::dontwait)) return;
    if (event_frame.more()) (void)link.monitor->recv(address_frame, zmq::recv_flags::none);
    if (event_frame.size() < 2) continue;
    uint16_t event;
    std::memcpy(&event, event_frame.data(), 2);
    if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
      link.up = true;
      events.push_back({link.id, LinkEventKind::kUp});
    } else if (event == ZMQ_EVENT_DISCONNECTED) {
      if (link.up) events.push_back({link.id, LinkEventKind::kDown});
      link.up = false;
    } else {
      link.up = false;
      events.push_back({link.id, LinkEventKind::kAuthRefused});
    }
  }
}

Status Links::SendToPeer(const std::string& peer_id, ByteView frame) {
  auto it = m_peers.find(peer_id);
  if (it == m_peers.end()) {
    auto inbound = m_inbound.find(peer_id);
    if (inbound == m_inbound.end()) return MakeError(Errc::kUnavailable, "no link to " + peer_id);
    Status sent = Reply(inbound->second, frame);
    if (!sent && sent.error().code == Errc::kUnavailable) m_inbound.erase(inbound);  // it went away
    return sent;
  }
  if (!it->second.up) return MakeError(Errc::kUnavailable, "link to " + peer_id + " is down");
  try {
    if (!it->second.dealer->send(zmq::buffer(frame.data(), frame.size()), zmq::send_flags::dontwait))
      return MakeError(Errc::kBackpressure, "send queue to " + peer_id + " is full");
  } catch (const zmq::error_t& e) {
    return MakeError(Errc::kUnavailable, "send to " + peer_id + " failed: " + e.what());
  }
  return Status::Ok();
}

Status Links::Reply(const std::string& routing_id, ByteView frame) {
  if (!m_listener) return MakeError(Errc::kUnavailable, "no listener");
  try {
    if (!m_listener->send(zmq::buffer(routing_id), zmq::send_flags::sndmore | zmq::send_flags::dontwait))
      return MakeError(Errc::kBackpressure, "reply queue is full");
    m_listener->send(zmq::buffer(frame.data(), frame.size()), zmq::send_flags::dontwait);
  } catch (const zmq::error_t& e) {
    return MakeError(Errc::kUnavailable, std::string("reply failed: ") + e.what());
  }
  return Status::Ok();
}

bool Links::IsUp(const std::string& peer_id) const {
  auto it = m_peers.find(peer_id);
  if (it != m_peers.end()) return it->second.up;
  return m_inbound.count(peer_id) > 0;
}

}  // namespace tracenet::transport
