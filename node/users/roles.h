// Local users' roles and what each may do. A route of the API needs one permission; a role
// grants a fixed set (deny by default: a permission no role lists is the admin's alone).
//   submitter  files traces and follows them; reports and searches lost/stolen weapons
//   responder  answers incoming traces (the review inbox); confirms or denies hits on own records
//   auditor    reads cases and the audit log, exports it; changes nothing
//   admin      all of the above, users, directory, dead letters
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tracenet::users {

enum class Role { kSubmitter, kResponder, kAuditor, kAdmin };

enum class Permission {
  kReadCases,     // list and show traces, status, peers
  kSubmit,        // file traces
  kReview,        // the inbox and review decisions
  kReadStolen,    // own records, searches, hits
  kReportStolen,  // report, update, import, resync own records
  kSearchStolen,
  kDecideHits,    // confirm or deny hits on own records
  kAudit,         // verify and export the audit log
  kAdminister,    // users, directory, dead letters, anything not listed
};

std::optional<Role> RoleFromName(std::string_view name);
std::string_view RoleName(Role role);
std::string_view PermissionName(Permission p);
bool Allows(Role role, Permission p);

}  // namespace tracenet::users
