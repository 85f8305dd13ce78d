// A node's long-term keys: Ed25519 signing, X25519 encryption, the CurveZMQ transport key and
// the storage key that encrypts case data at rest. Secret files are written mode 0600 and
// refused on load when group or others may read them.
// Thread-safety: immutable after loading.
#pragma once

#include <string>

#include "node/common/result.h"
#include "node/crypto/secret.h"

namespace tracenet::crypto {

struct PublicIdentity {
  PublicKey32 sign_public{};
  PublicKey32 enc_public{};
  PublicKey32 transport_public{};
  KeyId sign_key_id{};
  KeyId enc_key_id{};
};

struct Identity {
  PublicIdentity pub;
  SigningSecret sign_secret;
  BoxSecret enc_secret;
  BoxSecret transport_secret;
  SymmetricKey storage_key;
};

// Fresh random keys.
Identity GenerateIdentity();
// Fills the key ids from the public keys.
void ComputeKeyIds(PublicIdentity& pub);

// Writes sign.key, enc.key, transport.key and storage.key (mode 0600) into `dir`, creating it
// with mode 0700. Refuses to overwrite existing key files.
Status WriteIdentity(const std::string& dir, const Identity& identity);
// Loads the four secret files; fails with Errc::kPermission naming the file when one has
// looser permissions than 0600, and with Errc::kIo when one is missing or malformed.
Result<Identity> LoadIdentity(const std::string& dir);
// Replaces the signing, encryption and transport keys in `dir` with fresh ones and keeps the old
// ones in `dir`/previous/, where the node finds them to open messages still sealed to its old
// encryption key during the directory's overlap period. The storage key is kept. Refuses while
// previous/ holds an earlier rotation's keys. Safe to run again after an interruption.
Result<Identity> RotateIdentity(const std::string& dir);

// A directory authority's signing key (one per authority, kept on its own machine).
struct AuthorityKey {
  SigningSecret secret;
  PublicKey32 pub{};
};
AuthorityKey GenerateAuthorityKey();
// Mode 0600; refuses to overwrite an existing file.
Status WriteAuthorityKey(const std::string& path, const AuthorityKey& key);
Result<AuthorityKey> LoadAuthorityKey(const std::string& path);

}  // namespace tracenet::crypto
