#include "node/api/route_table.h"

#include <algorithm>
#include <cctype>

namespace tracenet::api::http {

namespace {
std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}
}  // namespace

bool Request::has_header(const std::string& name) const { return headers.count(Lower(name)) > 0; }

std::string Request::get_header_value(const std::string& name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? std::string() : it->second;
}

std::string Request::get_param_value(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

void RouteTable::Add(std::string method, std::string pattern, std::optional<users::Permission> permission,
                     size_t max_body, Handler handler) {
  std::regex regex(pattern);
  m_routes.push_back({std::move(method), std::move(pattern), permission, max_body, std::move(handler), std::move(regex)});
}

const Route* RouteTable::Find(const std::string& method, const std::string& path, std::vector<std::string>& matches) const {
  std::smatch m;
  for (const Route& r : m_routes) {
    if (r.method != method || !std::regex_match(path, m, r.regex)) continue;
    matches.clear();
    for (const auto& group : m) matches.push_back(group.str());
    return &r;
  }
  return nullptr;
}

bool RouteTable::HasPath(const std::string& path) const {
  return std::any_of(m_routes.begin(), m_routes.end(), [&](const Route& r) { return std::regex_match(path, r.regex); });
}

}  // namespace tracenet::api::http
