// Which permission each API call needs (node/users/roles.h), decided in one place for every
// route, so that no handler can forget its check. Anything not listed needs kAdminister.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "node/users/roles.h"

namespace tracenet::api {

users::Permission PermissionFor(const std::string& method, const std::string& path);

}  // namespace tracenet::api
