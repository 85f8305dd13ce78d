#include "node/directory/directory_document.h"

#include "node/common/aligned_bytes.h"
#include "node/common/text.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "tracenet/schema/directory_generated.h"

namespace tracenet::directory {

namespace {

namespace wire = ::tracenet::wire::v1;
using flatbuffers::FlatBufferBuilder;

Error Invalid(const std::string& what) { return MakeError(Errc::kMalformed, "directory is invalid: " + what); }

std::string Str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

template <size_t N>
bool CopyKey(const flatbuffers::Vector<uint8_t>* v, std::array<uint8_t, N>& out) {
  if (!v || v->size() != N) return false;
  std::memcpy(out.data(), v->data(), N);
  return true;
}

wire::KeyPurpose WirePurpose(KeyPurpose p) {
  return p == KeyPurpose::kSigning ? wire::KeyPurpose::Signing
         : p == KeyPurpose::kEncryption ? wire::KeyPurpose::Encryption
                                        : wire::KeyPurpose::Transport;
}

}  // namespace

void RotateMemberKeys(Member& member, const std::vector<MemberKey>& new_keys, uint64_t overlap_until_ms) {
  for (MemberKey& k : member.keys)
    if (k.valid_until_ms == 0 || k.valid_until_ms > overlap_until_ms) k.valid_until_ms = overlap_until_ms;
  member.keys.insert(member.keys.end(), new_keys.begin(), new_keys.end());
}

const Member* Document::FindMember(std::string_view id) const {
  for (const Member& m : members)
    if (m.id == id) return &m;
  return nullptr;
}

Member* Document::FindMember(std::string_view id) {
  return const_cast<Member*>(static_cast<const Document*>(this)->FindMember(id));
}

std::string_view PurposeName(KeyPurpose purpose) {
  switch (purpose) {
    case KeyPurpose::kSigning: return "signing";
    case KeyPurpose::kEncryption: return "encryption";
    case KeyPurpose::kTransport: return "transport";
  }
  return "unknown";
}

Bytes EncodeDocument(const Document& d) {
  FlatBufferBuilder b(4096);
  std::vector<flatbuffers::Offset<wire::Member>> members;
  for (const Member& m : d.members) {
    std::vector<flatbuffers::Offset<wire::MemberKey>> keys;
    for (const MemberKey& k : m.keys)
      keys.push_back(wire::CreateMemberKey(b, WirePurpose(k.purpose), b.CreateVector(k.key.data(), k.key.size()),
                                           k.valid_from_ms, k.valid_until_ms));
    // One statement per part: argument order is unspecified, and the signed document must be
    // the same bytes from every build.
    auto id = b.CreateString(m.id);
    auto country = b.CreateString(m.country);
    auto name = b.CreateString(m.name);
    auto endpoints = b.CreateVectorOfStrings(m.endpoints);
    auto home_hubs = b.CreateVectorOfStrings(m.home_hubs);
    auto key_list = b.CreateVector(keys);
    members.push_back(wire::CreateMember(b, id, country, name,
                                         m.role == "hub" ? wire::MemberRole::Hub : wire::MemberRole::National, endpoints,
                                         home_hubs, key_list));
  }
  std::vector<flatbuffers::Offset<wire::RevokedKey>> revoked;
  for (const RevokedKey& r : d.revoked) {
    auto key = b.CreateVector(r.key.data(), r.key.size());
    auto reason = b.CreateString(r.reason);
    revoked.push_back(wire::CreateRevokedKey(b, key, r.revoked_at_ms, reason));
  }
  auto policy = wire::CreateFederationPolicy(b, d.policy.max_message_bytes, d.policy.default_ttl_hours);
  auto federation = b.CreateString(d.federation);
  auto previous_hash = b.CreateVector(d.previous_hash);
  auto member_list = b.CreateVector(members);
  auto revoked_list = b.CreateVector(revoked);
  b.Finish(wire::CreateDirectory(b, federation, d.version, d.issued_at_ms, d.expires_at_ms, previous_hash, member_list,
                                 revoked_list, policy));
  return Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

Result<Document> DecodeDocument(ByteView bytes) {
  if (bytes.size() > kMaxDirectoryBytes) return Invalid("larger than 16 MiB");
  AlignedBytes aligned(bytes);
  flatbuffers::Verifier verifier(aligned.data(), aligned.size(), flatbuffers::Verifier::Options{64, 2'000'000});
  if (!verifier.VerifyBuffer<wire::Directory>(nullptr)) return Invalid("not a Directory FlatBuffer");
  const wire::Directory* w = flatbuffers::GetRoot<wire::Directory>(aligned.data());
  Document d;
  d.federation = Str(w->federation());
  d.version = w->version();
  d.issued_at_ms = w->issued_at_ms();
  d.expires_at_ms = w->expires_at_ms();
  if (w->previous_hash()) d.previous_hash.assign(w->previous_hash()->begin(), w->previous_hash()->end());
  if (d.federation.empty()) return Invalid("no federation name");
  if (d.version == 0) return Invalid("version 0");
  if (d.version > 1 && d.previous_hash.size() != 32) return Invalid("version > 1 without the previous version's hash");
  if (w->policy()) d.policy = {w->policy()->max_message_bytes(), w->policy()->default_ttl_hours()};
  std::set<std::string> ids;
  if (w->members())
    for (const wire::Member* wm : *w->members()) {
      Member m;
      m.id = Str(wm->id());
      m.country = Str(wm->country());
      m.name = Str(wm->name());
      m.role = wm->role() == wire::MemberRole::Hub ? "hub" : "national";
      if (wm->role() != wire::MemberRole::Hub && wm->role() != wire::MemberRole::National)
        return Invalid("member " + m.id + " has an unknown role");
      if (!IsMemberId(m.id)) return Invalid("a member id is not 1-64 of A-Z a-z 0-9 . _ -");
      if (!ids.insert(m.id).second) return Invalid("member id \"" + m.id + "\" is repeated");
      if (wm->endpoints())
        for (const auto* e : *wm->endpoints()) m.endpoints.push_back(e->str());
      if (wm->home_hubs())
        for (const auto* h : *wm->home_hubs()) m.home_hubs.push_back(h->str());
      if (wm->keys())
        for (const wire::MemberKey* wk : *wm->keys()) {
          MemberKey k;
          if (wk->purpose() > wire::KeyPurpose::MAX) return Invalid("member " + m.id + " has a key of unknown purpose");
          k.purpose = wk->purpose() == wire::KeyPurpose::Signing      ? KeyPurpose::kSigning
                      : wk->purpose() == wire::KeyPurpose::Encryption ? KeyPurpose::kEncryption
                                                                      : KeyPurpose::kTransport;
          if (!CopyKey(wk->public_key(), k.key)) return Invalid("member " + m.id + " has a key that is not 32 bytes");
          k.valid_from_ms = wk->valid_from_ms();
          k.valid_until_ms = wk->valid_until_ms();
          m.keys.push_back(k);
        }
      d.members.push_back(std::move(m));
    }
  for (const Member& m : d.members)
    for (const std::string& hub : m.home_hubs) {
      const Member* h = d.FindMember(hub);
      if (!h || h->role != "hub") return Invalid("member " + m.id + " names home hub " + hub + ", which is not a hub member");
    }
  if (w->revoked())
    for (const wire::RevokedKey* wr : *w->revoked()) {
      RevokedKey r;
      if (!CopyKey(wr->public_key(), r.key)) return Invalid("a revoked key is not 32 bytes");
      r.revoked_at_ms = wr->revoked_at_ms();
      r.reason = Str(wr->reason());
      d.revoked.push_back(std::move(r));
    }
  return d;
}

Bytes EncodeSigned(const SignedDirectory& s) {
  FlatBufferBuilder b(s.document.size() + 1024);
  std::vector<flatbuffers::Offset<wire::AuthoritySignature>> sigs;
  for (const AuthoritySignature& a : s.signatures) {
    auto authority = b.CreateVector(a.authority.data(), a.authority.size());
    auto signature = b.CreateVector(a.signature.data(), a.signature.size());
    sigs.push_back(wire::CreateAuthoritySignature(b, authority, signature));
  }
  auto document = b.CreateVector(s.document);  // before the signatures, in every build
  auto sig_list = b.CreateVector(sigs);
  b.Finish(wire::CreateSignedDirectory(b, document, sig_list));
  return Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

Result<SignedDirectory> DecodeSigned(ByteView bytes) {
  if (bytes.size() > kMaxDirectoryBytes + 65536) return Invalid("larger than 16 MiB");
  AlignedBytes aligned(bytes);  // pushed in a link frame, at any offset its sender chose
  flatbuffers::Verifier verifier(aligned.data(), aligned.size());
  if (!verifier.VerifyBuffer<wire::SignedDirectory>(nullptr)) return Invalid("not a SignedDirectory FlatBuffer");
  const wire::SignedDirectory* w = flatbuffers::GetRoot<wire::SignedDirectory>(aligned.data());
  if (!w->document()) return Invalid("no document");
  SignedDirectory s;
  s.document.assign(w->document()->begin(), w->document()->end());
  if (w->signatures())
    for (const wire::AuthoritySignature* a : *w->signatures()) {
      AuthoritySignature sig;
      if (!CopyKey(a->authority_key(), sig.authority) || !CopyKey(a->signature(), sig.signature))
        return Invalid("a signature entry has the wrong key or signature length");
      s.signatures.push_back(sig);
    }
  return s;
}

}  // namespace tracenet::directory
