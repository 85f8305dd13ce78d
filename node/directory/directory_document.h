// The member directory as values, and its FlatBuffers encoding (schema/directory.fbs). The
// encoded document is what authorities sign, so it travels as the exact bytes that were
// signed and is decoded, never re-encoded, by the nodes that check it.
// Thread-safety: value types and pure functions.
#pragma once

#include <string>
#include <vector>

#include "node/common/bytes.h"
#include "node/common/result.h"
#include "node/crypto/secret.h"

namespace tracenet::directory {

enum class KeyPurpose { kSigning, kEncryption, kTransport };

struct MemberKey {
  KeyPurpose purpose = KeyPurpose::kSigning;
  crypto::PublicKey32 key{};
  uint64_t valid_from_ms = 0;
  uint64_t valid_until_ms = 0;  // 0: open-ended
  bool ValidAt(uint64_t now_ms) const {
    return valid_from_ms <= now_ms && (valid_until_ms == 0 || now_ms < valid_until_ms);
  }
};

struct Member {
  std::string id;
  std::string country;
  std::string name;
  std::string role = "national";  // "national" or "hub"
  std::vector<std::string> endpoints;
  std::vector<std::string> home_hubs;
  std::vector<MemberKey> keys;
};

// Key rotation with an overlap: the member's keys still valid at `overlap_until_ms` now end
// there, and `new_keys` are added. During the overlap peers accept both (messages already sealed
// to the old keys are still opened); after it only the new ones.
void RotateMemberKeys(Member& member, const std::vector<MemberKey>& new_keys, uint64_t overlap_until_ms);

struct RevokedKey {
  crypto::PublicKey32 key{};
  uint64_t revoked_at_ms = 0;
  std::string reason;
};

struct Policy {
  uint64_t max_message_bytes = uint64_t{1} << 20;
  uint64_t default_ttl_hours = 720;
};

struct Document {
  std::string federation;
  uint64_t version = 1;
  uint64_t issued_at_ms = 0;
  uint64_t expires_at_ms = 0;
  Bytes previous_hash;  // empty for version 1
  std::vector<Member> members;
  std::vector<RevokedKey> revoked;
  Policy policy;

  const Member* FindMember(std::string_view id) const;
  Member* FindMember(std::string_view id);
};

struct AuthoritySignature {
  crypto::PublicKey32 authority{};
  crypto::Signature signature{};
};

struct SignedDirectory {
  Bytes document;  // an encoded Document, exactly as signed
  std::vector<AuthoritySignature> signatures;
};

inline constexpr size_t kMaxDirectoryBytes = size_t{16} << 20;

Bytes EncodeDocument(const Document& document);
// Structural checks too: ids present and unique, keys 32 bytes, roles known, hubs named exist.
Result<Document> DecodeDocument(ByteView bytes);
Bytes EncodeSigned(const SignedDirectory& directory);
Result<SignedDirectory> DecodeSigned(ByteView bytes);

std::string_view PurposeName(KeyPurpose purpose);

}  // namespace tracenet::directory
