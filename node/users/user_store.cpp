#include "node/users/user_store.h"

#include <cctype>

#include <sodium.h>

#include "node/crypto/primitives.h"
#include "node/store/record_codec.h"

namespace tracenet::users {
namespace {

constexpr uint8_t kUserVersion = 1;
constexpr size_t kMaxName = 64;

Bytes NameKey(const std::string& name) { return Bytes(name.begin(), name.end()); }

Bytes TokenKey(const std::string& token) {
  crypto::Hash32 h = crypto::Hash256(AsBytes(token));
  return Bytes(h.begin(), h.end());
}

Bytes Encode(const User& u) {
  return store::RecordWriter().U8(kUserVersion).U8(static_cast<uint8_t>(u.role)).U64(u.created_at_ms)
      .Str(u.created_by).U64(u.revoked_at_ms).Take();
}

std::optional<User> Decode(const std::string& name, ByteView bytes) {
  store::RecordReader r(bytes);
  User u;
  u.name = name;
  uint8_t version = r.U8(), role = r.U8();
  u.created_at_ms = r.U64();
  u.created_by = r.Str();
  u.revoked_at_ms = r.U64();
  if (!r.ok() || version != kUserVersion || role > static_cast<uint8_t>(Role::kAdmin)) return std::nullopt;
  u.role = static_cast<Role>(role);
  return u;
}

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > kMaxName) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
  return true;
}

}  // namespace

Result<std::string> UserStore::Create(store::Txn& txn, const std::string& name, Role role, const std::string& by,
                                      uint64_t now_ms) {
  if (!ValidName(name))
    return MakeError(Errc::kInvalidArgument, "a user name is 1 to 64 letters, digits, '.', '_' or '-'");
  // Names the node itself writes in timelines and audit logs: a user named so would be
  // indistinguishable from the operator's own token or from the node.
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* reserved : {"operator", "node", "system"})
    if (lower == reserved)
      return MakeError(Errc::kInvalidArgument, "\"" + name + "\" is reserved for the node itself; choose another user name");
  if (txn.Get(m_store.table("users"), NameKey(name)))
    return MakeError(Errc::kConflict, "there is already a user " + name + " (names are never reused)");
  uint8_t raw[32];
  randombytes_buf(raw, sizeof raw);
  std::string token = "tn_" + ToHex(ByteView(raw, sizeof raw));
  User u{name, role, now_ms, by, 0};
  if (Status s = txn.Put(m_store.table("users"), NameKey(name), Encode(u)); !s) return s.error();
  if (Status s = txn.Put(m_store.table("user_tokens"), TokenKey(token), NameKey(name)); !s) return s.error();
  return token;
}

Status UserStore::Revoke(store::Txn& txn, const std::string& name, uint64_t now_ms) {
  auto stored = txn.Get(m_store.table("users"), NameKey(name));
  if (!stored) return MakeError(Errc::kNotFound, "no user " + name);
  auto user = Decode(name, *stored);
  if (!user) return MakeError(Errc::kIo, "the record of user " + name + " is unreadable");
  if (user->revoked_at_ms) return Status::Ok();
  user->revoked_at_ms = now_ms;
  if (Status s = txn.Put(m_store.table("users"), NameKey(name), Encode(*user)); !s) return s;
  // The token's hash goes too: nothing is left that the token could match.
  std::vector<Bytes> tokens;
  Status scan = txn.Scan(m_store.table("user_tokens"), {}, [&](ByteView k, ByteView v) {
    if (std::string(v.begin(), v.end()) == name) tokens.emplace_back(k.begin(), k.end());
    return true;
  });
  if (!scan) return scan;
  for (const Bytes& t : tokens)
    if (auto d = txn.Delete(m_store.table("user_tokens"), t); !d) return d.error();
  return Status::Ok();
}

Result<std::vector<User>> UserStore::List() const {
  std::vector<User> users;
  Status s = m_store.env().Read([&](store::Txn& txn) {
    return txn.Scan(m_store.table("users"), {}, [&](ByteView k, ByteView v) {
      if (auto u = Decode(std::string(k.begin(), k.end()), v)) users.push_back(std::move(*u));
      return true;
    });
  });
  if (!s) return s.error();
  return users;
}

Result<std::optional<User>> UserStore::Authenticate(const std::string& token) const {
  std::optional<User> found;
  Status s = m_store.env().Read([&](store::Txn& txn) -> Status {
    auto name = txn.Get(m_store.table("user_tokens"), TokenKey(token));
    if (!name) return Status::Ok();
    std::string n(name->begin(), name->end());
    auto stored = txn.Get(m_store.table("users"), NameKey(n));
    if (!stored) return Status::Ok();
    found = Decode(n, *stored);
    if (found && found->revoked_at_ms) found.reset();
    return Status::Ok();
  });
  if (!s) return s.error();
  return found;
}

}  // namespace tracenet::users
