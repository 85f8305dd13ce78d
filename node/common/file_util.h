// Small, careful file helpers: whole-file reads, atomic writes with an explicit mode, and the
// permission check that secret files must pass. Thread-safety: stateless.
#pragma once

#include <string>

#include "node/common/bytes.h"
#include "node/common/result.h"

namespace tracenet {

Result<Bytes> ReadFileBytes(const std::string& path);
// Writes to a temporary file, fsyncs it and renames it over `path`, so a crash leaves either
// the old or the new content. `mode` applies from the first byte (no window of looser bits).
Status WriteFileAtomic(const std::string& path, ByteView content, unsigned mode);
// Fails unless `path` is a regular file that neither group nor others can read or write.
Status CheckSecretFileMode(const std::string& path);
Status MakeDirectories(const std::string& path, unsigned mode = 0700);

}  // namespace tracenet
