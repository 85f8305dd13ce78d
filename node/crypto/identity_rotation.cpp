// Key rotation on disk. The storage key stays: it encrypts the node's own data at rest and is
// never shared, so rotating it would only make the node's past unreadable.
// Each step leaves a state the next run recognises, so an interrupted rotation can be run again:
//   1. the new keys are written to keys/.rotating/ (a leftover one without previous/ is discarded);
//   2. the current keys are copied to keys/previous.tmp/, then renamed to keys/previous/;
//   3. each new key file is renamed over the current one, and .rotating/ removed. With
//      previous/ and .rotating/ both present a run finishes this step; previous/ alone means an
//      earlier rotation is complete, and another is refused until previous/ is removed.
// An unreadable previous/ is an error, never skipped: the old keys must not be lost.
#include <sodium.h>

#include <filesystem>

#include "node/crypto/identity.h"

namespace tracenet::crypto {
namespace {

namespace fs = std::filesystem;

Error Io(const std::string& what, const std::error_code& ec) {
  return MakeError(Errc::kIo, what + ": " + ec.message());
}

}  // namespace

Result<Identity> RotateIdentity(const std::string& dir) {
  const std::string previous_dir = dir + "/previous", staging = dir + "/.rotating";
  std::error_code ec;
  auto install = [&]() -> Result<Identity> {
    for (const char* file : {"sign.key", "enc.key", "transport.key"}) {
      if (!fs::exists(staging + "/" + file)) continue;  // installed before an interruption
      fs::rename(staging + "/" + file, dir + "/" + file, ec);
      if (ec) return Io(std::string("cannot install the new ") + file, ec);
    }
    fs::remove_all(staging, ec);
    return LoadIdentity(dir);
  };
  if (fs::exists(previous_dir)) {
    // The old keys are safe in previous/: either a rotation was interrupted while installing the
    // staged keys (finish it), or an earlier rotation is complete (refuse, or its keys are lost).
    auto previous = LoadIdentity(previous_dir);
    if (!previous) return MakeError(previous.error().code, "cannot read " + previous_dir + ": " + previous.error().message);
    if (fs::exists(staging + "/storage.key")) return install();
    return MakeError(Errc::kInvalidArgument,
                     previous_dir + " still holds the keys of the last rotation: remove it once that rotation's "
                                    "overlap has ended (peers no longer use those keys), then rotate again");
  }
  auto current = LoadIdentity(dir);
  if (!current) return current.error();
  fs::remove_all(staging, ec);  // a staging left before previous/ existed: never installed
  Identity next = GenerateIdentity();
  next.storage_key = current->storage_key;
  if (Status s = WriteIdentity(staging, next); !s) return s.error();
  const std::string tmp = dir + "/previous.tmp";
  fs::remove_all(tmp, ec);
  if (Status s = WriteIdentity(tmp, *current); !s) return s.error();
  fs::rename(tmp, previous_dir, ec);
  if (ec) return Io("cannot move " + tmp + " to " + previous_dir, ec);
  return install();
}

}  // namespace tracenet::crypto
