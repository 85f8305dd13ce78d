// A client of a node's local HTTP API, used by the CLI and the demo. It finds the node from its
// config: the API port file and the token file the node wrote at start.
// Thread-safety: one client per thread.
#pragma once

#include <memory>
#include <string>

#include "node/api/trace_json.h"
#include "node/config/node_config.h"

namespace tracenet::api {

class ApiClient {
 public:
  ApiClient(std::string host, int port, std::string token);
  static Result<ApiClient> FromConfig(const config::NodeConfig& config);

  // Returns the parsed body of a 2xx answer, or an Error carrying the API's own message.
  Result<Json> Get(const std::string& path);
  Result<Json> Post(const std::string& path, const Json& body);
  // The body of a 2xx answer as text (/metrics); `authorised` false sends no token.
  Result<std::string> GetText(const std::string& path, bool authorised = true);

 private:
  Result<Json> Finish(int status, const std::string& body, const std::string& what);
  std::string m_host;
  int m_port;
  std::string m_token;
};

}  // namespace tracenet::api
