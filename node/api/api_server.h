// The node's local control plane: an HTTP JSON API on loopback. Every call except /healthz
// needs "Authorization: Bearer <token>", the token kept in a mode-0600 file created at the
// node's first start. The CLI is a client of this API.
// Thread-safety: serves on its own threads; calls into Node's thread-safe methods only.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "node/common/result.h"
#include "node/runtime/node.h"

namespace httplib {
class Server;
}

namespace tracenet::api {

// Reads the token file, creating it with a fresh random token (mode 0600) when absent.
Result<std::string> LoadOrCreateToken(const std::string& path);

class ApiServer {
 public:
  ApiServer(runtime::Node& node, std::string token);
  ~ApiServer();
  // Binds host:port (port 0 picks one) and serves in the background; returns the bound port.
  Result<int> Start(const std::string& listen);
  void Stop();

 private:
  void Routes();
  void StolenRoutes();  // /v1/stolen/..., in stolen_routes.cpp
  void OpsRoutes();     // /readyz and /metrics, in metrics_routes.cpp
  void ReviewRoutes();  // /v1/inbox and /v1/traces/{id}/review, in review_routes.cpp
  runtime::Node& m_node;
  std::string m_token;
  std::unique_ptr<httplib::Server> m_server;
  std::thread m_thread;
};

}  // namespace tracenet::api
