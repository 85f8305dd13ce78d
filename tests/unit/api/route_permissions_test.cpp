// Every route of the API needs the permission its role model says, and what is not listed is
// the admin's alone; each role allows exactly its permissions.
#include "node/api/route_permissions.h"

#include <gtest/gtest.h>

namespace tracenet::api {
namespace {

using users::Permission;
using users::Role;

TEST(RoutePermissionsTest, EveryRouteNeedsItsPermission) {
  const std::string id(32, 'a');
  struct Case {
    const char* method;
    std::string path;
    Permission needed;
  };
  for (const Case& c : std::vector<Case>{
           {"GET", "/v1/traces", Permission::kReadCases},
           {"GET", "/v1/traces/" + id, Permission::kReadCases},
           {"GET", "/v1/status", Permission::kReadCases},
           {"GET", "/v1/me", Permission::kReadCases},
           {"GET", "/v1/traces/summary", Permission::kReadCases},
           {"GET", "/v1/traces/" + id + "/photos/0", Permission::kReadCases},
           {"POST", "/v1/traces/" + id + "/cancel", Permission::kSubmit},
           {"POST", "/v1/traces/" + id + "/clarification/answer", Permission::kSubmit},
           {"POST", "/v1/traces/" + id + "/clarification", Permission::kReview},
           {"GET", "/metrics", Permission::kReadCases},
           {"POST", "/v1/traces", Permission::kSubmit},
           {"POST", "/v1/traces/batch", Permission::kSubmit},
           {"GET", "/v1/inbox", Permission::kReview},
           {"POST", "/v1/traces/" + id + "/review", Permission::kReview},
           {"GET", "/v1/stolen/records/K-1", Permission::kReadStolen},
           {"GET", "/v1/stolen/searches/s1", Permission::kReadStolen},
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
           {"GET", "/v1/users", Permission::kAdminister},
           {"POST", "/v1/users", Permission::kAdminister},
           {"POST", "/v1/directory", Permission::kAdminister},
           {"GET", "/v1/dead-letters", Permission::kAdminister},
           {"DELETE", "/v1/traces", Permission::kAdminister},      // a method not listed
           {"GET", "/v1/traces/" + id + "/x", Permission::kAdminister},  // a path not listed
           {"GET", "/v1/traces/" + id + "/photos/100", Permission::kAdminister},
           {"POST", "/v1/traces/" + id + "/clarification/x", Permission::kAdminister},
       })
    EXPECT_EQ(PermissionFor(c.method, c.path), c.needed) << c.method << " " << c.path;
}

TEST(RoutePermissionsTest, EachRoleAllowsItsPermissionsOnly) {
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
