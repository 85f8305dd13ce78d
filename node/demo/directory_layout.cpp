#include "node/demo/directory_layout.h"

#include <fstream>
#include <regex>

#include "node/common/clock.h"
#include "node/common/file_util.h"
#include "node/config/node_config.h"

namespace tracenet::demo {

namespace {
constexpr uint64_t kDayMs = 86'400'000;
}  // namespace

Status PublishDirectory(const std::string& file, const directory::Document& document,
                        const std::vector<const crypto::AuthorityKey*>& signers) {
  directory::SignedDirectory s{directory::EncodeDocument(document), {}};
  for (const crypto::AuthorityKey* a : signers) directory::AddSignature(s, a->secret, a->pub);
  return WriteFileAtomic(file, directory::EncodeSigned(s), 0644);
}

Result<DirectoryLayout> PutOnDirectory(const std::string& root, const std::vector<NodeLayout>& nodes,
                                       const std::map<std::string, MemberShape>& shapes, const std::string& federation) {
  DirectoryLayout out;
  out.file = root + "/directory.dir";
  out.federation = federation;
  for (int i = 0; i < 3; ++i) out.authorities.push_back(crypto::GenerateAuthorityKey());
  directory::Document& d = out.document;
  d.federation = federation;
  d.issued_at_ms = SystemClock().NowMs();
  d.expires_at_ms = d.issued_at_ms + 90 * kDayMs;
  std::string pins;
  for (const crypto::AuthorityKey& a : out.authorities) pins += "\"" + ToHex(a.pub) + "\", ";
  for (const NodeLayout& l : nodes) {
    auto found = shapes.find(l.id);
    MemberShape shape = found == shapes.end() ? MemberShape{} : found->second;
    std::string entry_path = l.dir + "/public.toml";
    if (Status s = WriteFileAtomic(entry_path, AsBytes(l.public_entry), 0644); !s) return s.error();
    auto entry = config::LoadPeers(entry_path);
    if (!entry) return entry.error();
    const protocol::PeerKeys& p = entry->front();
    std::vector<std::string> endpoints;
    if (!shape.outbound_only) endpoints.push_back(p.endpoint);
    d.members.push_back({p.id, p.country, p.id + " tracing centre", shape.role, endpoints, shape.home_hubs,
                         {{directory::KeyPurpose::kSigning, p.sign_public, 0, 0},
                          {directory::KeyPurpose::kEncryption, p.enc_public, 0, 0},
                          {directory::KeyPurpose::kTransport, p.transport_public, 0, 0}}});
    auto text = ReadFileBytes(l.config_path);
    if (!text) return text.error();
    std::string config(AsString(*text));
    config = std::regex_replace(config, std::regex("peers_file = \"peers.toml\"\n"), "");
    if (shape.outbound_only) config = std::regex_replace(config, std::regex("listen = \"tcp://[^\"]*\"\n"), "");
    if (shape.role == "hub") config = std::regex_replace(config, std::regex("\\[node\\]\n"), "[node]\nrole = \"hub\"\n");
    config += "\n[directory]\nfile = \"" + out.file + "\"\nfederation = \"" + federation +
              "\"\nthreshold = 2\nauthorities = [" + pins + "]\n";
    if (Status s = WriteFileAtomic(l.config_path, AsBytes(config), 0644); !s) return s.error();
  }
  if (Status s = PublishDirectory(out.file, d, {&out.authorities[0], &out.authorities[1]}); !s) return s.error();
  return out;
}

}  // namespace tracenet::demo
