// The node's local control plane: an HTTP JSON API on loopback. Every call except /healthz and
// /readyz needs "Authorization: Bearer <token>": the operator's token, kept in a mode-0600 file
// created at the node's first start, or a local user's (node/users), and the permission its
// route names in the route table must be one the user's role grants. The CLI is a client.
// Thread-safety: serves on its own threads; calls into Node's thread-safe methods only.
#pragma once

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "node/api/http_server.h"
#include "node/api/request_rate_limiter.h"
#include "node/api/route_table.h"
#include "node/common/result.h"
#include "node/runtime/node.h"


namespace tracenet::api {

// True for the web console's paths, which are served without a token.
bool IsConsolePath(const std::string& path);

// Reads the token file, creating it with a fresh random token (mode 0600) when absent.
Result<std::string> LoadOrCreateToken(const std::string& path);

class ApiServer {
 public:
  ApiServer(runtime::Node& node, std::string token);
  ~ApiServer();
  // Binds host:port (port 0 picks one) and serves in the background; returns the bound port.
  Result<int> Start(const std::string& listen);
  void Stop();
  // Every route served, with the permission it needs (what the permission test walks).
  const http::RouteTable& routes() const { return m_routes; }

  // The user the current request was authenticated as ("operator" for the node's own token
  // file). Set by the check every request passes before its handler, on the handler's thread.
  static const std::string& CurrentUser();
  static users::Role CurrentRole();  // the role of CurrentUser()

 private:
  void Routes();
  void StolenRoutes();  // /v1/stolen/..., in stolen_routes.cpp
  void OpsRoutes();     // /readyz and /metrics, in metrics_routes.cpp
  void ReviewRoutes();  // /v1/inbox and /v1/traces/{id}/review, in review_routes.cpp
  void UserRoutes();    // /v1/users, in user_routes.cpp
  void SummaryRoutes();   // /v1/traces/summary, in case_summary_routes.cpp
  void FollowUpRoutes();  // cancel and clarification, in follow_up_routes.cpp
  void ConsoleRoutes();  // the web console's files, in console_routes.cpp
  void AuditRoutes();    // /v1/audit/..., in audit_routes.cpp
  void ProofRoutes();    // /v1/traces/{id}/proof, in proof_routes.cpp
  // Adds a route; `permission` none: served without a token (health, readiness, the console).
  void Get(const std::string& pattern, std::optional<users::Permission> permission, http::Handler handler);
  // A POST route whose JSON body is checked before `handler` sees it: its size (MaxBodyFor) before
  // it is read, its nesting depth (json_limits.h) before it is parsed.
  void Post(const std::string& pattern, users::Permission permission, http::Handler handler);
  // From the headers alone: host, origin, token, rate and the route's permission; false after
  // answering the request with the refusal.
  bool Admit(const http::Request& req, const http::Route& route, http::Response& res);
  runtime::Node& m_node;
  std::string m_token;
  // Host header values this API answers to (its own address, written once in Start as soon as
  // the port is bound; requests before that are asked to retry): anything else is refused, so a web page that rebinds a DNS name to
  // 127.0.0.1 cannot reach the API through the user's browser.
  std::set<std::string> m_allowed_hosts;
  std::atomic<bool> m_hosts_known{false};  // set once m_allowed_hosts holds the bound port
  RequestRateLimiter m_rate_limiter;
  http::RouteTable m_routes;
  std::unique_ptr<http::HttpServer> m_server;
};

}  // namespace tracenet::api
