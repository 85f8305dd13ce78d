// Puts a laid-out local federation (federation_layout.h) on a signed member directory instead
// of peer files: three authority keys, a directory signed by two of them, and each node's
// config rewritten to pin the authorities, with hubs and outbound-only members as asked. Used by
// `tracenet demo` and the end-to-end tests. Thread-safety: pure function over the file system.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "node/crypto/identity.h"
#include "node/demo/federation_layout.h"
#include "node/directory/directory_trust.h"

namespace tracenet::demo {

struct MemberShape {
  std::string role = "national";   // or "hub"
  bool outbound_only = false;      // no listener: it connects out (to its hubs) only
  std::vector<std::string> home_hubs;
};

struct DirectoryLayout {
  std::string file;                           // where nodes read the directory
  std::string federation;
  std::vector<crypto::AuthorityKey> authorities;  // 3; the directory needs 2 signatures
  directory::Document document;               // version 1 as written
};

Result<DirectoryLayout> PutOnDirectory(const std::string& root, const std::vector<NodeLayout>& nodes,
                                       const std::map<std::string, MemberShape>& shapes, const std::string& federation);

// Signs `document` with the given authorities and writes it to `file` atomically.
Status PublishDirectory(const std::string& file, const directory::Document& document,
                        const std::vector<const crypto::AuthorityKey*>& signers);

}  // namespace tracenet::demo
