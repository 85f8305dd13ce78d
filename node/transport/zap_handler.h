// ZeroMQ Authentication Protocol (RFC 27) handler for CurveZMQ links. libzmq accepts every
// CURVE client when no handler answers, so the node starts this before binding anything and the
// link layer also drops any message that arrives without the User-Id this handler assigns
// (fail closed twice). Admission asks a callback, so the allowed keys can change at run time.
// Thread-safety: runs its own thread; the callback is called from it.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <zmq.hpp>

#include "node/common/log_limiter.h"
#include "node/crypto/secret.h"

namespace tracenet::transport {

// Returns the member id to admit the key as, or nullopt to refuse it.
using AdmitFn = std::function<std::optional<std::string>(const crypto::PublicKey32& client_key)>;

class ZapHandler {
 public:
  ZapHandler(zmq::context_t& context, AdmitFn admit);
  ~ZapHandler();
  ZapHandler(const ZapHandler&) = delete;
  ZapHandler& operator=(const ZapHandler&) = delete;

  uint64_t admitted() const { return m_admitted; }
  uint64_t refused() const { return m_refused; }

 private:
  void Run();
  AdmitFn m_admit;
  zmq::socket_t m_socket;
  std::atomic<bool> m_stop{false};
  std::atomic<uint64_t> m_admitted{0};
  std::atomic<uint64_t> m_refused{0};
  LogLimiter m_log_limiter;
  std::thread m_thread;
};

}  // namespace tracenet::transport
