// A member's link driven by a test, speaking for a node that is laid out but not started: a
// CurveZMQ DEALER with that member's keys, sending frames one at a time and reading the hop
// ack (bounded wait). What a hostile member with valid keys can do, a test can do with it.
#pragma once

#include <chrono>
#include <optional>
#include <zmq.hpp>

#include "node/crypto/identity.h"
#include "node/protocol/link_frame.h"

namespace tracenet::e2e {

// A peer link driven by the test: CurveZMQ client with the given keys.
class TestPeer {
 public:
  TestPeer(const std::string& endpoint, const crypto::Identity& self, const crypto::PublicKey32& server_key)
      : m_socket(m_context, zmq::socket_type::dealer) {
    m_socket.set(zmq::sockopt::linger, 0);
    m_socket.set(zmq::sockopt::curve_serverkey, zmq::const_buffer(server_key.data(), 32));
    m_socket.set(zmq::sockopt::curve_publickey, zmq::const_buffer(self.pub.transport_public.data(), 32));
    m_socket.set(zmq::sockopt::curve_secretkey, zmq::const_buffer(self.transport_secret.data(), 32));
    m_socket.connect(endpoint);
  }
  // Sends one frame and returns the first frame that comes back (bounded wait).
  std::optional<Bytes> Roundtrip(ByteView frame, int timeout_ms = 5000) {
    m_socket.send(zmq::buffer(frame.data(), frame.size()), zmq::send_flags::none);
    return Receive(timeout_ms);
  }
  // The next frame the node sends on this link, if one comes within `timeout_ms`.
  std::optional<Bytes> Receive(int timeout_ms = 5000) {
    zmq::pollitem_t item{m_socket.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, std::chrono::milliseconds(timeout_ms)) <= 0) return std::nullopt;
    zmq::message_t reply;
    (void)m_socket.recv(reply);
    const auto* data = static_cast<const uint8_t*>(reply.data());
    return Bytes(data, data + reply.size());
  }
  // Sends one frame and waits (bounded) for the hop ack.
  std::optional<protocol::HopAckFrame> Exchange(ByteView frame, int timeout_ms = 5000) {
    auto reply = Roundtrip(frame, timeout_ms);
    if (!reply) return std::nullopt;
    auto decoded = protocol::DecodeLinkFrame(*reply, 1 << 20);
    if (!decoded || !std::holds_alternative<protocol::HopAckFrame>(*decoded)) return std::nullopt;
    return std::get<protocol::HopAckFrame>(*decoded);
  }
  std::optional<protocol::HopAckFrame> Deliver(ByteView envelope) { return Exchange(protocol::EncodeDeliver(envelope)); }

 private:
  zmq::context_t m_context;
  zmq::socket_t m_socket;
};

}  // namespace tracenet::e2e
