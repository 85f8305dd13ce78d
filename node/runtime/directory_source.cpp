#include "node/runtime/directory_source.h"

#include <spdlog/spdlog.h>

#include "node/common/clock.h"
#include "node/common/file_util.h"
#include "node/crypto/primitives.h"

namespace tracenet::runtime {

namespace {
constexpr std::string_view kStoreKey = "directory";

bool SameFile(const struct stat& a, const struct stat& b) {
  return a.st_ino == b.st_ino && a.st_size == b.st_size && a.st_mtim.tv_sec == b.st_mtim.tv_sec &&
         a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}
}  // namespace

Result<std::unique_ptr<DirectorySource>> DirectorySource::Open(DirectorySettings settings, store::NodeStore& store,
                                                               uint64_t now_ms) {
  std::unique_ptr<DirectorySource> source(new DirectorySource(std::move(settings), store));
  if (Status s = source->LoadLastGood(now_ms); !s) return s.error();
  source->Poll(now_ms);
  if (source->m_applied.version == 0)
    return MakeError(Errc::kConfig, "no usable directory: " + source->m_status.problem);
  return source;
}

Status DirectorySource::LoadLastGood(uint64_t now_ms) {
  std::optional<Bytes> stored;
  Status read = m_store.env().Read([&](store::Txn& txn) -> Status {
    if (auto v = txn.Get(m_store.table("meta"), AsBytes(kStoreKey))) stored = Bytes(v->begin(), v->end());
    return Status::Ok();
  });
  if (!read) return read;
  if (!stored) return Status::Ok();
  auto signed_directory = directory::DecodeSigned(*stored);
  if (!signed_directory) return MakeError(Errc::kIo, "the stored directory is unreadable: " + signed_directory.error().message);
  // The last good version was checked when applied; its signatures and federation are checked
  // again (the pinned authorities may have changed), its expiry is not: a node keeps working on
  // it, warning, until a newer one arrives.
  auto doc = directory::VerifyDirectory(*signed_directory, m_settings.anchor, {}, 0);
  if (!doc) {
    spdlog::error("event=directory_stored_refused reason=\"{}\"", doc.error().message);
    return Status::Ok();
  }
  m_current = std::move(doc.value());
  m_current_bytes = *stored;
  m_applied = {m_current.version, crypto::Hash256(signed_directory->document)};
  m_status = {m_current.federation, m_current.version, m_current.issued_at_ms, m_current.expires_at_ms, now_ms, 0, ""};
  return Status::Ok();
}

void DirectorySource::Refuse(const std::string& why) {
  ++m_status.refused_updates;
  if (why != m_status.problem)
    spdlog::error("event=directory_refused file={} reason=\"{}\" in_force_version={}", m_settings.file, why,
                  m_applied.version);
  m_status.problem = why;
}

bool DirectorySource::TryFile(uint64_t now_ms) {
  auto bytes = ReadFileBytes(m_settings.file);
  if (!bytes) {
    Refuse(bytes.error().message);
    return false;
  }
  auto applied = Apply(*bytes, now_ms);
  if (!applied) {
    Refuse(applied.error().message);
    return false;
  }
  return *applied;
}

Result<bool> DirectorySource::Offer(ByteView signed_directory, uint64_t now_ms) {
  Bytes bytes(signed_directory.begin(), signed_directory.end());
  auto applied = Apply(bytes, now_ms);
  if (!applied) {
    Refuse(applied.error().message);
    return applied.error();
  }
  if (*applied) {
    if (Status s = WriteFileAtomic(m_settings.file, bytes, 0644); !s)
      spdlog::warn("event=directory_file_not_updated file={} reason=\"{}\"", m_settings.file, s.error().message);
    else if (struct stat st {}; ::stat(m_settings.file.c_str(), &st) == 0) {
      m_file_seen = st;
      m_have_file_stat = true;
    }
  }
  return applied;
}

Result<bool> DirectorySource::Apply(const Bytes& bytes, uint64_t now_ms) {
  auto signed_directory = directory::DecodeSigned(bytes);
  if (!signed_directory) return signed_directory.error();
  crypto::Hash32 hash = crypto::Hash256(signed_directory->document);
  if (m_applied.version != 0 && hash == m_applied.document_hash) return false;  // the version in force
  auto doc = directory::VerifyDirectory(*signed_directory, m_settings.anchor, m_applied, now_ms);
  if (!doc) return doc.error();
  Status saved = m_store.env().Write([&](store::Txn& txn) {
    return txn.Put(m_store.table("meta"), AsBytes(kStoreKey), bytes);
  });
  if (!saved) return MakeError(saved.error().code, "cannot keep the directory: " + saved.error().message);
  spdlog::info("event=directory_applied federation={} version={} previous_version={} members={} revoked_keys={}",
               doc->federation, doc->version, m_applied.version, doc->members.size(), doc->revoked.size());
  m_current = std::move(doc.value());
  m_current_bytes = bytes;
  m_applied = {m_current.version, hash};
  uint64_t refused = m_status.refused_updates;
  m_status = {m_current.federation, m_current.version, m_current.issued_at_ms, m_current.expires_at_ms, now_ms, refused, ""};
  return true;
}

bool DirectorySource::Poll(uint64_t now_ms) {
  struct stat st {};
  bool changed = false;
  if (::stat(m_settings.file.c_str(), &st) != 0) {
    if (m_applied.version == 0) Refuse("cannot read directory file " + m_settings.file);
  } else if (!m_have_file_stat || !SameFile(st, m_file_seen)) {
    m_file_seen = st;
    m_have_file_stat = true;
    changed = TryFile(now_ms);
  }
  if (m_applied.version != 0 && m_current.expires_at_ms <= now_ms && m_status.problem.empty()) {
    m_status.problem = "the directory in force (version " + std::to_string(m_current.version) + ") expired at " +
                       FormatUtc(m_current.expires_at_ms) + "; ask the authorities for a new version";
    spdlog::error("event=directory_expired version={} reason=\"{}\"", m_current.version, m_status.problem);
  }
  return changed;
}

}  // namespace tracenet::runtime
