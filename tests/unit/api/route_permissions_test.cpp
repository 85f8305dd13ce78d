// The permission of every route the API actually serves: the test walks the server's own route
// table, so a route added without the permission this list expects (or without any) fails here,
// and each role allows exactly its permissions.
#include <gtest/gtest.h>

#include <set>

#include "node/api/api_server.h"
#include "tests/support/in_process_federation.h"
#include "tests/support/temp_dir.h"

namespace tracenet::api {
namespace {

using users::Permission;
using users::Role;

struct Expected {
  const char* method;
  std::string path;  // a path the route serves
  std::optional<Permission> needed;  // none: public
};

std::vector<Expected> ExpectedRoutes() {
  const std::string id(32, 'a');
  return {
      {"GET", "/healthz", std::nullopt},
      {"GET", "/readyz", std::nullopt},
      {"GET", "/", std::nullopt},
      {"GET", "/console", std::nullopt},
      {"GET", "/v1/traces", Permission::kReadCases},
      {"GET", "/v1/traces/" + id, Permission::kReadCases},
      {"GET", "/v1/status", Permission::kReadCases},
      {"GET", "/v1/me", Permission::kReadCases},
      {"GET", "/v1/traces/summary", Permission::kReadCases},
      {"GET", "/v1/traces/" + id + "/photos/0", Permission::kReadCases},
      {"GET", "/v1/traces/" + id + "/proof", Permission::kReadCases},
      {"GET", "/metrics", Permission::kReadCases},
      {"POST", "/v1/traces", Permission::kSubmit},
      {"POST", "/v1/traces/batch", Permission::kSubmit},
      {"POST", "/v1/traces/" + id + "/cancel", Permission::kSubmit},
      {"POST", "/v1/traces/" + id + "/clarification/answer", Permission::kSubmit},
      {"POST", "/v1/traces/" + id + "/clarification", Permission::kReview},
      {"GET", "/v1/inbox", Permission::kReview},
      {"POST", "/v1/traces/" + id + "/review", Permission::kReview},
      {"GET", "/v1/stolen/records/K-1", Permission::kReadStolen},
      {"GET", "/v1/stolen/searches/s1", Permission::kReadStolen},
      {"GET", "/v1/stolen/imports/i1", Permission::kReadStolen},
      {"GET", "/v1/stolen/hits", Permission::kReadStolen},
      {"GET", "/v1/stolen/index", Permission::kReadStolen},
      {"POST", "/v1/stolen/records", Permission::kReportStolen},
      {"POST", "/v1/stolen/records/K-1/status", Permission::kReportStolen},
      {"POST", "/v1/stolen/imports/abc/batches/1", Permission::kReportStolen},
      {"POST", "/v1/stolen/resync", Permission::kReportStolen},
      {"POST", "/v1/stolen/searches", Permission::kSearchStolen},
      {"POST", "/v1/stolen/hits/" + id, Permission::kDecideHits},
      {"GET", "/v1/audit/verify", Permission::kAudit},
      {"GET", "/v1/audit/export", Permission::kAudit},
      {"GET", "/v1/audit/witnesses", Permission::kAudit},
      {"POST", "/v1/audit/witness-check", Permission::kAudit},
      {"GET", "/v1/users", Permission::kAdminister},
      {"POST", "/v1/users", Permission::kAdminister},
      {"POST", "/v1/users/j.smith/revoke", Permission::kAdminister},
      {"POST", "/v1/directory", Permission::kAdminister},
      {"GET", "/v1/dead-letters", Permission::kAdminister},
      {"POST", "/v1/dead-letters/" + id + "/resend", Permission::kAdminister},
      {"GET", "/v1/quarantine", Permission::kAdminister},
      {"GET", "/v1/quarantine/7", Permission::kAdminister},
  };
}

class RoutePermissionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = test_support::FreshTempDir("route_permissions");
    m_node = test_support::InProcessNode::Start(dir, {"KEN-NFB", "national", 1, {}}, {}, m_clock);
    ASSERT_TRUE(m_node);
    m_server = std::make_unique<ApiServer>(m_node->node(), std::string(64, 't'));
  }
  FixedClock m_clock{1'900'000'000'000};
  std::unique_ptr<test_support::InProcessNode> m_node;
  std::unique_ptr<ApiServer> m_server;
};

TEST_F(RoutePermissionsTest, EveryServedRouteNeedsThePermissionItsRoleModelSays) {
  const http::RouteTable& table = m_server->routes();
  for (const Expected& e : ExpectedRoutes()) {
    std::vector<std::string> matches;
    const http::Route* route = table.Find(e.method, e.path, matches);
    ASSERT_NE(route, nullptr) << e.method << " " << e.path << " is not served";
    EXPECT_EQ(route->permission, e.needed) << e.method << " " << e.path;
  }
}

TEST_F(RoutePermissionsTest, NoRouteIsServedWithoutAnExpectationOrPublicByAccident) {
  const std::vector<Expected> expected = ExpectedRoutes();
  for (const http::Route& route : m_server->routes().routes()) {
    bool console_file = route.pattern.rfind("/console/", 0) == 0;
    if (console_file) {  // the console's static files hold no data: public, and nothing else is
      EXPECT_FALSE(route.permission.has_value()) << route.pattern;
      EXPECT_EQ(route.method, "GET") << route.pattern;
      continue;
    }
    bool listed = false;
    for (const Expected& e : expected) listed = listed || (e.method == route.method && std::regex_match(e.path, route.regex));
    EXPECT_TRUE(listed) << route.method << " " << route.pattern
                        << " is served but not in this test's list: add it with the permission it must need";
    if (!route.permission)
      EXPECT_TRUE(route.pattern == "/healthz" || route.pattern == "/readyz" || route.pattern == "/" || route.pattern == "/console")
          << route.pattern << " is served without a token";
  }
}

TEST_F(RoutePermissionsTest, PathsNotServedAreNotFoundRatherThanGuessed) {
  const std::string id(32, 'a');
  std::vector<std::string> matches;
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"DELETE", "/v1/traces"},
           {"GET", "/v1/traces/" + id + "/x"},
           {"GET", "/v1/traces/" + id + "/photos/100"},
           {"POST", "/v1/traces/" + id + "/clarification/x"}})
    EXPECT_EQ(m_server->routes().Find(method, path, matches), nullptr) << method << " " << path;
  EXPECT_TRUE(m_server->routes().HasPath("/v1/traces")) << "DELETE /v1/traces is a 405, the path exists";
}

TEST(RolePermissionsTest, EachRoleAllowsItsPermissionsOnly) {
  EXPECT_TRUE(users::Allows(Role::kSubmitter, Permission::kSubmit));
  EXPECT_FALSE(users::Allows(Role::kSubmitter, Permission::kReview));
  EXPECT_FALSE(users::Allows(Role::kSubmitter, Permission::kAudit));
  EXPECT_TRUE(users::Allows(Role::kResponder, Permission::kReview));
  EXPECT_TRUE(users::Allows(Role::kResponder, Permission::kDecideHits));
  EXPECT_FALSE(users::Allows(Role::kResponder, Permission::kSubmit));
  EXPECT_TRUE(users::Allows(Role::kAuditor, Permission::kAudit));
  EXPECT_TRUE(users::Allows(Role::kAuditor, Permission::kReadCases));
  EXPECT_FALSE(users::Allows(Role::kAuditor, Permission::kSubmit));
  EXPECT_FALSE(users::Allows(Role::kAuditor, Permission::kReportStolen));
  for (Role r : {Role::kSubmitter, Role::kResponder, Role::kAuditor}) EXPECT_FALSE(users::Allows(r, Permission::kAdminister));
  EXPECT_TRUE(users::Allows(Role::kAdmin, Permission::kAdminister));
}

}  // namespace
}  // namespace tracenet::api
