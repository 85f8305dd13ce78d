#include "node/api/route_permissions.h"

#include <regex>
#include <vector>

namespace tracenet::api {
namespace {

using users::Permission;

struct Rule {
  const char* method;
  std::regex path;
  Permission permission;
};

const std::vector<Rule>& Rules() {
  static const std::vector<Rule> rules = [] {
    std::vector<Rule> r;
    auto add = [&](const char* method, const char* path, Permission p) { r.push_back({method, std::regex(path), p}); };
    add("GET", "/v1/traces(/[0-9a-fA-F]{32}(/photos/[0-9]{1,2})?)?", Permission::kReadCases);
    add("GET", "/v1/status", Permission::kReadCases);
    add("GET", "/v1/me", Permission::kReadCases);
    add("GET", "/v1/traces/summary", Permission::kReadCases);
    add("GET", "/metrics", Permission::kReadCases);
    add("POST", "/v1/traces(/batch)?", Permission::kSubmit);
    add("POST", "/v1/traces/[0-9a-fA-F]{32}/(cancel|clarification/answer)", Permission::kSubmit);
    add("POST", "/v1/traces/[0-9a-fA-F]{32}/clarification", Permission::kReview);
    add("GET", "/v1/inbox", Permission::kReview);
    add("POST", "/v1/traces/[0-9a-fA-F]{32}/review", Permission::kReview);
    add("GET", "/v1/stolen/(records|searches|imports)/.*|/v1/stolen/(hits|index)", Permission::kReadStolen);
    add("POST", "/v1/stolen/records(/[^/]+/status)?|/v1/stolen/imports/.*|/v1/stolen/resync", Permission::kReportStolen);
    add("POST", "/v1/stolen/searches", Permission::kSearchStolen);
    add("POST", "/v1/stolen/hits/[0-9a-f]{32}", Permission::kDecideHits);
    add("GET", "/v1/audit/(verify|export|witnesses)", Permission::kAudit);
    add("POST", "/v1/audit/witness-check", Permission::kAudit);
    return r;
  }();
  return rules;
}

}  // namespace

Permission PermissionFor(const std::string& method, const std::string& path) {
  for (const Rule& rule : Rules())
    if (method == rule.method && std::regex_match(path, rule.path)) return rule.permission;
  return Permission::kAdminister;
}

}  // namespace tracenet::api
