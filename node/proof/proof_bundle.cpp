#include "node/proof/proof_bundle.h"

#include <map>
#include <set>

#include "node/common/text.h"
#include "node/crypto/primitives.h"
#include "node/directory/directory_trust.h"
#include "node/protocol/envelope.h"
#include "node/protocol/link_frame.h"
#include "node/protocol/payload_check.h"
#include "node/proof/message_summary.h"

namespace tracenet::proof {

namespace {

using Json = nlohmann::ordered_json;
namespace pw = protocol::wire;

Error Refused(Errc code, std::string why) { return MakeError(code, "proof refused: " + std::move(why)); }

Result<Bytes> HexField(const nlohmann::json& j, const char* name, size_t size = 0) {
  if (!j.is_object() || !j.contains(name) || !j[name].is_string())
    return Refused(Errc::kMalformed, std::string(name) + " is missing or not a string");
  auto bytes = FromHex(j[name].get<std::string>());
  if (!bytes || (size && bytes->size() != size))
    return Refused(Errc::kMalformed, std::string(name) + " is not " + (size ? std::to_string(size) + " bytes of " : "") + "hex");
  return *bytes;
}

// The signing key `key_id` of `member`, as the directory lists it, usable at `at_ms`.
Result<crypto::PublicKey32> SigningKey(const directory::Document& d, const std::string& member, const crypto::KeyId& key_id,
                                       uint64_t at_ms) {
  const directory::Member* m = d.FindMember(member);
  if (!m) return Refused(Errc::kUnknownSender, member + " is not a member in the bundle's directory (version " +
                                                   std::to_string(d.version) + ")");
  for (const directory::MemberKey& k : m->keys) {
    if (k.purpose != directory::KeyPurpose::kSigning || crypto::KeyIdOf(k.key) != key_id) continue;
    if (!k.ValidAt(at_ms))
      return Refused(Errc::kExpired, "the key " + member + " signed with was not valid at " + FormatUtc(at_ms));
    for (const directory::RevokedKey& r : d.revoked)
      if (r.key == k.key && r.revoked_at_ms <= at_ms)
        return Refused(Errc::kBadSignature, "the key " + member + " signed with was revoked at " + FormatUtc(r.revoked_at_ms) +
                                                ", before the message");
    return k.key;
  }
  return Refused(Errc::kUnknownSender, "the directory lists no signing key of " + member + " with the id the message names");
}

Result<directory::Document> TrustedDirectory(const nlohmann::json& bundle, const std::vector<crypto::PublicKey32>& authorities,
                                             size_t threshold, Verdict& verdict) {
  auto bytes = HexField(bundle, "directory");
  if (!bytes) return bytes.error();
  auto signed_directory = directory::DecodeSigned(*bytes);
  if (!signed_directory) return Refused(Errc::kMalformed, "the directory: " + signed_directory.error().message);
  auto document = directory::DecodeDocument(signed_directory->document);
  if (!document) return Refused(Errc::kMalformed, "the directory: " + document.error().message);
  std::vector<crypto::PublicKey32> anchors = authorities;
  if (anchors.empty()) {
    for (const auto& s : signed_directory->signatures) anchors.push_back(s.authority);
    threshold = 1;
    verdict.not_proven.push_back("who the directory's authorities are: no authority keys were given (--authorities), so "
                                 "its signatures were checked only against the keys it names itself");
  }
  directory::TrustAnchor anchor{document->federation, anchors, threshold};
  size_t valid = directory::CountValidSignatures(*signed_directory, anchor);
  if (valid < threshold)
    return Refused(Errc::kBadSignature, "the directory is signed by " + std::to_string(valid) + " of the given authorities; " +
                                            std::to_string(threshold) + " needed");
  verdict.proven.push_back("the member keys come from directory version " + std::to_string(document->version) + " of " +
                           document->federation + ", issued " + FormatUtc(document->issued_at_ms) + ", signed by " +
                           std::to_string(valid) + " authorit" + (valid == 1 ? "y" : "ies"));
  return *document;
}

struct Checked {
  protocol::EnvelopeView view;
  Bytes envelope;
  std::optional<MessageMeaning> meaning;  // when disclosed
  Bytes payload;                          // when disclosed
};

}  // namespace

Json EncodeBundle(const BundleInput& in) {
  Json messages = Json::array();
  for (const BundleMessage& m : in.messages) {
    auto view = protocol::ParseEnvelope(m.envelope, m.envelope.size());
    Json j = {{"message_id", view ? ToHex(view->header.message_id) : ""},
              {"kind", view ? pw::EnumNameMessageKind(view->header.kind) : ""},
              {"envelope", ToHex(m.envelope)}};
    if (m.message_key) j["message_key"] = ToHex(ByteView(m.message_key->data(), m.message_key->size()));
    messages.push_back(std::move(j));
  }
  Json custody = Json::array();
  for (const store::CustodyRecord& c : in.custody) {
    Json ids = Json::array(), hashes = Json::array();
    for (size_t i = 0; i < c.message_ids.size(); ++i) {
      ids.push_back(ToHex(c.message_ids[i]));
      hashes.push_back(ToHex(ByteView(c.envelope_hashes[i].data(), c.envelope_hashes[i].size())));
    }
    custody.push_back({{"hub", c.hub}, {"message_ids", ids}, {"envelope_hashes", hashes}, {"signature", ToHex(c.signature)}});
  }
  return {{"format", kFormat},
          {"case_id", ToHex(in.case_id)},
          {"made_by", in.made_by},
          {"made_at", FormatUtc(in.made_at_ms)},
          {"directory", ToHex(in.signed_directory)},
          {"messages", messages},
          {"custody", custody}};
}

Result<Verdict> VerifyBundle(const nlohmann::json& bundle, const std::vector<crypto::PublicKey32>& authorities,
                             size_t threshold) {
  if (!bundle.is_object() || bundle.value("format", "") != kFormat)
    return Refused(Errc::kMalformed, std::string("not a ") + kFormat + " bundle");
  Verdict verdict;
  auto case_id = HexField(bundle, "case_id", 16);
  if (!case_id) return case_id.error();
  auto directory = TrustedDirectory(bundle, authorities, threshold, verdict);
  if (!directory) return directory.error();
  if (!bundle.contains("messages") || !bundle["messages"].is_array() || bundle["messages"].empty())
    return Refused(Errc::kMalformed, "the bundle carries no messages");

  // Every envelope first: its signer, key and signature; then what the disclosed ones say.
  std::vector<Checked> checked;
  std::set<Bytes> ids;
  for (const nlohmann::json& m : bundle["messages"]) {
    std::string which = "message " + std::to_string(checked.size() + 1);
    auto envelope = HexField(m, "envelope");
    if (!envelope) return envelope.error();
    auto view = protocol::ParseEnvelope(*envelope, envelope->size());
    if (!view) return Refused(Errc::kMalformed, which + " is not an envelope: " + view.error().message);
    const protocol::Header& h = view->header;
    if (h.created_at_ms > directory->expires_at_ms)
      return Refused(Errc::kExpired, which + " was made " + FormatUtc(h.created_at_ms) + ", after the bundle's directory expired (" +
                                         FormatUtc(directory->expires_at_ms) + ")");
    auto key = SigningKey(*directory, h.sender, h.sender_sign_key_id, h.created_at_ms);
    if (!key) return MakeError(key.error().code, key.error().message + " (" + which + ")");
    if (!crypto::Verify(*key, protocol::SigningInput(view->header_bytes, view->ciphertext), view->signature))
      return Refused(Errc::kBadSignature, which + " (" + pw::EnumNameMessageKind(h.kind) + " from " + h.sender +
                                              "): the signature does not verify; the envelope was altered");
    ids.insert(h.message_id);
    checked.push_back({*view, std::move(*envelope), std::nullopt});
  }
  if (!ids.count(*case_id)) return Refused(Errc::kInvalidArgument, "the bundle does not carry the case's request");

  std::map<Bytes, crypto::Hash32> hashes;
  size_t index = 0;
  for (Checked& c : checked) {
    const nlohmann::json& m = bundle["messages"][index++];
    const protocol::Header& h = c.view.header;
    hashes[h.message_id] = crypto::Hash256(c.envelope);
    std::string who = h.sender + " signed a " + pw::EnumNameMessageKind(h.kind) + " to " + h.recipient + " at " +
                      FormatUtc(h.created_at_ms) + " (message " + ToHex(h.message_id) + ")";
    if (!m.contains("message_key")) {
      verdict.proven.push_back(who);
      verdict.not_proven.push_back("what message " + ToHex(h.message_id) + " says: its key was not disclosed");
      continue;
    }
    auto key_bytes = HexField(m, "message_key", 32);
    if (!key_bytes) return key_bytes.error();
    crypto::SymmetricKey mk;
    std::copy(key_bytes->begin(), key_bytes->end(), mk.data());
    if (crypto::CommitToKey(mk) != h.key_commitment)
      return Refused(Errc::kBadSignature, "the key given for message " + ToHex(h.message_id) +
                                              " is not the one its signed commitment names (a key of another message?)");
    auto payload = crypto::AeadOpen(mk, c.view.header_bytes, c.view.ciphertext);
    if (!payload) return Refused(Errc::kBadSignature, "message " + ToHex(h.message_id) + " does not open with its key");
    if (Status s = protocol::CheckPayload(h.kind, *payload); !s)
      return Refused(Errc::kMalformed, "message " + ToHex(h.message_id) + ": " + s.error().message);
    MessageMeaning meaning = Understand(h.kind, *payload, h.message_id, *case_id, ids);
    if (!meaning.names_case)
      return Refused(Errc::kInvalidArgument, "message " + ToHex(h.message_id) + " (" + pw::EnumNameMessageKind(h.kind) +
                                                 ") is about another case than " + ToHex(*case_id));
    verdict.proven.push_back(who + ", saying: " + meaning.sentence);
    c.meaning = std::move(meaning);
    c.payload = std::move(payload.value());
  }

  // Receipts: the recipient names the exact bytes it received.
  for (const Checked& c : checked) {
    if (!c.meaning || c.view.header.kind != pw::MessageKind::DeliveryReceipt) continue;
    for (const pw::ReceiptEntry* e : *flatbuffers::GetRoot<pw::DeliveryReceipt>(c.payload.data())->entries()) {
      Bytes id(e->message_id()->begin(), e->message_id()->end());
      auto held = hashes.find(id);
      if (held == hashes.end()) continue;
      if (e->envelope_hash()->size() != 32 || !std::equal(held->second.begin(), held->second.end(), e->envelope_hash()->begin()))
        return Refused(Errc::kInvalidArgument, "the receipt " + ToHex(c.view.header.message_id) + " names other bytes for message " +
                                                   ToHex(id) + " than the bundle carries");
      verdict.proven.push_back(c.view.header.sender + " received message " + ToHex(id) + ", exactly these bytes");
    }
  }

  // Custody receipts: a hub signed for the exact envelope it took.
  for (const nlohmann::json& c : bundle.value("custody", nlohmann::json::array())) {
    std::string hub = c.value("hub", "");
    const directory::Member* member = directory->FindMember(hub);
    if (!member || member->role != "hub") return Refused(Errc::kUnknownSender, "custody receipt by " + hub + ", not a hub in the directory");
    std::vector<Bytes> batch_ids;
    std::vector<crypto::Hash32> batch_hashes;
    for (size_t i = 0; i < c.value("message_ids", nlohmann::json::array()).size(); ++i) {
      auto id = FromHex(c["message_ids"][i].get<std::string>());
      auto hash = FromHex(c["envelope_hashes"].at(i).get<std::string>());
      if (!id || id->size() != 16 || !hash || hash->size() != 32) return Refused(Errc::kMalformed, "a custody receipt entry is not hex");
      batch_ids.push_back(*id);
      crypto::Hash32 h;
      std::copy(hash->begin(), hash->end(), h.begin());
      batch_hashes.push_back(h);
    }
    auto signature = HexField(c, "signature", 64);
    if (!signature) return signature.error();
    Bytes input = protocol::CustodyBatchSigningInput(batch_ids, batch_hashes);
    bool signed_by_hub = false;
    for (const directory::MemberKey& k : member->keys)
      signed_by_hub = signed_by_hub || (k.purpose == directory::KeyPurpose::kSigning && crypto::Verify(k.key, input, *signature));
    if (!signed_by_hub) return Refused(Errc::kBadSignature, "the custody receipt by " + hub + " does not verify");
    for (size_t i = 0; i < batch_ids.size(); ++i) {
      auto held = hashes.find(batch_ids[i]);
      if (held == hashes.end()) continue;
      if (held->second != batch_hashes[i])
        return Refused(Errc::kInvalidArgument, "the custody receipt by " + hub + " names other bytes for message " + ToHex(batch_ids[i]));
      verdict.proven.push_back(hub + " took custody of message " + ToHex(batch_ids[i]) + ", exactly these bytes");
    }
  }
  verdict.not_proven.push_back("when a message was received: receipts carry the receiver's own clock, hubs' custody none");
  return verdict;
}

}  // namespace tracenet::proof
