#include "node/directory/directory_trust.h"

#include <algorithm>
#include <set>

#include "node/crypto/primitives.h"

namespace tracenet::directory {

namespace {

Bytes SigningInput(ByteView document) {
  static constexpr char kLabel[] = "tracenet-directory-v1";
  Bytes input(kLabel, kLabel + sizeof kLabel);  // includes the NUL
  input.insert(input.end(), document.begin(), document.end());
  return input;
}

std::string FormatMs(uint64_t ms) { return std::to_string(ms / 1000) + " s since 1970"; }

}  // namespace

crypto::Signature SignDocument(const crypto::SigningSecret& authority, ByteView document) {
  return crypto::Sign(authority, SigningInput(document));
}

void AddSignature(SignedDirectory& d, const crypto::SigningSecret& authority, const crypto::PublicKey32& pub) {
  std::erase_if(d.signatures, [&](const AuthoritySignature& s) { return s.authority == pub; });
  d.signatures.push_back({pub, SignDocument(authority, d.document)});
}

Result<SignedDirectory> MergeSignatures(const std::vector<SignedDirectory>& parts) {
  if (parts.empty()) return MakeError(Errc::kInvalidArgument, "nothing to merge");
  SignedDirectory out{parts.front().document, {}};
  for (const SignedDirectory& p : parts) {
    if (p.document != out.document)
      return MakeError(Errc::kInvalidArgument, "the parts sign different documents; every authority must sign the same draft");
    for (const AuthoritySignature& s : p.signatures)
      if (std::none_of(out.signatures.begin(), out.signatures.end(),
                       [&](const AuthoritySignature& o) { return o.authority == s.authority; }))
        out.signatures.push_back(s);
  }
  return out;
}

size_t CountValidSignatures(const SignedDirectory& d, const TrustAnchor& anchor) {
  Bytes input = SigningInput(d.document);
  std::set<crypto::PublicKey32> counted;
  for (const AuthoritySignature& s : d.signatures) {
    bool pinned = std::find(anchor.authorities.begin(), anchor.authorities.end(), s.authority) != anchor.authorities.end();
    if (pinned && !counted.count(s.authority) && crypto::Verify(s.authority, input, s.signature)) counted.insert(s.authority);
  }
  return counted.size();
}

Result<Document> VerifyDirectory(const SignedDirectory& d, const TrustAnchor& anchor, const AppliedVersion& applied,
                                 uint64_t now_ms) {
  size_t valid = CountValidSignatures(d, anchor);
  if (valid < anchor.threshold)
    return MakeError(Errc::kBadSignature, "directory has " + std::to_string(valid) + " valid signature" +
                                              (valid == 1 ? "" : "s") + " from the pinned authorities; " +
                                              std::to_string(anchor.threshold) + " are required");
  auto doc = DecodeDocument(d.document);
  if (!doc) return doc.error();
  if (doc->federation != anchor.federation)
    return MakeError(Errc::kInvalidArgument, "directory is for federation \"" + doc->federation +
                                                 "\", this node belongs to \"" + anchor.federation + "\"");
  if (doc->expires_at_ms <= now_ms)
    return MakeError(Errc::kExpired, "directory version " + std::to_string(doc->version) + " expired at " +
                                         FormatMs(doc->expires_at_ms));
  crypto::Hash32 hash = crypto::Hash256(d.document);
  if (doc->version < applied.version || (doc->version == applied.version && hash != applied.document_hash))
    return MakeError(Errc::kInvalidArgument, "directory version " + std::to_string(doc->version) +
                                                 " is not newer than the applied version " +
                                                 std::to_string(applied.version) + " (rollback refused)");
  if (applied.version != 0 && doc->version == applied.version + 1 &&
      !std::equal(doc->previous_hash.begin(), doc->previous_hash.end(), applied.document_hash.begin(),
                  applied.document_hash.end()))
    return MakeError(Errc::kInvalidArgument, "directory version " + std::to_string(doc->version) +
                                                 " does not follow the applied version " +
                                                 std::to_string(applied.version) + " (previous hash differs)");
  return doc;
}

bool IsRevoked(const Document& d, const crypto::PublicKey32& key) {
  return std::any_of(d.revoked.begin(), d.revoked.end(), [&](const RevokedKey& r) { return r.key == key; });
}

std::vector<protocol::PeerKeys> PeersAt(const Document& d, uint64_t now_ms, std::string_view self_id) {
  std::vector<protocol::PeerKeys> peers;
  for (const Member& m : d.members) {
    if (m.id == self_id) continue;
    const MemberKey* chosen[3] = {nullptr, nullptr, nullptr};
    for (const MemberKey& k : m.keys) {
      if (!k.ValidAt(now_ms) || IsRevoked(d, k.key)) continue;
      const MemberKey*& slot = chosen[static_cast<int>(k.purpose)];
      if (!slot || k.valid_from_ms >= slot->valid_from_ms) slot = &k;
    }
    if (!chosen[0] || !chosen[1] || !chosen[2]) continue;
    protocol::PeerKeys p;
    p.id = m.id;
    p.country = m.country;
    p.endpoint = m.endpoints.empty() ? "" : m.endpoints.front();
    p.role = m.role;
    p.home_hubs = m.home_hubs;
    p.sign_public = chosen[0]->key;
    p.enc_public = chosen[1]->key;
    p.transport_public = chosen[2]->key;
    p.sign_key_id = crypto::KeyIdOf(p.sign_public);
    p.enc_key_id = crypto::KeyIdOf(p.enc_public);
    // The rest of the valid keys: a rotation's overlap, accepted on what arrives.
    for (const MemberKey& k : m.keys) {
      if (!k.ValidAt(now_ms) || IsRevoked(d, k.key)) continue;
      if (k.purpose == KeyPurpose::kSigning && &k != chosen[0]) p.previous_sign_keys.push_back(k.key);
      if (k.purpose == KeyPurpose::kEncryption && &k != chosen[1]) p.previous_enc_keys.push_back(k.key);
    }
    peers.push_back(std::move(p));
  }
  return peers;
}

}  // namespace tracenet::directory
