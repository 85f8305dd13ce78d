// /v1/users: local users of the API and their roles (node/users). Adding a user answers its
// token once; only its hash is kept. Revoking keeps the name, so past actions stay attributed.

#include "node/api/api_responses.h"
#include "node/api/api_server.h"
#include "node/api/trace_json.h"

namespace tracenet::api {

void ApiServer::UserRoutes() {

  // Who the caller is and what the role lets them do: the console shows only what may be used.
  Get("/v1/me", users::Permission::kReadCases, [this](const http::Request&, http::Response& res) {
    users::Role role = CurrentRole();
    using users::Permission;
    static const std::pair<const char*, Permission> kKeys[] = {
        {"read_cases", Permission::kReadCases},       {"submit", Permission::kSubmit},
        {"review", Permission::kReview},              {"read_stolen", Permission::kReadStolen},
        {"report_stolen", Permission::kReportStolen}, {"search_stolen", Permission::kSearchStolen},
        {"decide_hits", Permission::kDecideHits},     {"audit", Permission::kAudit},
        {"administer", Permission::kAdminister}};
    Json can = Json::object();
    for (const auto& [key, permission] : kKeys) can[key] = users::Allows(role, permission);
    SendJson(res, 200, {{"user", CurrentUser()}, {"role", users::RoleName(role)}, {"node", m_node.config().id}, {"can", can}});
  });

  Get("/v1/users", users::Permission::kAdminister, [this](const http::Request&, http::Response& res) {
    auto list = m_node.users().List();
    if (!list) return SendError(res, list.error());
    Json out = Json::array();
    for (const users::User& u : *list)
      out.push_back({{"name", u.name},
                     {"role", users::RoleName(u.role)},
                     {"created_at", FormatUtc(u.created_at_ms)},
                     {"created_by", u.created_by},
                     {"revoked_at", u.revoked_at_ms ? Json(FormatUtc(u.revoked_at_ms)) : Json(nullptr)}});
    SendJson(res, 200, {{"users", out}});
  });

  Post("/v1/users", users::Permission::kAdminister, [this](const http::Request& req, http::Response& res) {
    Json body = Json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return SendError(res, 400, "bad_json", "send {\"name\": ..., \"role\": ...}");
    for (const char* field : {"name", "role"})
      if (!body.contains(field) || !body[field].is_string())
        return SendError(res, 400, "invalid_argument", std::string(field) + " is required, as a string");
    std::string name = body["name"].get<std::string>(), role_name = body["role"].get<std::string>();
    auto role = users::RoleFromName(role_name);
    if (!role) return SendError(res, 400, "invalid_argument", "role must be one of submitter, responder, auditor, admin");
    auto token = m_node.CreateUser(name, *role, CurrentUser());
    if (!token) return SendError(res, token.error());
    SendJson(res, 201, {{"name", name}, {"role", role_name}, {"token", *token}});
  });

  Post(R"(/v1/users/([A-Za-z0-9._-]{1,64})/revoke)", users::Permission::kAdminister, [this](const http::Request& req, http::Response& res) {
    if (Status st = m_node.RevokeUser(req.matches[1], CurrentUser()); !st) return SendError(res, st.error());
    SendJson(res, 200, {{"name", req.matches[1]}, {"revoked", true}});
  });
}

}  // namespace tracenet::api
