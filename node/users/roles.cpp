#include "node/users/roles.h"

namespace tracenet::users {

std::optional<Role> RoleFromName(std::string_view name) {
  for (Role r : {Role::kSubmitter, Role::kResponder, Role::kAuditor, Role::kAdmin})
    if (RoleName(r) == name) return r;
  return std::nullopt;
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kSubmitter: return "submitter";
    case Role::kResponder: return "responder";
    case Role::kAuditor: return "auditor";
    case Role::kAdmin: return "admin";
  }
  return "";
}

std::string_view PermissionName(Permission p) {
  switch (p) {
    case Permission::kReadCases: return "read cases";
    case Permission::kSubmit: return "submit traces";
    case Permission::kReview: return "review incoming traces";
    case Permission::kReadStolen: return "read lost/stolen records";
    case Permission::kReportStolen: return "report lost/stolen records";
    case Permission::kSearchStolen: return "search lost/stolen records";
    case Permission::kDecideHits: return "confirm or deny hits";
    case Permission::kAudit: return "read the audit log";
    case Permission::kAdminister: return "administer the node";
  }
  return "";
}

bool Allows(Role role, Permission p) {
  switch (role) {
    case Role::kAdmin:
      return true;
    case Role::kSubmitter:
      return p == Permission::kReadCases || p == Permission::kSubmit || p == Permission::kReadStolen ||
             p == Permission::kReportStolen || p == Permission::kSearchStolen;
    case Role::kResponder:
      return p == Permission::kReadCases || p == Permission::kReview || p == Permission::kReadStolen ||
             p == Permission::kDecideHits;
    case Role::kAuditor:
      return p == Permission::kReadCases || p == Permission::kReadStolen || p == Permission::kAudit;
  }
  return false;
}

}  // namespace tracenet::users
