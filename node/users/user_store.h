// Local users of a node's API: a name, a role and a bearer token. Only a hash of each token is
// stored (BLAKE2b-256: tokens are 256 random bits, so a fast hash is as strong as a slow one),
// so a copy of the store does not let anyone act as a user. Revoking keeps the user's name (its
// past actions stay attributable) and forgets its token.
// Thread-safety: reads in their own transactions from any thread; writes in the caller's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "node/store/node_store.h"
#include "node/users/roles.h"

namespace tracenet::users {

struct User {
  std::string name;
  Role role = Role::kSubmitter;
  uint64_t created_at_ms = 0;
  std::string created_by;
  uint64_t revoked_at_ms = 0;  // 0: active
};

class UserStore {
 public:
  explicit UserStore(store::NodeStore& store) : m_store(store) {}

  // Adds a user and returns its token, shown once. kInvalidArgument for a bad name;
  // kConflict when the name is taken (also by a revoked user).
  Result<std::string> Create(store::Txn& txn, const std::string& name, Role role, const std::string& by, uint64_t now_ms);
  // kNotFound for an unknown user; revoking twice is Ok.
  Status Revoke(store::Txn& txn, const std::string& name, uint64_t now_ms);
  Result<std::vector<User>> List() const;
  // The active user a token belongs to; nullopt for an unknown or revoked token.
  Result<std::optional<User>> Authenticate(const std::string& token) const;

 private:
  store::NodeStore& m_store;
};

}  // namespace tracenet::users
