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
#include "node/demo/directory_layout.h"
#include "node/directory/directory_trust.h"

namespace tracenet::e2e {

using directory::Document;
using directory::SignedDirectory;

inline uint64_t NowMs() { return SystemClock().NowMs(); }

using demo::MemberShape;

class DirectoryFederation {
 public:
  // `shapes`: member id -> how it sits in the federation (national and listening by default).
  explicit DirectoryFederation(std::vector<demo::NodeSpec> specs, std::map<std::string, MemberShape> shapes = {})
      : f(specs) {
    std::vector<demo::NodeLayout> layouts;
    for (const demo::NodeSpec& spec : specs) layouts.push_back(f.layout(spec.id));
    auto layout = demo::PutOnDirectory(f.root(), layouts, shapes, "e2e-federation");
    if (!layout) {
      ADD_FAILURE() << layout.error().message;
      return;
    }
    for (size_t i = 0; i < 3; ++i) authorities[i] = layout->authorities[i];
    file = layout->file;
    base = layout->document;
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
