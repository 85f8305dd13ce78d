// Deciding whether a directory may be applied: signed by at least k of the n pinned authority
// keys, for this federation, not expired, and newer than the version applied (following it
// directly when it is the next version). And reading from an applied directory the peers a
// node may talk to now: members' keys valid at this moment and not revoked.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "node/crypto/secret.h"
#include "node/directory/directory_document.h"
#include "node/protocol/keyring.h"

namespace tracenet::directory {

struct TrustAnchor {
  std::string federation;
  std::vector<crypto::PublicKey32> authorities;  // pinned in the node's config
  size_t threshold = 1;                           // k
};

struct AppliedVersion {
  uint64_t version = 0;  // 0: none applied yet
  crypto::Hash32 document_hash{};
};

// The signature over a document: Ed25519 over "tracenet-directory-v1\0" || document.
crypto::Signature SignDocument(const crypto::SigningSecret& authority, ByteView document);
// Adds (or replaces) this authority's signature.
void AddSignature(SignedDirectory& directory, const crypto::SigningSecret& authority,
                  const crypto::PublicKey32& authority_public);
// Combines signatures collected separately over the same document; refuses different documents.
Result<SignedDirectory> MergeSignatures(const std::vector<SignedDirectory>& parts);
// How many distinct pinned authorities signed this document validly.
size_t CountValidSignatures(const SignedDirectory& directory, const TrustAnchor& anchor);

// The decoded document when it may replace `applied`; otherwise an error a person can act on:
// kBadSignature (fewer than k valid), kExpired, kInvalidArgument (rollback, another
// federation, a broken version chain), kMalformed.
Result<Document> VerifyDirectory(const SignedDirectory& directory, const TrustAnchor& anchor,
                                 const AppliedVersion& applied, uint64_t now_ms);

bool IsRevoked(const Document& document, const crypto::PublicKey32& key);
// Every member but `self_id` with a signing, an encryption and a transport key usable now
// (the newest valid key of each purpose, the other valid ones as previous keys; members lacking
// one are left out).
std::vector<protocol::PeerKeys> PeersAt(const Document& document, uint64_t now_ms, std::string_view self_id);

}  // namespace tracenet::directory
