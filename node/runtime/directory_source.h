// Where a node's peers come from when it runs on a signed directory: the last good version kept
// in the store, and the directory file, checked when it changes. A new version is applied at
// once when the trust rules hold (node/directory/directory_trust.h) and kept as the last good
// one; a bad one is refused loudly, counted, and the last good version stays in force.
// Thread-safety: the node loop's thread only.
#pragma once

#include <sys/stat.h>

#include <memory>
#include <string>

#include "node/directory/directory_trust.h"
#include "node/store/node_store.h"

namespace tracenet::runtime {

struct DirectorySettings {
  std::string file;
  directory::TrustAnchor anchor;
};

struct DirectoryStatus {
  std::string federation;
  uint64_t version = 0;
  uint64_t issued_at_ms = 0;
  uint64_t expires_at_ms = 0;
  uint64_t applied_at_ms = 0;
  uint64_t refused_updates = 0;
  std::string problem;  // why the newest file was refused, or that the applied one expired
};

class DirectorySource {
 public:
  // Fails when neither the store nor the file holds a directory that may be applied.
  static Result<std::unique_ptr<DirectorySource>> Open(DirectorySettings settings, store::NodeStore& store,
                                                       uint64_t now_ms);
  // Re-reads the file if it changed; true when a new version was applied.
  bool Poll(uint64_t now_ms);
  // A directory that arrived another way (pushed by a hub, posted to the API): applied when the
  // trust rules hold, and written to the file so the node starts from it next time. Returns
  // whether it was applied, or why not.
  Result<bool> Offer(ByteView signed_directory, uint64_t now_ms);
  // The signed bytes of the version in force (to pass on to members).
  const Bytes& current_bytes() const { return m_current_bytes; }
  const directory::Document& current() const { return m_current; }
  const DirectoryStatus& status() const { return m_status; }

 private:
  DirectorySource(DirectorySettings settings, store::NodeStore& store) : m_settings(std::move(settings)), m_store(store) {}
  Status LoadLastGood(uint64_t now_ms);
  // Verifies and applies the file's directory; false (with the reason recorded) when refused.
  bool TryFile(uint64_t now_ms);
  Result<bool> Apply(const Bytes& bytes, uint64_t now_ms);
  void Refuse(const std::string& why);

  DirectorySettings m_settings;
  store::NodeStore& m_store;
  directory::Document m_current;
  Bytes m_current_bytes;
  directory::AppliedVersion m_applied;
  DirectoryStatus m_status;
  struct stat m_file_seen {};
  bool m_have_file_stat = false;
};

}  // namespace tracenet::runtime
