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
// broken pipe; a body announced larger than this is not waited for (the connection is closed).
constexpr uint64_t kDrainAtMostBytes = 64ull << 20;

// One request in progress: found at its headers, its body gathered, then answered.
struct Exchange {
  Request request;
  const Route* route = nullptr;
  bool answered = false;               // a response was queued already
  std::optional<Response> refusal;     // decided at the headers; sent after the body is dropped
  bool too_large = false;
};

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

struct ServerCallbacks {
  static MHD_Result OnRequest(void* self_ptr, MHD_Connection* connection, const char* url, const char* method,
                              const char*, const char* upload_data, size_t* upload_data_size, void** state) {
    auto& self = *static_cast<HttpServer*>(self_ptr);
    if (*state == nullptr) {  // the headers are in; nothing of the body has been read
      auto exchange = std::make_unique<Exchange>();
      Request& req = exchange->request;
      req.method = method;
      req.path = url;
      MHD_get_connection_values(connection, MHD_HEADER_KIND, CollectHeader, &req.headers);
      MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, CollectParam, &req.params);
      Response refusal;
      exchange->route = self.m_routes.Find(req.method, req.path, req.matches);
      bool refused = false;
      if (!exchange->route) {
        self.m_hooks.refuse(self.m_routes.HasPath(req.path) ? 405 : 404, req, refusal);
        refused = true;
      } else if (!self.m_hooks.gate(req, *exchange->route, refusal)) {
        refused = true;
      } else {
        std::string length = req.get_header_value("Content-Length");
        if (!length.empty() && (length.size() > 15 || std::strtoull(length.c_str(), nullptr, 10) > exchange->route->max_body)) {
          self.m_hooks.refuse(413, req, refusal);
          refused = true;
        }
      }
      if (!refused) {  // a body of announced size is read into one buffer, not grown by doubling
        uint64_t announced = std::strtoull(exchange->request.get_header_value("Content-Length").c_str(), nullptr, 10);
        if (announced > 0 && announced <= exchange->route->max_body) exchange->request.body.reserve(announced);
      }
      Exchange* raw = exchange.release();
      *state = raw;
      if (refused) {
        std::string length = raw->request.get_header_value("Content-Length");
        uint64_t announced = length.size() > 15 ? UINT64_MAX : std::strtoull(length.c_str(), nullptr, 10);
        bool body_coming = announced > 0 || raw->request.has_header("Transfer-Encoding");
        if (body_coming && announced <= kDrainAtMostBytes) {
          raw->refusal = std::move(refusal);  // answered after the body, which is dropped unread
          return MHD_YES;
        }
        raw->answered = true;
        return HttpServer::Send(connection, refusal) ? MHD_YES : MHD_NO;
      }
      return MHD_YES;
    }
    auto& exchange = *static_cast<Exchange*>(*state);
    if (*upload_data_size > 0) {  // a piece of the body
      if (!exchange.answered && !exchange.too_large && !exchange.refusal) {
        if (exchange.request.body.size() + *upload_data_size > exchange.route->max_body) {
          exchange.too_large = true;
          exchange.request.body.clear();
          exchange.request.body.shrink_to_fit();
        } else {
          exchange.request.body.append(upload_data, *upload_data_size);
        }
      }
      *upload_data_size = 0;
      return MHD_YES;
    }
    if (exchange.answered) return MHD_YES;
    exchange.answered = true;
    Response response;
    if (exchange.refusal) response = std::move(*exchange.refusal);
    else if (exchange.too_large) self.m_hooks.refuse(413, exchange.request, response);
    else self.Serve(exchange.request, *exchange.route, response);
    return HttpServer::Send(connection, response) ? MHD_YES : MHD_NO;
  }

  static void OnCompleted(void*, MHD_Connection*, void** state, MHD_RequestTerminationCode) {
    delete static_cast<Exchange*>(*state);
    *state = nullptr;
  }
};

HttpServer::HttpServer(const RouteTable& routes, ServerHooks hooks, ServerLimits limits)
    : m_routes(routes), m_hooks(std::move(hooks)), m_limits(limits) {}

HttpServer::~HttpServer() { Stop(); }

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

unsigned HttpServer::connections() const {
  if (!m_daemon) return 0;
  const MHD_DaemonInfo* info = MHD_get_daemon_info(m_daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
  return info ? info->num_connections : 0;
}

}  // namespace tracenet::api::http
