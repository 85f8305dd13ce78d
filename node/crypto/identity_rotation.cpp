// Key rotation on disk. The storage key stays: it encrypts the node's own data at rest and is
// never shared, so rotating it would only make the node's past unreadable.
// Each step leaves a state the next run recognises, so an interrupted rotation can be run again:
//   1. the new keys are written to keys/.rotating/ (a leftover one is discarded);
//   2. the current keys are copied to keys/previous.tmp/, then renamed to keys/previous/
//      (a previous/ that holds the current keys means step 2 already happened);
//   3. each new key file is renamed over the current one, and .rotating/ removed.
#include <sodium.h>

#include <filesystem>

#include "node/crypto/identity.h"

namespace tracenet::crypto {
namespace {

namespace fs = std::filesystem;

bool SameKeys(const Identity& a, const Identity& b) {
  return a.pub.sign_public == b.pub.sign_public && a.pub.enc_public == b.pub.enc_public &&
         a.pub.transport_public == b.pub.transport_public;
}

Error Io(const std::string& what, const std::error_code& ec) {
  return MakeError(Errc::kIo, what + ": " + ec.message());
}

}  // namespace

Result<Identity> RotateIdentity(const std::string& dir) {
  auto current = LoadIdentity(dir);
  if (!current) return current.error();
  const std::string previous_dir = dir + "/previous";
  if (auto previous = LoadIdentity(previous_dir); previous && !SameKeys(*previous, *current))
    return MakeError(Errc::kInvalidArgument,
                     previous_dir + " still holds the keys of the last rotation: remove it once that rotation's "
                                    "overlap has ended (peers no longer use those keys), then rotate again");
  std::error_code ec;
  const std::string staging = dir + "/.rotating";
  fs::remove_all(staging, ec);
  Identity next = GenerateIdentity();
  next.storage_key = current->storage_key;
  if (Status s = WriteIdentity(staging, next); !s) return s.error();

  if (!fs::exists(previous_dir)) {
    const std::string tmp = dir + "/previous.tmp";
    fs::remove_all(tmp, ec);
    if (Status s = WriteIdentity(tmp, *current); !s) return s.error();
    fs::rename(tmp, previous_dir, ec);
    if (ec) return Io("cannot move " + tmp + " to " + previous_dir, ec);
  }
  for (const char* file : {"sign.key", "enc.key", "transport.key"}) {
    fs::rename(staging + "/" + file, dir + "/" + file, ec);
    if (ec) return Io(std::string("cannot install the new ") + file, ec);
  }
  fs::remove_all(staging, ec);
  return next;
}

}  // namespace tracenet::crypto
