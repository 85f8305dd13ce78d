#include "node/audit/audit_bundle.h"

namespace tracenet::audit {
namespace {

using Json = nlohmann::json;

std::string Hex(const crypto::Hash32& h) { return ToHex(ByteView(h.data(), h.size())); }

bool FromHex32(const Json& j, crypto::Hash32& out) {
  if (!j.is_string()) return false;
  auto bytes = FromHex(j.get<std::string>());
  if (!bytes || bytes->size() != 32) return false;
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return true;
}

}  // namespace

Json MakeBundle(const std::string& node_id, const crypto::PublicKey32& sign_public, const std::vector<AuditEntry>& entries,
                const std::map<uint64_t, Bytes>& checkpoints) {
  Json list = Json::array(), signed_heads = Json::array();
  for (const AuditEntry& e : entries)
    list.push_back({{"seq", e.seq}, {"at_ms", e.event.at_ms}, {"actor", e.event.actor}, {"event", e.event.event},
                    {"subject", e.event.subject}, {"detail", e.event.detail}, {"prev_hash", Hex(e.prev_hash)},
                    {"hash", Hex(e.hash)}});
  for (const auto& [seq, sig] : checkpoints) signed_heads.push_back({{"seq", seq}, {"signature", ToHex(sig)}});
  return {{"format", "tracenet-audit-bundle-v1"}, {"node", node_id},
          {"sign_public", ToHex(ByteView(sign_public.data(), sign_public.size()))},
          {"entries", list}, {"checkpoints", signed_heads}};
}

VerifyReport VerifyBundle(const Json& bundle, const crypto::PublicKey32& sign_public) {
  VerifyReport r;
  auto fail = [&](uint64_t seq, std::string problem) {
    r.ok = false;
    r.first_break = seq;
    r.problem = std::move(problem);
    return r;
  };
  if (!bundle.is_object() || bundle.value("format", "") != "tracenet-audit-bundle-v1" || !bundle["entries"].is_array() ||
      !bundle["checkpoints"].is_array())
    return fail(0, "not a tracenet audit bundle");
  std::map<uint64_t, crypto::Hash32> hashes;
  crypto::Hash32 prev{};
  uint64_t expected = 0;
  for (const Json& j : bundle["entries"]) {
    AuditEntry e;
    try {
      e.seq = j.at("seq").get<uint64_t>();
      e.event = {j.at("at_ms").get<uint64_t>(), j.at("actor").get<std::string>(), j.at("event").get<std::string>(),
                 j.at("subject").get<std::string>(), j.at("detail").get<std::string>()};
    } catch (const Json::exception&) {
      return fail(expected, "entry " + std::to_string(expected) + " is malformed");
    }
    if (!FromHex32(j["prev_hash"], e.prev_hash) || !FromHex32(j["hash"], e.hash))
      return fail(e.seq, "entry " + std::to_string(e.seq) + " has a malformed hash");
    if (expected != 0 && (e.seq != expected || e.prev_hash != prev))
      return fail(expected, "entry " + std::to_string(expected) + " is missing or does not link to the entry before it");
    if (EntryHash(e.seq, e.event, e.prev_hash) != e.hash)
      return fail(e.seq, "entry " + std::to_string(e.seq) + " was changed: its hash does not match its content");
    hashes[e.seq] = prev = e.hash;
    expected = e.seq + 1;
    ++r.entries;
  }
  uint64_t last_signed = 0;
  for (const Json& c : bundle["checkpoints"]) {
    uint64_t seq = c.value("seq", uint64_t{0});
    auto sig = c["signature"].is_string() ? FromHex(c["signature"].get<std::string>()) : std::nullopt;
    auto h = hashes.find(seq);
    if (!sig || h == hashes.end()) return fail(seq, "checkpoint " + std::to_string(seq) + " names no entry of the bundle");
    if (!crypto::Verify(ByteView(sign_public.data(), sign_public.size()), CheckpointBytes(seq, h->second), *sig))
      return fail(seq, "checkpoint " + std::to_string(seq) + " is not signed by the given key");
    last_signed = std::max(last_signed, seq);
    ++r.checkpoints;
  }
  if (r.entries == 0) return fail(0, "the bundle has no entries");
  if (last_signed != expected - 1) return fail(expected - 1, "the last entries are not covered by a signed checkpoint");
  return r;
}

}  // namespace tracenet::audit
