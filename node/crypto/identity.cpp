#include "node/crypto/identity.h"

#include <sodium.h>
#include <sys/stat.h>

#include <cstring>

#include "node/common/bytes.h"
#include "node/common/file_util.h"
#include "node/crypto/primitives.h"

namespace tracenet::crypto {

namespace {

constexpr const char* kSignFile = "sign.key";
constexpr const char* kEncFile = "enc.key";
constexpr const char* kTransportFile = "transport.key";
constexpr const char* kStorageFile = "storage.key";

// Key files hold one line: a label and the secret in hex, so a misplaced file is recognisable.
Status WriteKeyFile(const std::string& path, std::string_view label, ByteView secret) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0)
    return MakeError(Errc::kIo, "refusing to overwrite existing key file " + path);
  std::string text = std::string(label) + " " + ToHex(secret) + "\n";
  Status s = WriteFileAtomic(path, AsBytes(text), 0600);
  sodium_memzero(text.data(), text.size());
  return s;
}

template <size_t N>
Status ReadKeyFile(const std::string& path, std::string_view label, Secret<N>& out) {
  if (Status s = CheckSecretFileMode(path); !s) return s;
  Result<Bytes> content = ReadFileBytes(path);
  if (!content) return content.error();
  std::string_view text = AsString(*content);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  Status status = Status::Ok();
  if (text.size() != label.size() + 1 + 2 * N || text.substr(0, label.size()) != label ||
      text[label.size()] != ' ') {
    status = MakeError(Errc::kIo, "key file " + path + " is not a " + std::string(label) +
                                      " key (wrong label or length)");
  } else if (std::optional<Bytes> raw = FromHex(text.substr(label.size() + 1)); !raw) {
    status = MakeError(Errc::kIo, "key file " + path + " does not hold hex digits");
  } else {
    std::memcpy(out.data(), raw->data(), N);
    sodium_memzero(raw->data(), raw->size());
  }
  sodium_memzero(content->data(), content->size());
  return status;
}

}  // namespace

void ComputeKeyIds(PublicIdentity& pub) {
  pub.sign_key_id = KeyIdOf(pub.sign_public);
  pub.enc_key_id = KeyIdOf(pub.enc_public);
}

Identity GenerateIdentity() {
  Identity id;
  crypto_sign_keypair(id.pub.sign_public.data(), id.sign_secret.data());
  crypto_box_keypair(id.pub.enc_public.data(), id.enc_secret.data());
  crypto_box_keypair(id.pub.transport_public.data(), id.transport_secret.data());
  crypto_aead_xchacha20poly1305_ietf_keygen(id.storage_key.data());
  ComputeKeyIds(id.pub);
  return id;
}

Status WriteIdentity(const std::string& dir, const Identity& identity) {
  if (Status s = MakeDirectories(dir, 0700); !s) return s;
  if (Status s = WriteKeyFile(dir + "/" + kSignFile, "ed25519-secret", identity.sign_secret.view()); !s)
    return s;
  if (Status s = WriteKeyFile(dir + "/" + kEncFile, "x25519-secret", identity.enc_secret.view()); !s)
    return s;
  if (Status s = WriteKeyFile(dir + "/" + kTransportFile, "curvezmq-secret",
                              identity.transport_secret.view());
      !s)
    return s;
  return WriteKeyFile(dir + "/" + kStorageFile, "storage-key", identity.storage_key.view());
}

Result<Identity> LoadIdentity(const std::string& dir) {
  Identity id;
  if (Status s = ReadKeyFile(dir + "/" + kSignFile, "ed25519-secret", id.sign_secret); !s)
    return s.error();
  if (Status s = ReadKeyFile(dir + "/" + kEncFile, "x25519-secret", id.enc_secret); !s)
    return s.error();
  if (Status s = ReadKeyFile(dir + "/" + kTransportFile, "curvezmq-secret", id.transport_secret); !s)
    return s.error();
  if (Status s = ReadKeyFile(dir + "/" + kStorageFile, "storage-key", id.storage_key); !s)
    return s.error();
  crypto_sign_ed25519_sk_to_pk(id.pub.sign_public.data(), id.sign_secret.data());
  crypto_scalarmult_base(id.pub.enc_public.data(), id.enc_secret.data());
  crypto_scalarmult_base(id.pub.transport_public.data(), id.transport_secret.data());
  ComputeKeyIds(id.pub);
  return id;
}

AuthorityKey GenerateAuthorityKey() {
  AuthorityKey key;
  crypto_sign_keypair(key.pub.data(), key.secret.data());
  return key;
}

Status WriteAuthorityKey(const std::string& path, const AuthorityKey& key) {
  return WriteKeyFile(path, "directory-authority-secret", key.secret.view());
}

Result<AuthorityKey> LoadAuthorityKey(const std::string& path) {
  AuthorityKey key;
  if (Status s = ReadKeyFile(path, "directory-authority-secret", key.secret); !s) return s.error();
  crypto_sign_ed25519_sk_to_pk(key.pub.data(), key.secret.data());
  return key;
}

}  // namespace tracenet::crypto
