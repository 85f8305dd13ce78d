// A federation of real nodes on 127.0.0.1 running on a signed directory (three authorities,
// two signatures required) instead of peer files, with hubs and outbound-only members as a test
// lays them out. Thread-safety: one test thread.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <thread>

#include "federation_fixture.h"
#include "node/common/clock.h"
#include "node/config/node_config.h"
#include "node/crypto/identity.h"
#include "node/crypto/primitives.h"
#include "node/directory/directory_trust.h"

namespace tracenet::e2e {

using directory::Document;
using directory::SignedDirectory;

constexpr uint64_t kDayMs = 86'400'000;

inline uint64_t NowMs() { return SystemClock().NowMs(); }

struct MemberShape {
  std::string role = "national";
  bool outbound_only = false;  // no listener: it connects out to its hubs only
  std::vector<std::string> home_hubs;
};

class DirectoryFederation {
 public:
  // `roles`: member id -> how it sits in the federation (national listening by default).
  explicit DirectoryFederation(std::vector<demo::NodeSpec> specs, std::map<std::string, MemberShape> shapes = {})
      : f(specs) {
    (void)crypto::Init();
    for (auto& a : authorities) a = crypto::GenerateAuthorityKey();
    file = f.root() + "/directory.dir";
    base.federation = "e2e-federation";
    base.issued_at_ms = NowMs();
    base.expires_at_ms = NowMs() + 30 * kDayMs;
    for (const demo::NodeSpec& spec : specs) {
      const std::string& id = spec.id;
      MemberShape shape = shapes.count(id) ? shapes[id] : MemberShape{};
      const demo::NodeLayout& l = f.layout(id);
      std::string entry_path = l.dir + "/entry.toml";
      std::ofstream(entry_path) << l.public_entry;
      protocol::PeerKeys p = config::LoadPeers(entry_path)->front();
      std::vector<std::string> endpoints;
      if (!shape.outbound_only) endpoints.push_back(p.endpoint);
      base.members.push_back({p.id, p.country, p.id + " tracing centre", shape.role, endpoints, shape.home_hubs,
                              {{directory::KeyPurpose::kSigning, p.sign_public, 0, 0},
                               {directory::KeyPurpose::kEncryption, p.enc_public, 0, 0},
                               {directory::KeyPurpose::kTransport, p.transport_public, 0, 0}}});
      // The node's config pins the authorities instead of naming a peer file.
      std::ifstream in(l.config_path);
      std::string config((std::istreambuf_iterator<char>(in)), {});
      config = std::regex_replace(config, std::regex("peers_file = \"peers.toml\"\n"), "");
      if (shape.outbound_only) config = std::regex_replace(config, std::regex("listen = \"tcp://[^\"]*\"\n"), "");
      if (shape.role == "hub") config = std::regex_replace(config, std::regex("\\[node\\]\n"), "[node]\nrole = \"hub\"\n");
      config += "\n[directory]\nfile = \"" + file + "\"\nfederation = \"e2e-federation\"\nthreshold = 2\nauthorities = [";
      for (auto& a : authorities) config += "\"" + ToHex(a.pub) + "\", ";
      config += "]\n";
      std::ofstream(l.config_path) << config;
    }
  }

  SignedDirectory Sign(const Document& d, std::initializer_list<int> signers) {
    SignedDirectory s{directory::EncodeDocument(d), {}};
    for (int i : signers) directory::AddSignature(s, authorities[i].secret, authorities[i].pub);
    return s;
  }
  // The next version after `previous`, as `tracenet directory next` makes it.
  Document Next(const SignedDirectory& previous) {
    Document d = *directory::DecodeDocument(previous.document);
    d.version += 1;
    crypto::Hash32 h = crypto::Hash256(previous.document);
    d.previous_hash.assign(h.begin(), h.end());
    return d;
  }
  void Publish(const Bytes& bytes) {
    std::string tmp = file + ".tmp";
    std::ofstream(tmp, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    std::filesystem::rename(tmp, file);
  }
  void Publish(const SignedDirectory& s) { Publish(directory::EncodeSigned(s)); }
  // Waits until the node's directory status satisfies `done`.
  Json WaitDirectory(const std::string& node, const std::function<bool(const Json&)>& done) {
    Json d;
    for (int i = 0; i < 100; ++i) {
      d = f.Status(node)["directory"];
      if (done(d)) return d;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << node << " directory status never matched: " << d.dump();
    return d;
  }

  Federation f;
  crypto::AuthorityKey authorities[3];
  std::string file;
  Document base;
};


}  // namespace tracenet::e2e
