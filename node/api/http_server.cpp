#include "node/api/http_server.h"

#include <microhttpd.h>
#include <netdb.h>
#include <spdlog/spdlog.h>

#include <cstdarg>
#include <cstring>
#include <memory>
#include <optional>

namespace tracenet::api::http {

namespace {

// A request refused at its headers is answered once its body has been read and dropped, so a
// client that writes the whole body before reading (most do) sees the refusal rather than a
// broken pipe; past this many bytes (announced or sent) the connection is closed instead.
constexpr uint64_t kDrainAtMostBytes = 16ull << 20;

std::string Lower(const char* s) {
  std::string out(s ? s : "");
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

MHD_Result CollectHeader(void* into, MHD_ValueKind, const char* key, const char* value) {
  auto& headers = *static_cast<std::map<std::string, std::string>*>(into);
  headers.emplace(Lower(key), value ? value : "");  // emplace: the first of repeated ones stays
  return MHD_YES;
}

MHD_Result CollectParam(void* into, MHD_ValueKind, const char* key, const char* value) {
  auto& params = *static_cast<std::map<std::string, std::string>*>(into);
  params.emplace(key ? key : "", value ? value : "");
  return MHD_YES;
}

void LogFromLibrary(void*, const char* format, va_list args) {
  char line[512];
  std::vsnprintf(line, sizeof line, format, args);
  size_t n = std::strlen(line);
  while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
  spdlog::debug("event=api_http reason=\"{}\"", line);
}

}  // namespace

// One request in progress: found at its headers, its body gathered, then answered.
struct Exchange {
  Request request;
  const Route* route = nullptr;
  bool answered = false;            // a response was queued already
  std::optional<Response> refusal;  // decided at the headers or while reading; sent after the body
  uint64_t dropped = 0;             // body bytes read and dropped (refused requests)
  size_t held = 0;                  // body bytes counted in the server's in-flight total
};

struct ServerCallbacks {
  static MHD_Result OnRequest(void* self_ptr, MHD_Connection* connection, const char* url, const char* method,
                              const char*, const char* upload_data, size_t* upload_data_size, void** state) {
    auto& self = *static_cast<HttpServer*>(self_ptr);
    if (*state == nullptr) return OnHeaders(self, connection, url, method, state);
    auto& exchange = *static_cast<Exchange*>(*state);
    if (*upload_data_size > 0) {  // a piece of the body
      size_t n = *upload_data_size;
      *upload_data_size = 0;
      if (exchange.answered) return MHD_YES;
      if (exchange.refusal) {
        exchange.dropped += n;
        return exchange.dropped > kDrainAtMostBytes ? MHD_NO : MHD_YES;  // MHD_NO closes the connection
      }
      if (exchange.request.body.size() + n > exchange.route->max_body) {
        exchange.refusal.emplace();
        self.m_hooks.refuse(413, exchange.request, *exchange.refusal);
      } else if (!self.Hold(exchange, exchange.request.body.size() + n)) {
        exchange.refusal.emplace();
        self.m_hooks.refuse(503, exchange.request, *exchange.refusal);
      } else {
        exchange.request.body.append(upload_data, n);
        return MHD_YES;
      }
      exchange.request.body.clear();
      exchange.request.body.shrink_to_fit();
      self.Release(exchange);
      return MHD_YES;
    }
    if (exchange.answered) return MHD_YES;
    exchange.answered = true;
    Response response;
    if (exchange.refusal) response = std::move(*exchange.refusal);
    else self.Serve(exchange.request, *exchange.route, response);
    return HttpServer::Send(connection, response) ? MHD_YES : MHD_NO;
  }

  // The headers are in; nothing of the body has been read. Finds the route, runs the gate and
  // checks the announced size: a refusal is sent now, or after the body when one is coming.
  static MHD_Result OnHeaders(HttpServer& self, MHD_Connection* connection, const char* url, const char* method,
                              void** state) {
    auto exchange = std::make_unique<Exchange>();
    Request& req = exchange->request;
    req.method = method;
    req.path = url;
    MHD_get_connection_values(connection, MHD_HEADER_KIND, CollectHeader, &req.headers);
    MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, CollectParam, &req.params);
    std::string length = req.get_header_value("Content-Length");
    const uint64_t announced = length.size() > 15 ? UINT64_MAX : std::strtoull(length.c_str(), nullptr, 10);
    Response refusal;
    bool refused = true;
    if (req.path.size() > self.m_limits.max_path_bytes) {
      req.path.resize(64);  // enough to name it in a log; never matched against a route
      self.m_hooks.refuse(414, req, refusal);
    } else if (!(exchange->route = self.m_routes.Find(req.method, req.path, req.matches))) {
      self.m_hooks.refuse(self.m_routes.HasPath(req.path) ? 405 : 404, req, refusal);
    } else if (!self.m_hooks.gate(req, *exchange->route, refusal)) {
      // refused by the gate: `refusal` says why
    } else if (announced > exchange->route->max_body) {
      self.m_hooks.refuse(413, req, refusal);
    } else if (announced > 0 && !self.Hold(*exchange, announced)) {
      self.m_hooks.refuse(503, req, refusal);
    } else {
      refused = false;
      if (announced > 0) req.body.reserve(announced);  // one buffer, not grown by doubling
    }
    Exchange* raw = exchange.release();
    *state = raw;
    if (!refused) return MHD_YES;
    bool body_coming = announced > 0 || raw->request.has_header("Transfer-Encoding");
    if (body_coming && announced <= kDrainAtMostBytes) {
      raw->refusal = std::move(refusal);  // answered after the body, which is dropped unread
      return MHD_YES;
    }
    raw->answered = true;
    return HttpServer::Send(connection, refusal) ? MHD_YES : MHD_NO;
  }

  static void OnCompleted(void* self_ptr, MHD_Connection*, void** state, MHD_RequestTerminationCode) {
    auto* exchange = static_cast<Exchange*>(*state);
    if (exchange) static_cast<HttpServer*>(self_ptr)->Release(*exchange);
    delete exchange;
    *state = nullptr;
  }
};

HttpServer::HttpServer(const RouteTable& routes, ServerHooks hooks, ServerLimits limits)
    : m_routes(routes), m_hooks(std::move(hooks)), m_limits(limits) {}

HttpServer::~HttpServer() { Stop(); }

bool HttpServer::Hold(Exchange& exchange, size_t bytes) {
  if (bytes <= exchange.held) return true;
  size_t more = bytes - exchange.held;
  size_t before = m_body_bytes.fetch_add(more);
  if (before + more > m_limits.body_bytes_in_flight && before > 0) {  // one body alone always fits
    m_body_bytes.fetch_sub(more);
    return false;
  }
  exchange.held = bytes;
  return true;
}

void HttpServer::Release(Exchange& exchange) {
  m_body_bytes.fetch_sub(exchange.held);
  exchange.held = 0;
}

void HttpServer::Serve(const Request& request, const Route& route, Response& response) const {
  try {
    route.handler(request, response);
  } catch (const std::exception& e) {
    response = Response();
    m_hooks.failed(request, e.what(), response);
  } catch (...) {
    response = Response();
    m_hooks.failed(request, "an exception of unknown type", response);
  }
}

bool HttpServer::Send(MHD_Connection* connection, const Response& r) {
  MHD_Response* response =
      MHD_create_response_from_buffer(r.body.size(), const_cast<char*>(r.body.data()), MHD_RESPMEM_MUST_COPY);
  if (!response) return false;
  if (!r.content_type.empty()) MHD_add_response_header(response, "Content-Type", r.content_type.c_str());
  for (const auto& [name, value] : r.headers) MHD_add_response_header(response, name.c_str(), value.c_str());
  MHD_Result queued = MHD_queue_response(connection, static_cast<unsigned>(r.status), response);
  MHD_destroy_response(response);
  return queued == MHD_YES;
}

Result<int> HttpServer::Start(const std::string& host, int port) {
  std::string name = host.size() > 2 && host.front() == '[' && host.back() == ']' ? host.substr(1, host.size() - 2) : host;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(name.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || !found)
    return MakeError(Errc::kConfig, "cannot resolve the API address " + host);
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, freeaddrinfo);
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL | MHD_USE_ERROR_LOG;
  if (found->ai_family == AF_INET6) flags |= MHD_USE_IPv6;
  m_daemon = MHD_start_daemon(
      flags, 0, nullptr, nullptr, &ServerCallbacks::OnRequest, this,
      MHD_OPTION_SOCK_ADDR, found->ai_addr,
      MHD_OPTION_CONNECTION_LIMIT, m_limits.max_connections,
      MHD_OPTION_CONNECTION_TIMEOUT, m_limits.idle_timeout_seconds,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, m_limits.header_bytes,
      MHD_OPTION_THREAD_STACK_SIZE, m_limits.thread_stack_bytes,
      MHD_OPTION_NOTIFY_COMPLETED, &ServerCallbacks::OnCompleted, this,
      MHD_OPTION_EXTERNAL_LOGGER, &LogFromLibrary, nullptr,
      MHD_OPTION_END);
  if (!m_daemon) return MakeError(Errc::kConfig, "cannot listen for the API on " + host + ":" + std::to_string(port));
  const MHD_DaemonInfo* info = MHD_get_daemon_info(m_daemon, MHD_DAEMON_INFO_BIND_PORT);
  return info ? static_cast<int>(info->port) : port;
}

void HttpServer::Stop() {
  if (m_daemon) MHD_stop_daemon(m_daemon);
  m_daemon = nullptr;
}

}  // namespace tracenet::api::http
