#include "node/transport/zap_handler.h"

#include <spdlog/spdlog.h>

#include <cstring>
#include <vector>

#include "node/common/bytes.h"

namespace tracenet::transport {

ZapHandler::ZapHandler(zmq::context_t& context, AdmitFn admit)
    : m_admit(std::move(admit)), m_socket(context, zmq::socket_type::rep) {
  m_socket.set(zmq::sockopt::linger, 0);
  m_socket.set(zmq::sockopt::rcvtimeo, 100);  // lets the thread notice m_stop
  // Bound here, in the constructor, so it exists before any CURVE socket binds or connects.
  m_socket.bind("inproc://zeromq.zap.01");
  m_thread = std::thread([this] { Run(); });
}

ZapHandler::~ZapHandler() {
  m_stop = true;
  if (m_thread.joinable()) m_thread.join();
}

void ZapHandler::Run() {
  while (!m_stop) {
    std::vector<zmq::message_t> request;
    zmq::recv_result_t first;
    try {
      zmq::message_t part;
      first = m_socket.recv(part);
      if (!first) continue;
      request.push_back(std::move(part));
      while (request.back().more()) {
        zmq::message_t next;
        if (!m_socket.recv(next)) break;
        request.push_back(std::move(next));
      }
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) return;
      continue;
    }
    // version, request id, domain, address, identity, mechanism, credentials...
    std::string version = request.size() > 0 ? request[0].to_string() : "";
    std::string request_id = request.size() > 1 ? request[1].to_string() : "";
    std::string address = request.size() > 3 ? request[3].to_string() : "";
    std::string mechanism = request.size() > 5 ? request[5].to_string() : "";
    std::optional<std::string> member;
    if (version == "1.0" && mechanism == "CURVE" && request.size() >= 7 && request[6].size() == 32) {
      crypto::PublicKey32 key;
      std::memcpy(key.data(), request[6].data(), 32);
      member = m_admit(key);
      if (!member)
        m_log_limiter.Warn("zap_refused", "event=zap_refused peer_address={} client_key={} reason=\"transport key is not a configured peer\"",
                     address, ToHex(key).substr(0, 16));
    } else {
      m_log_limiter.Warn("zap_refused", "event=zap_refused peer_address={} reason=\"mechanism {} is not CURVE\"", address, mechanism);
    }
    (member ? m_admitted : m_refused)++;
    try {
      m_socket.send(zmq::buffer(std::string("1.0")), zmq::send_flags::sndmore);
      m_socket.send(zmq::buffer(request_id), zmq::send_flags::sndmore);
      m_socket.send(zmq::buffer(std::string(member ? "200" : "400")), zmq::send_flags::sndmore);
      m_socket.send(zmq::buffer(std::string(member ? "OK" : "unknown transport key")), zmq::send_flags::sndmore);
      m_socket.send(zmq::buffer(member.value_or("")), zmq::send_flags::sndmore);
      m_socket.send(zmq::message_t(), zmq::send_flags::none);
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) return;
    }
  }
}

}  // namespace tracenet::transport
