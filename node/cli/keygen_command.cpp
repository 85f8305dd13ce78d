#include <cstdio>

#include "node/cli/commands.h"
#include "node/common/file_util.h"
#include "node/crypto/identity.h"
#include "node/crypto/primitives.h"

namespace tracenet::cli {

Result<std::string> Keygen(const KeygenOptions& options) {
  if (Status s = crypto::Init(); !s) return s.error();
  if (options.id.empty()) return MakeError(Errc::kInvalidArgument, "--id is required");
  crypto::Identity identity;
  if (options.rotate) {
    auto rotated = crypto::RotateIdentity(options.dir);
    if (!rotated) return rotated.error();
    identity = std::move(*rotated);
  } else {
    identity = crypto::GenerateIdentity();
    if (Status s = crypto::WriteIdentity(options.dir, identity); !s) return s.error();
  }
  std::string entry = "[[peer]]\nid = \"" + options.id + "\"\ncountry = \"" + options.country + "\"\n";
  if (!options.endpoint.empty()) entry += "endpoint = \"" + options.endpoint + "\"\n";
  entry += "sign_key = \"" + ToHex(identity.pub.sign_public) + "\"\n";
  entry += "enc_key = \"" + ToHex(identity.pub.enc_public) + "\"\n";
  entry += "transport_key = \"" + ToHex(identity.pub.transport_public) + "\"\n";
  if (Status s = WriteFileAtomic(options.dir + "/public.toml", AsBytes(entry), 0644); !s) return s.error();
  return entry;
}

}  // namespace tracenet::cli
