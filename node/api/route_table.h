// The API's routes in one table: method, path pattern, the permission a caller's role must grant
// (or none, for the few public paths), the largest body it takes, and its handler. The server
// finds the route before it reads a body, so authentication, permission and size are decided
// from the headers alone; and a test can walk exactly the routes that are served.
// Thread-safety: filled before the server starts, read-only afterwards.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "node/users/roles.h"

namespace tracenet::api::http {

struct Request {
  std::string method;
  std::string path;  // percent-decoded, without the query
  std::string body;
  std::vector<std::string> matches;            // [0] the path, [1..] the pattern's groups
  std::map<std::string, std::string> headers;  // names in lower case; the first of repeated ones
  std::map<std::string, std::string> params;   // the query's arguments, decoded

  bool has_header(const std::string& name) const;
  std::string get_header_value(const std::string& name) const;  // "" when absent
  bool has_param(const std::string& name) const { return params.count(name) > 0; }
  std::string get_param_value(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string body;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;

  void set_content(std::string content, std::string type) {
    body = std::move(content);
    content_type = std::move(type);
  }
  void set_header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
  void set_redirect(const std::string& location) {
    status = 302;
    set_header("Location", location);
  }
};

using Handler = std::function<void(const Request&, Response&)>;

struct Route {
  std::string method;
  std::string pattern;  // a regular expression over the whole path
  std::optional<users::Permission> permission;  // none: served without a token
  size_t max_body = 0;
  Handler handler;
  std::regex regex;
};

class RouteTable {
 public:
  void Add(std::string method, std::string pattern, std::optional<users::Permission> permission, size_t max_body,
           Handler handler);
  // The route for this method and path, with the pattern's groups in `matches`; nullptr if none.
  const Route* Find(const std::string& method, const std::string& path, std::vector<std::string>& matches) const;
  // Whether any route serves `path` under another method (405 rather than 404).
  bool HasPath(const std::string& path) const;
  const std::vector<Route>& routes() const { return m_routes; }

 private:
  std::vector<Route> m_routes;
};

}  // namespace tracenet::api::http
