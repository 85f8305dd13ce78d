// Checking a proof bundle (schema/README.md §7.2) as a third party would: the bundle comes from
// a party to the case, so everything in it is hostile until shown otherwise — its JSON, its
// directory, which messages it says belong together, and who it says received what.
#include <map>
#include <set>

#include "node/common/text.h"
#include "node/crypto/primitives.h"
#include "node/directory/directory_trust.h"
#include "node/proof/message_summary.h"
#include "node/proof/proof_bundle.h"
#include "node/protocol/envelope.h"
#include "node/protocol/link_frame.h"
#include "node/protocol/payload_check.h"

namespace tracenet::proof {

namespace {

namespace pw = protocol::wire;
using nlohmann::json;

Error Refused(Errc code, std::string why) { return MakeError(code, "proof refused: " + std::move(why)); }

Result<Bytes> HexOf(const json& value, const std::string& name, size_t size = 0) {
  if (!value.is_string()) return Refused(Errc::kMalformed, name + " is missing or not a string");
  auto bytes = FromHex(value.get<std::string>());
  if (!bytes || (size && bytes->size() != size))
    return Refused(Errc::kMalformed, name + " is not " + (size ? std::to_string(size) + " bytes of " : "") + "hex");
  return *bytes;
}

Result<Bytes> HexField(const json& j, const char* name, size_t size = 0) {
  if (!j.is_object() || !j.contains(name)) return Refused(Errc::kMalformed, std::string(name) + " is missing");
  return HexOf(j[name], name, size);
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

Result<directory::Document> TrustedDirectory(const json& bundle, const std::vector<crypto::PublicKey32>& authorities,
                                             size_t threshold, Verdict& verdict) {
  auto bytes = HexField(bundle, "directory");
  if (!bytes) return bytes.error();
  auto signed_directory = directory::DecodeSigned(*bytes);
  if (!signed_directory) return Refused(Errc::kMalformed, "the directory: " + signed_directory.error().message);
  auto document = directory::DecodeDocument(signed_directory->document);
  if (!document) return Refused(Errc::kMalformed, "the directory: " + document.error().message);
  std::vector<crypto::PublicKey32> anchors = authorities;
  verdict.authorities_pinned = !anchors.empty();
  if (anchors.empty()) {
    for (const auto& s : signed_directory->signatures) anchors.push_back(s.authority);
    threshold = 1;
    verdict.not_proven.push_back("who the directory's authorities are: no authority keys were given (--authorities), so "
                                 "its signatures were checked only against the keys it names itself — anyone can make such a directory");
  }
  directory::TrustAnchor anchor{document->federation, anchors, std::max<size_t>(threshold, 1)};
  size_t valid = directory::CountValidSignatures(*signed_directory, anchor);
  if (valid < anchor.threshold)
    return Refused(Errc::kBadSignature, "the directory is signed by " + std::to_string(valid) + " of the given authorities; " +
                                            std::to_string(anchor.threshold) + " needed");
  verdict.proven.push_back("the member keys come from directory version " + std::to_string(document->version) + " of " +
                           document->federation + ", issued " + FormatUtc(document->issued_at_ms) + ", signed by " +
                           std::to_string(valid) + " authorit" + (valid == 1 ? "y" : "ies"));
  return *document;
}

struct Message {
  protocol::EnvelopeView view;
  Bytes envelope;
  crypto::Hash32 hash{};
  std::optional<crypto::SymmetricKey> key;
  Bytes payload;  // once opened
};

// Kinds that name the case directly come first; errors may name those, receipts anything.
int Order(pw::MessageKind kind) {
  return kind == pw::MessageKind::DeliveryReceipt ? 2 : kind == pw::MessageKind::Error ? 1 : 0;
}

// Who may have sent a disclosed message of this case, given the request's two parties.
Status CheckParties(const protocol::Header& h, const protocol::Header& request, const directory::Document& d) {
  const std::string &requester = request.sender, &requested = request.recipient;
  auto is = [&](const std::string& s, const std::string& r) { return h.sender == s && h.recipient == r; };
  bool ok = true;
  switch (h.kind) {
    case pw::MessageKind::TraceAcknowledgement:
    case pw::MessageKind::TraceAcknowledgementBatch:
    case pw::MessageKind::TraceResponse: ok = is(requested, requester); break;
    case pw::MessageKind::TraceFollowUp: ok = is(requested, requester) || is(requester, requested); break;
    case pw::MessageKind::Error: {
      const directory::Member* sender = d.FindMember(h.sender);
      ok = (h.recipient == requester || h.recipient == requested) &&
           (h.sender == requester || h.sender == requested || (sender && sender->role == "hub"));
      break;
    }
    default: break;  // receipts: checked against each message they cover
  }
  if (ok) return Status::Ok();
  return Refused(Errc::kInvalidArgument, "message " + ToHex(h.message_id) + " (" + pw::EnumNameMessageKind(h.kind) + " from " +
                                             h.sender + " to " + h.recipient + ") is not between the case's parties " + requester +
                                             " and " + requested);
}

Result<Verdict> Verify(const json& bundle, const std::vector<crypto::PublicKey32>& authorities, size_t threshold) {
  if (!bundle.is_object() || !bundle.contains("format") || bundle["format"] != kFormat)
    return Refused(Errc::kMalformed, std::string("not a ") + kFormat + " bundle");
  Verdict verdict;
  auto case_id = HexField(bundle, "case_id", 16);
  if (!case_id) return case_id.error();
  auto directory = TrustedDirectory(bundle, authorities, threshold, verdict);
  if (!directory) return directory.error();
  if (!bundle.contains("messages") || !bundle["messages"].is_array() || bundle["messages"].empty())
    return Refused(Errc::kMalformed, "the bundle carries no messages");

  // Every envelope: its signer, key and signature, once each.
  std::map<Bytes, Message> messages;
  for (const json& m : bundle["messages"]) {
    std::string which = "message " + std::to_string(messages.size() + 1);
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
    Message message{*view, std::move(*envelope), {}, std::nullopt, {}};
    message.hash = crypto::Hash256(message.envelope);
    if (m.contains("message_key")) {
      auto k = HexOf(m["message_key"], "message_key", 32);
      if (!k) return k.error();
      message.key.emplace();
      std::copy(k->begin(), k->end(), message.key->data());
    }
    if (!messages.emplace(h.message_id, std::move(message)).second)
      return Refused(Errc::kInvalidArgument, "message " + ToHex(h.message_id) + " appears twice");
  }
  auto request = messages.find(*case_id);
  if (request == messages.end() || request->second.view.header.kind != pw::MessageKind::TraceRequest)
    return Refused(Errc::kInvalidArgument, "the bundle does not carry the case's request (a TraceRequest whose message id is " +
                                               ToHex(*case_id) + ")");
  const protocol::Header& request_header = request->second.view.header;

  // The disclosed ones: what they say, and that they belong to this case and its parties. A
  // message belongs when it names the request, or (errors, receipts) a message that does.
  std::vector<Message*> disclosed;
  for (auto& [id, m] : messages)
    if (m.key) disclosed.push_back(&m);
  std::stable_sort(disclosed.begin(), disclosed.end(),
                   [](const Message* a, const Message* b) { return Order(a->view.header.kind) < Order(b->view.header.kind); });
  std::set<Bytes> of_case = {*case_id};
  for (Message* m : disclosed) {
    const protocol::Header& h = m->view.header;
    std::string id = ToHex(h.message_id);
    if (crypto::CommitToKey(*m->key) != h.key_commitment)
      return Refused(Errc::kBadSignature, "the key given for message " + id +
                                              " is not the one its signed commitment names (a key of another message?)");
    auto payload = crypto::AeadOpen(*m->key, m->view.header_bytes, m->view.ciphertext);
    if (!payload) return Refused(Errc::kBadSignature, "message " + id + " does not open with its key");
    if (Status s = protocol::CheckPayload(h.kind, *payload); !s) return Refused(Errc::kMalformed, "message " + id + ": " + s.error().message);
    m->payload = std::move(*payload);
    std::set<Bytes> others = of_case;
    others.erase(h.message_id);  // nothing is part of the case by naming itself
    MessageMeaning meaning = Understand(h.kind, m->payload, h.message_id, *case_id, others);
    if (!meaning.names_case)
      return Refused(Errc::kInvalidArgument, "message " + id + " (" + pw::EnumNameMessageKind(h.kind) + ") is about another case than " +
                                                 ToHex(*case_id));
    if (Status s = CheckParties(h, request_header, *directory); !s) return s.error();
    for (const Bytes& covered : meaning.receipted) {
      const protocol::Header& c = messages.at(covered).view.header;
      if (c.recipient != h.sender || c.sender != h.recipient)
        return Refused(Errc::kInvalidArgument, "the receipt " + id + " by " + h.sender + " covers message " + ToHex(covered) +
                                                   ", which was sent to " + c.recipient + ", not to it");
    }
    of_case.insert(h.message_id);
    verdict.proven.push_back(h.sender + " signed a " + pw::EnumNameMessageKind(h.kind) + " to " + h.recipient + ", dated " +
                             FormatUtc(h.created_at_ms) + " (message " + id + "), saying: " + meaning.sentence);
  }
  for (const auto& [id, m] : messages) {
    if (m.key) continue;
    const protocol::Header& h = m.view.header;
    verdict.proven.push_back(h.sender + " signed a " + pw::EnumNameMessageKind(h.kind) + " to " + h.recipient + ", dated " +
                             FormatUtc(h.created_at_ms) + " (message " + ToHex(id) + ")");
    verdict.not_proven.push_back("what message " + ToHex(id) + " says" + (id == *case_id ? "" : ", or that it belongs to this case") +
                                 ": its key was not disclosed");
  }

  // Receipts: the recipient names the exact bytes it received.
  for (const Message* m : disclosed) {
    if (m->view.header.kind != pw::MessageKind::DeliveryReceipt) continue;
    for (const pw::ReceiptEntry* e : *flatbuffers::GetRoot<pw::DeliveryReceipt>(m->payload.data())->entries()) {
      Bytes id(e->message_id()->begin(), e->message_id()->end());
      auto held = messages.find(id);
      if (held == messages.end() || !of_case.count(id)) continue;
      if (e->envelope_hash()->size() != 32 || !std::equal(held->second.hash.begin(), held->second.hash.end(), e->envelope_hash()->begin()))
        return Refused(Errc::kInvalidArgument, "the receipt " + ToHex(m->view.header.message_id) + " names other bytes for message " +
                                                   ToHex(id) + " than the bundle carries");
      verdict.proven.push_back(m->view.header.sender + " received message " + ToHex(id) + ", exactly these bytes");
    }
  }

  // Custody receipts: a hub signed for the exact envelope it took.
  const json none = json::array();
  const json& custody = bundle.contains("custody") ? bundle["custody"] : none;
  if (!custody.is_array()) return Refused(Errc::kMalformed, "custody is not a list");
  for (const json& c : custody) {
    if (!c.is_object() || !c.contains("hub") || !c["hub"].is_string() || !c.contains("message_ids") || !c["message_ids"].is_array() ||
        !c.contains("envelope_hashes") || !c["envelope_hashes"].is_array() || c["message_ids"].size() != c["envelope_hashes"].size() ||
        c["message_ids"].empty() || c["message_ids"].size() > protocol::kMaxCustodyBatch)
      return Refused(Errc::kMalformed, "a custody receipt needs hub, and message_ids and envelope_hashes of the same length");
    std::string hub = c["hub"].get<std::string>();
    const directory::Member* member = directory->FindMember(hub);
    if (!member || member->role != "hub") return Refused(Errc::kUnknownSender, "custody receipt by " + hub + ", not a hub in the directory");
    std::vector<Bytes> batch_ids;
    std::vector<crypto::Hash32> batch_hashes;
    for (size_t i = 0; i < c["message_ids"].size(); ++i) {
      auto id = HexOf(c["message_ids"][i], "a custody message id", 16);
      if (!id) return id.error();
      auto hash = HexOf(c["envelope_hashes"][i], "a custody envelope hash", 32);
      if (!hash) return hash.error();
      batch_ids.push_back(*id);
      batch_hashes.emplace_back();
      std::copy(hash->begin(), hash->end(), batch_hashes.back().begin());
    }
    auto signature = HexField(c, "signature", 64);
    if (!signature) return signature.error();
    Bytes input = protocol::CustodyBatchSigningInput(batch_ids, batch_hashes);
    bool signed_by_hub = false;
    for (const directory::MemberKey& k : member->keys)
      signed_by_hub = signed_by_hub || (k.purpose == directory::KeyPurpose::kSigning && !directory::IsRevoked(*directory, k.key) &&
                                        crypto::Verify(k.key, input, *signature));
    if (!signed_by_hub) return Refused(Errc::kBadSignature, "the custody receipt by " + hub + " does not verify with a key of " + hub +
                                                               " the directory lists as not revoked");
    for (size_t i = 0; i < batch_ids.size(); ++i) {
      auto held = messages.find(batch_ids[i]);
      if (held == messages.end()) continue;
      if (held->second.hash != batch_hashes[i])
        return Refused(Errc::kInvalidArgument, "the custody receipt by " + hub + " names other bytes for message " + ToHex(batch_ids[i]));
      verdict.proven.push_back(hub + " took custody of message " + ToHex(batch_ids[i]) + ", exactly these bytes");
    }
  }
  verdict.not_proven.push_back("that the bundle is complete: whoever made it chose which messages to include");
  verdict.not_proven.push_back("when a message was made or received: the dates are the signer's own (each signed, but set by "
                               "its clock), and hubs' custody receipts carry none");
  verdict.not_proven.push_back("that a key was not compromised before its revocation: the maker chose the directory version");
  return verdict;
}

}  // namespace

Result<Verdict> VerifyBundle(const json& bundle, const std::vector<crypto::PublicKey32>& authorities, size_t threshold) {
  try {
    return Verify(bundle, authorities, threshold);
  } catch (const std::exception& e) {  // a shape the checks above did not foresee: refused, never a crash
    return Refused(Errc::kMalformed, std::string("the bundle is not well formed (") + e.what() + ")");
  }
}

}  // namespace tracenet::proof
