#include "node/api/api_client.h"

#include "node/common/json_text.h"

#include <httplib.h>

#include "node/common/file_util.h"

namespace tracenet::api {

ApiClient::ApiClient(std::string host, int port, std::string token)
    : m_host(std::move(host)), m_port(port), m_token(std::move(token)) {}

Result<ApiClient> ApiClient::FromConfig(const config::NodeConfig& config) {
  auto port_text = ReadFileBytes(config.api_port_file);
  if (!port_text)
    return MakeError(Errc::kUnavailable, "the node is not running (no API port file " + config.api_port_file + ")");
  int port = std::atoi(std::string(AsString(*port_text)).c_str());
  if (Status s = CheckSecretFileMode(config.api_token_file); !s) return s.error();
  auto token = ReadFileBytes(config.api_token_file);
  if (!token) return token.error();
  std::string t(AsString(*token));
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  return ApiClient("127.0.0.1", port, t);
}

Result<Json> ApiClient::Finish(int status, const std::string& body, const std::string& what) {
  Json parsed = Json::parse(body, nullptr, false);
  if (status >= 200 && status < 300 && !parsed.is_discarded()) return parsed;
  std::string message = "HTTP " + std::to_string(status);
  if (!parsed.is_discarded() && parsed.contains("error")) message = parsed["error"].value("message", message);
  Errc code = status == 404   ? Errc::kNotFound
              : status == 400 ? Errc::kInvalidArgument
              : status == 401 ? Errc::kUnauthenticated
              : status == 403 ? Errc::kForbidden
              : status == 409 ? Errc::kConflict
                              : Errc::kUnavailable;
  return MakeError(code, what + ": " + message);
}

Result<Json> ApiClient::Get(const std::string& path) {
  httplib::Client client(m_host, m_port);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(35, 0);
  client.set_tcp_nodelay(true);
  auto res = client.Get(path.c_str(), {{"Authorization", "Bearer " + m_token}});
  if (!res) return MakeError(Errc::kUnavailable, "cannot reach the node API on port " + std::to_string(m_port));
  return Finish(res->status, res->body, "GET " + path);
}

Result<std::string> ApiClient::GetText(const std::string& path, bool authorised) {
  httplib::Client client(m_host, m_port);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(35, 0);
  httplib::Headers headers;
  if (authorised) headers.emplace("Authorization", "Bearer " + m_token);
  auto res = client.Get(path.c_str(), headers);
  if (!res) return MakeError(Errc::kUnavailable, "cannot reach the node API on port " + std::to_string(m_port));
  if (res->status < 200 || res->status >= 300) return Finish(res->status, res->body, "GET " + path).error();
  return res->body;
}

Result<Json> ApiClient::Post(const std::string& path, const Json& body) {
  httplib::Client client(m_host, m_port);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(35, 0);
  client.set_tcp_nodelay(true);
  auto res = client.Post(path.c_str(), {{"Authorization", "Bearer " + m_token}}, DumpJson(body), "application/json");
  if (!res) return MakeError(Errc::kUnavailable, "cannot reach the node API on port " + std::to_string(m_port));
  return Finish(res->status, res->body, "POST " + path);
}

}  // namespace tracenet::api
