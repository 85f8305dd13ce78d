// An exported stretch of the audit log that a third party can check with the node's public
// signing key alone: every entry with its fields, link and hash, and the node's checkpoint
// signatures among them; the last entry must be under a checkpoint. JSON, so it can be read
// and archived without tracenet. Thread-safety: pure functions.
#pragma once

#include <map>
#include <nlohmann/json.hpp>

#include "node/audit/audit_log.h"

namespace tracenet::audit {

nlohmann::json MakeBundle(const std::string& node_id, const crypto::PublicKey32& sign_public,
                          const std::vector<AuditEntry>& entries, const std::map<uint64_t, Bytes>& checkpoints);
// `sign_public` comes from the verifier (the directory, the peer entry), never from the bundle.
VerifyReport VerifyBundle(const nlohmann::json& bundle, const crypto::PublicKey32& sign_public);

}  // namespace tracenet::audit
