#include "node/cli/directory_commands.h"

#include <CLI/CLI.hpp>

#include <cstdio>

#include "node/api/api_client.h"
#include "node/cli/config_option.h"
#include "node/common/clock.h"
#include "node/common/file_util.h"
#include "node/config/node_config.h"
#include "node/crypto/identity.h"
#include "node/crypto/primitives.h"
#include "node/directory/directory_trust.h"

namespace tracenet::cli {

namespace {

using directory::Document;
using directory::SignedDirectory;

constexpr uint64_t kDayMs = 86'400'000;

uint64_t NowMs() { return SystemClock().NowMs(); }

int Fail(const std::string& what) {
  std::fprintf(stderr, "tracenet directory: %s\n", what.c_str());
  return 2;
}

Result<SignedDirectory> ReadSigned(const std::string& path) {
  auto bytes = ReadFileBytes(path);
  if (!bytes) return bytes.error();
  auto s = directory::DecodeSigned(*bytes);
  if (!s) return MakeError(s.error().code, path + ": " + s.error().message);
  return s;
}

Status WriteSigned(const std::string& path, const SignedDirectory& s) {
  return WriteFileAtomic(path, directory::EncodeSigned(s), 0644);
}

Result<crypto::PublicKey32> KeyFromHex(const std::string& hex) {
  auto raw = FromHex(hex);
  if (!raw || raw->size() != 32) return MakeError(Errc::kInvalidArgument, "\"" + hex + "\" is not a 32-byte key in hex");
  crypto::PublicKey32 k;
  std::copy(raw->begin(), raw->end(), k.begin());
  return k;
}

// The public entry `tracenet keygen` writes (a [[peer]] block): id, country, endpoint, keys.
Result<protocol::PeerKeys> ReadPeerEntry(const std::string& path) {
  auto peers = config::LoadPeers(path);
  if (!peers) return peers.error();
  if (peers->size() != 1) return MakeError(Errc::kInvalidArgument, path + " must hold exactly one [[peer]] entry");
  return peers->front();
}

std::vector<directory::MemberKey> KeysOf(const protocol::PeerKeys& p, uint64_t from_ms) {
  return {{directory::KeyPurpose::kSigning, p.sign_public, from_ms, 0},
          {directory::KeyPurpose::kEncryption, p.enc_public, from_ms, 0},
          {directory::KeyPurpose::kTransport, p.transport_public, from_ms, 0}};
}

std::string FormatTime(uint64_t ms) { return ms == 0 ? "-" : FormatUtc(ms); }

std::string Render(const SignedDirectory& s) {
  auto doc = directory::DecodeDocument(s.document);
  if (!doc) return doc.error().message + "\n";
  std::string out = "Federation " + doc->federation + ", version " + std::to_string(doc->version) + ", issued " +
                    FormatTime(doc->issued_at_ms) + ", expires " + FormatTime(doc->expires_at_ms) + "\n";
  out += "Document hash " + ToHex(crypto::Hash256(s.document)) + "\n";
  out += "Policy: max message " + std::to_string(doc->policy.max_message_bytes) + " bytes, default TTL " +
         std::to_string(doc->policy.default_ttl_hours) + " h\n\nMembers:\n";
  for (const directory::Member& m : doc->members) {
    out += "  " + m.id + " (" + m.role + ", " + m.country + ") " + m.name + "\n";
    for (const std::string& e : m.endpoints) out += "    endpoint " + e + "\n";
    if (m.endpoints.empty()) out += "    outbound only\n";
    for (const std::string& h : m.home_hubs) out += "    home hub " + h + "\n";
    for (const directory::MemberKey& k : m.keys)
      out += "    " + std::string(directory::PurposeName(k.purpose)) + " key " + ToHex(k.key) + " valid " +
             FormatTime(k.valid_from_ms) + " .. " + FormatTime(k.valid_until_ms) +
             (directory::IsRevoked(*doc, k.key) ? "  REVOKED" : "") + "\n";
  }
  if (!doc->revoked.empty()) out += "\nRevoked keys:\n";
  for (const directory::RevokedKey& r : doc->revoked)
    out += "  " + ToHex(r.key) + " since " + FormatTime(r.revoked_at_ms) + ": " + r.reason + "\n";
  out += "\nSignatures: " + std::to_string(s.signatures.size()) + "\n";
  for (const directory::AuthoritySignature& a : s.signatures) out += "  by " + ToHex(a.authority) + "\n";
  return out;
}

// Loads a draft, applies `edit` to its document, writes it back without signatures.
int Edit(const std::string& path, const std::function<Status(Document&)>& edit) {
  auto s = ReadSigned(path);
  if (!s) return Fail(s.error().message);
  auto doc = directory::DecodeDocument(s->document);
  if (!doc) return Fail(doc.error().message);
  if (Status e = edit(*doc); !e) return Fail(e.error().message);
  Bytes encoded = directory::EncodeDocument(*doc);
  if (!directory::DecodeDocument(encoded)) return Fail(directory::DecodeDocument(encoded).error().message);
  if (!s->signatures.empty())
    std::printf("The draft changed: its %zu signature(s) no longer apply and were removed.\n", s->signatures.size());
  if (Status w = WriteSigned(path, {encoded, {}}); !w) return Fail(w.error().message);
  std::printf("%s: version %llu, %zu members, unsigned\n", path.c_str(), static_cast<unsigned long long>(doc->version),
              doc->members.size());
  return 0;
}

}  // namespace

void AddDirectoryCommands(CLI::App& app, DirectoryCommands& c) {
  c.root = app.add_subcommand("directory", "Keep the signed member directory (authorities and secretariat)");
  c.root->require_subcommand(1);
  AddConfigOption(c.root, c.config);  // publish: the node to hand it to (its local API)
  auto add = [&](const char* name, const char* help) {
    CLI::App* sub = c.root->add_subcommand(name, help);
    sub->callback([&c, name] { c.action = name; });
    return sub;
  };
  auto* keygen = add("authority-keygen", "Create an authority signing key (mode 0600) and print its public key");
  keygen->add_option("--out", c.out, "Secret key file to create")->required();
  auto* init = add("init", "Start version 1 of a federation's directory (unsigned draft)");
  init->add_option("--federation", c.federation, "Federation name")->required();
  init->add_option("--out", c.out, "Draft file")->required();
  init->add_option("--valid-days", c.valid_days, "Days until the directory expires")->capture_default_str();
  init->add_option("--max-message-bytes", c.max_message_bytes, "Federation policy")->capture_default_str();
  init->add_option("--ttl-hours", c.ttl_hours, "Default message time to live")->capture_default_str();
  auto* next = add("next", "Start the next version from the current signed directory (unsigned draft)");
  next->add_option("--in", c.in, "Current signed directory")->required();
  next->add_option("--out", c.out, "Draft file")->required();
  next->add_option("--valid-days", c.valid_days, "Days until the new version expires")->capture_default_str();
  auto* add_member = add("add-member", "Add a member from its public entry (tracenet keygen's public.toml)");
  add_member->add_option("--in", c.in, "Draft to edit")->required();
  add_member->add_option("--peer-entry", c.peer_entry, "The member's public.toml")->required();
  add_member->add_option("--name", c.name, "Institution name")->required();
  add_member->add_option("--role", c.role, "national or hub")->capture_default_str();
  add_member->add_option("--endpoint", c.endpoints, "Endpoint (repeat; default: the entry's; none: outbound only)");
  add_member->add_option("--home-hub", c.home_hubs, "Home hub member id, in order of preference (repeat)");
  auto* update = add("update-member", "Change a member's endpoints, hubs or name, or rotate its keys");
  update->add_option("--in", c.in, "Draft to edit")->required();
  update->add_option("--id", c.id, "Member id")->required();
  update->add_option("--name", c.name, "New institution name");
  update->add_option("--endpoint", c.endpoints, "Replace the endpoints (repeat)");
  update->add_option("--home-hub", c.home_hubs, "Replace the home hubs (repeat)");
  update->add_option("--rotate-to", c.peer_entry, "Public entry with the new keys: old keys stay valid for the overlap");
  update->add_option("--overlap-days", c.overlap_days, "Days the old keys remain valid")->capture_default_str();
  auto* remove = add("remove-member", "Remove a member");
  remove->add_option("--in", c.in, "Draft to edit")->required();
  remove->add_option("--id", c.id, "Member id")->required();
  auto* revoke = add("revoke-key", "Revoke a public key at once (a compromised or lost key)");
  revoke->add_option("--in", c.in, "Draft to edit")->required();
  revoke->add_option("--key", c.key, "Public key in hex")->required();
  revoke->add_option("--reason", c.reason, "Why")->required();
  auto* sign = add("sign", "Sign a draft with one authority key (each authority on its own machine)");
  sign->add_option("--in", c.in, "Draft or partly signed directory")->required();
  sign->add_option("--key", c.key, "Authority secret key file")->required();
  sign->add_option("--out", c.out, "Signed output (default: in place)");
  auto* merge = add("merge", "Merge signatures collected separately over the same draft");
  merge->add_option("parts", c.parts, "Signed copies")->required();
  merge->add_option("--out", c.out, "Merged output")->required();
  auto* verify = add("verify", "Check a directory as a node would");
  verify->add_option("--in", c.in, "Signed directory")->required();
  verify->add_option("--federation", c.federation, "Federation name")->required();
  verify->add_option("--authority", c.authorities, "Pinned authority public key in hex (repeat)")->required();
  verify->add_option("--threshold", c.threshold, "Signatures required (k)")->required();
  auto* publish = add("publish", "Hand a signed directory to a node (a hub passes it on to its members)");
  publish->add_option("--in", c.in, "Signed directory")->required();
  auto* show = add("show", "Print a directory or draft");
  show->add_option("--in", c.in, "File")->required();
}

int DirectoryCommands::Run() {
  if (Status s = crypto::Init(); !s) return Fail(s.error().message);
  if (action == "authority-keygen") {
    crypto::AuthorityKey key = crypto::GenerateAuthorityKey();
    if (Status s = crypto::WriteAuthorityKey(out, key); !s) return Fail(s.error().message);
    std::printf("Authority key written to %s (mode 0600). Public key, to pin in every node's config:\n%s\n",
                out.c_str(), ToHex(key.pub).c_str());
    return 0;
  }
  if (action == "init") {
    Document d;
    d.federation = federation;
    d.issued_at_ms = NowMs();
    d.expires_at_ms = d.issued_at_ms + static_cast<uint64_t>(valid_days) * kDayMs;
    d.policy = {max_message_bytes, ttl_hours};
    if (Status s = WriteSigned(out, {directory::EncodeDocument(d), {}}); !s) return Fail(s.error().message);
    std::printf("%s: %s version 1, unsigned; add members, then have the authorities sign it\n", out.c_str(),
                federation.c_str());
    return 0;
  }
  if (action == "next") {
    auto s = ReadSigned(in);
    if (!s) return Fail(s.error().message);
    auto doc = directory::DecodeDocument(s->document);
    if (!doc) return Fail(doc.error().message);
    crypto::Hash32 previous = crypto::Hash256(s->document);
    doc->version += 1;
    doc->previous_hash.assign(previous.begin(), previous.end());
    doc->issued_at_ms = NowMs();
    doc->expires_at_ms = doc->issued_at_ms + static_cast<uint64_t>(valid_days) * kDayMs;
    if (Status w = WriteSigned(out, {directory::EncodeDocument(*doc), {}}); !w) return Fail(w.error().message);
    std::printf("%s: version %llu draft, following %s\n", out.c_str(), static_cast<unsigned long long>(doc->version),
                ToHex(previous).substr(0, 16).c_str());
    return 0;
  }
  if (action == "add-member")
    return Edit(in, [&](Document& d) -> Status {
      auto entry = ReadPeerEntry(peer_entry);
      if (!entry) return entry.error();
      if (d.FindMember(entry->id)) return MakeError(Errc::kInvalidArgument, "member " + entry->id + " is already listed");
      if (role != "national" && role != "hub") return MakeError(Errc::kInvalidArgument, "--role must be national or hub");
      directory::Member m{entry->id, entry->country, name, role, endpoints, home_hubs, KeysOf(*entry, 0)};
      if (m.endpoints.empty() && !entry->endpoint.empty()) m.endpoints = {entry->endpoint};
      if (m.endpoints.size() == 1 && m.endpoints[0] == "none") m.endpoints.clear();
      d.members.push_back(std::move(m));
      return Status::Ok();
    });
  if (action == "update-member")
    return Edit(in, [&](Document& d) -> Status {
      directory::Member* m = d.FindMember(id);
      if (!m) return MakeError(Errc::kNotFound, "no member " + id);
      if (!name.empty()) m->name = name;
      if (!endpoints.empty()) m->endpoints = endpoints.size() == 1 && endpoints[0] == "none" ? std::vector<std::string>{} : endpoints;
      if (!home_hubs.empty()) m->home_hubs = home_hubs;
      if (!peer_entry.empty()) {
        auto entry = ReadPeerEntry(peer_entry);
        if (!entry) return entry.error();
        uint64_t now = NowMs();
        uint64_t until = now + static_cast<uint64_t>(overlap_days) * kDayMs;
        directory::RotateMemberKeys(*m, KeysOf(*entry, now), until);
        std::printf("Keys of %s rotate: the old ones stay valid until %s\n", id.c_str(), FormatUtc(until).c_str());
      }
      return Status::Ok();
    });
  if (action == "remove-member")
    return Edit(in, [&](Document& d) -> Status {
      auto before = d.members.size();
      std::erase_if(d.members, [&](const directory::Member& m) { return m.id == id; });
      if (d.members.size() == before) return MakeError(Errc::kNotFound, "no member " + id);
      for (directory::Member& m : d.members)
        if (std::erase(m.home_hubs, id) > 0) std::printf("%s no longer names %s as a home hub\n", m.id.c_str(), id.c_str());
      return Status::Ok();
    });
  if (action == "revoke-key")
    return Edit(in, [&](Document& d) -> Status {
      auto k = KeyFromHex(key);
      if (!k) return k.error();
      if (!directory::IsRevoked(d, *k)) d.revoked.push_back({*k, NowMs(), reason});
      return Status::Ok();
    });
  if (action == "sign") {
    auto s = ReadSigned(in);
    if (!s) return Fail(s.error().message);
    if (auto doc = directory::DecodeDocument(s->document); !doc) return Fail(doc.error().message);
    auto authority = crypto::LoadAuthorityKey(key);
    if (!authority) return Fail(authority.error().message);
    directory::AddSignature(*s, authority->secret, authority->pub);
    std::string target = out.empty() ? in : out;
    if (Status w = WriteSigned(target, *s); !w) return Fail(w.error().message);
    std::printf("%s: signed by %s (%zu signature(s))\n", target.c_str(), ToHex(authority->pub).substr(0, 16).c_str(),
                s->signatures.size());
    return 0;
  }
  if (action == "merge") {
    std::vector<SignedDirectory> loaded;
    for (const std::string& p : parts) {
      auto s = ReadSigned(p);
      if (!s) return Fail(s.error().message);
      loaded.push_back(std::move(s.value()));
    }
    auto merged = directory::MergeSignatures(loaded);
    if (!merged) return Fail(merged.error().message);
    if (Status w = WriteSigned(out, *merged); !w) return Fail(w.error().message);
    std::printf("%s: %zu signature(s)\n", out.c_str(), merged->signatures.size());
    return 0;
  }
  if (action == "verify") {
    auto s = ReadSigned(in);
    if (!s) return Fail(s.error().message);
    directory::TrustAnchor anchor{federation, {}, threshold};
    for (const std::string& hex : authorities) {
      auto k = KeyFromHex(hex);
      if (!k) return Fail(k.error().message);
      anchor.authorities.push_back(*k);
    }
    auto doc = directory::VerifyDirectory(*s, anchor, {}, NowMs());
    if (!doc) {
      std::printf("INVALID: %s\n", doc.error().message.c_str());
      return 1;
    }
    std::printf("VALID: %s version %llu, %zu of %zu pinned authorities signed (%zu required), expires %s\n",
                doc->federation.c_str(), static_cast<unsigned long long>(doc->version),
                directory::CountValidSignatures(*s, anchor), anchor.authorities.size(), threshold,
                FormatUtc(doc->expires_at_ms).c_str());
    return 0;
  }
  if (action == "publish") {
    auto bytes = ReadFileBytes(in);
    if (!bytes) return Fail(bytes.error().message);
    auto node_config = config::LoadNodeConfig(config);
    if (!node_config) return Fail(node_config.error().message);
    auto client = api::ApiClient::FromConfig(*node_config);
    if (!client) return Fail(client.error().message);
    auto result = client->Post("/v1/directory", {{"signed_directory_hex", ToHex(*bytes)}});
    if (!result) return Fail(result.error().message);
    std::printf("%s applied directory version %llu%s\n", node_config->id.c_str(),
                static_cast<unsigned long long>((*result)["version"].get<uint64_t>()),
                node_config->role == "hub" ? "; it passes it on to its members" : "");
    return 0;
  }
  if (action == "show") {
    auto s = ReadSigned(in);
    if (!s) return Fail(s.error().message);
    std::printf("%s", Render(*s).c_str());
    return 0;
  }
  return Fail("no directory command given");
}

}  // namespace tracenet::cli
