// The API's HTTP server, on GNU libmicrohttpd: chosen over cpp-httplib (Debian 12 ships 0.11.4)
// because httplib cannot bound what a client sends before the handler runs — it keeps any number
// of header lines (a header flood took ~400 MB) and serves from a fixed pool of threads that a
// few dozen slow clients could hold. libmicrohttpd bounds each connection's request line and
// headers (MHD_OPTION_CONNECTION_MEMORY_LIMIT: more is refused with 431), the number of
// connections, and their idle time, and here gives each connection its own thread, so a slow
// client holds one thread of its own and never one another client needs. What one local process
// can still do is hold every connection open by trickling bytes; the API belongs on loopback.
//
// Each request is matched to its route (route_table.h) and passed through the gate (host, token,
// permission, rate) as soon as its headers are in, before any body is read; a body larger than
// the route takes is refused as soon as that is known (Content-Length or while reading).
// Thread-safety: Start/Stop from one thread; handlers and the gate run on connection threads.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "node/api/route_table.h"
#include "node/common/result.h"

struct MHD_Daemon;
struct MHD_Connection;

namespace tracenet::api::http {

struct Exchange;  // a request in progress (http_server.cpp)

struct ServerLimits {
  unsigned max_connections = 512;      // at once; beyond that new ones are closed at accept
  size_t max_path_bytes = 1024;        // longer paths are refused (414) before any route is tried
  // Request bodies held in memory at once, over all connections: past it a request is asked to
  // retry (503), so 512 connections cannot each hold a large body.
  size_t body_bytes_in_flight = 32u << 20;
  unsigned idle_timeout_seconds = 10;  // a connection that sends nothing this long is closed
  size_t header_bytes = 32 * 1024;     // request line and headers of one request
  size_t thread_stack_bytes = 1024 * 1024;
};

struct ServerHooks {
  // After the headers, before the body: false when it answered the request itself (refused).
  std::function<bool(const Request&, const Route&, Response&)> gate;
  // The server's own refusals: 404 (no route), 405 (path served under another method),
  // 413 (body larger than the route takes), 414 (path too long), 503 (too many bodies at once).
  std::function<void(int status, const Request&, Response&)> refuse;
  // A handler threw: log it and answer.
  std::function<void(const Request&, const std::string& what, Response&)> failed;
};

class HttpServer {
 public:
  HttpServer(const RouteTable& routes, ServerHooks hooks, ServerLimits limits = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Listens on host:port (a loopback name or address; port 0 picks one); returns the bound port.
  Result<int> Start(const std::string& host, int port);
  void Stop();

 private:
  friend struct ServerCallbacks;  // libmicrohttpd's callbacks (http_server.cpp)
  // Counts `bytes` of the request's body in the in-flight total; false (nothing counted) if it
  // would go over. Release gives back what the request holds.
  bool Hold(Exchange& exchange, size_t bytes);
  void Release(Exchange& exchange);
  // Runs the route's handler; an exception becomes the `failed` hook's answer.
  void Serve(const Request& request, const Route& route, Response& response) const;
  // Sends `response`; false if libmicrohttpd could not take it.
  static bool Send(MHD_Connection* connection, const Response& response);

  const RouteTable& m_routes;
  ServerHooks m_hooks;
  ServerLimits m_limits;
  MHD_Daemon* m_daemon = nullptr;
  std::atomic<size_t> m_body_bytes{0};  // held by requests in progress (body_bytes_in_flight)
};

}  // namespace tracenet::api::http
