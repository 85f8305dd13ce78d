// A proof bundle (schema/README.md §7.2): what a tracing centre hands a court, an auditor or
// another state so that they can check, with nothing but the bundle and the federation's
// authority keys, who sent what to whom and when in one case, that it was received, and what
// the disclosed messages said. It carries the envelopes exactly as sent or received, the
// per-message keys of the messages chosen for disclosure (and no others), the signed member
// directory that names the signers' keys, and the hubs' custody receipts.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "node/common/bytes.h"
#include "node/common/result.h"
#include "node/crypto/secret.h"
#include "node/store/evidence_store.h"

namespace tracenet::proof {

inline constexpr char kFormat[] = "tracenet-proof-v1";

struct BundleMessage {
  Bytes envelope;                                  // as sent or received
  std::optional<crypto::SymmetricKey> message_key;  // present only when disclosed
};

struct BundleInput {
  std::string made_by;
  uint64_t made_at_ms = 0;
  Bytes case_id;
  Bytes signed_directory;  // SignedDirectory bytes naming the signers' keys
  std::vector<BundleMessage> messages;
  std::vector<store::CustodyRecord> custody;
};

nlohmann::ordered_json EncodeBundle(const BundleInput& input);

struct Verdict {
  std::vector<std::string> proven;      // what the bundle shows, one sentence each
  std::vector<std::string> not_proven;  // what it cannot show, and why
  bool authorities_pinned = false;      // false: no authority keys were given, so who signed the directory is unknown
};

// Checks everything in `bundle` (see the header comment) against `authorities`, at least
// `threshold` of which must have signed its directory; with no authorities the directory's own
// signatures are checked and the verdict says that proves nothing about who the authorities are.
// Any part that fails refuses the whole bundle, with the reason (kBadSignature, kMalformed,
// kUnknownSender, kExpired, kInvalidArgument).
Result<Verdict> VerifyBundle(const nlohmann::json& bundle, const std::vector<crypto::PublicKey32>& authorities,
                             size_t threshold);

}  // namespace tracenet::proof
