// A hub's side of the messenger: taking custody of envelopes for other members (checked at
// ingress, within each member's quota), signing custody receipts per batch, checking the
// receipts of the hubs we hand messages to, and telling a sender when what it handed us expired.
#include <spdlog/spdlog.h>

#include "node/crypto/primitives.h"
#include "node/messaging/messenger.h"
#include "node/protocol/link_frame.h"
#include "tracenet/schema/payloads_generated.h"

namespace tracenet::messaging {

namespace wire = protocol::wire;

namespace {
std::string ShortId(ByteView id) { return ToHex(id).substr(0, 12); }
}  // namespace

PreparedFrame Messenger::PrepareRelay(PreparedFrame p, const protocol::EnvelopeView& envelope, uint64_t now_ms) const {
  // Threat model (schema/README.md §11): a hub verifies the sender's signature with the
  // directory's keys, so it carries only what a member signed; a member's link may carry only
  // that member's own envelopes, a hub's link anyone's. The recipient verifies everything again.
  const protocol::Header& h = envelope.header;
  p.message_id = h.message_id;
  p.relay->message_id = h.message_id;
  p.relay->sender = h.sender;
  p.relay->recipient = h.recipient;
  p.relay->expires_at_ms = h.expires_at_ms;
  p.relay->kind = static_cast<uint32_t>(h.kind);
  auto refuse = [&](Errc code, std::string why) {
    p.relay.reset();
    p.error = MakeError(code, std::move(why));
    return p;
  };
  const protocol::PeerKeys* link_peer = m_keys->FindPeer(p.frame->member);
  if (h.sender != p.frame->member && !(link_peer && link_peer->role == "hub"))
    return refuse(Errc::kSenderMismatch, "envelope claims sender " + h.sender + " but the link is authenticated as " +
                                             p.frame->member);
  const protocol::PeerKeys* sender = m_keys->FindPeer(h.sender);
  if (!sender) return refuse(Errc::kUnknownSender, "sender " + h.sender + " is not a member");
  const crypto::PublicKey32* key = m_keys->SigningKeyFor(*sender, h.sender_sign_key_id);
  if (!key) return refuse(Errc::kUnknownSender, "signing key id is not a valid key of " + h.sender);
  if (!crypto::Verify(*key, protocol::SigningInput(envelope.header_bytes, envelope.ciphertext), envelope.signature))
    return refuse(Errc::kBadSignature, "signature by " + h.sender + " does not verify");
  if (!m_keys->FindPeer(h.recipient)) return refuse(Errc::kWrongRecipient, "recipient " + h.recipient + " is not a member");
  if (h.expires_at_ms <= now_ms) return refuse(Errc::kExpired, "message expired at " + FormatUtc(h.expires_at_ms));
  if (h.created_at_ms > now_ms + m_options.clock_skew_ms)
    return refuse(Errc::kNotYetValid, "message was created " + std::to_string((h.created_at_ms - now_ms) / 1000) +
                                          " s in the future, beyond the clock-skew window");
  if (Status s = protocol::CheckLifetime(h, now_ms, m_options.clock_skew_ms, m_options.max_accepted_ttl_ms); !s)
    return refuse(s.error().code, s.error().message);
  p.relay->envelope_hash = crypto::Hash256(p.relay->envelope);
  return p;
}

Status Messenger::HandleRelay(store::Txn& txn, const transport::InboundFrame& frame, const RelayItem& relay,
                              std::vector<HopReply>& replies) {
  auto& [custody_ids, custody_hashes] = m_batch.custody[{frame.from_listener, frame.routing_id, frame.member}];
  if (m_store.FindSeen(txn, relay.message_id)) {  // a sender's retry: carried once already
    ++m_counters.duplicates;
    custody_ids.push_back(relay.message_id);
    custody_hashes.push_back(relay.envelope_hash);
    return Status::Ok();
  }
  std::string hop = NextHop(relay.recipient, frame.member);
  if (hop.empty() || hop == frame.member) {
    Reject(frame, relay.message_id, MakeError(Errc::kWrongRecipient, "no route to " + relay.recipient + " from here"), replies);
    return Status::Ok();
  }
  if (OutboxFull()) {
    Reject(frame, relay.message_id, MakeError(Errc::kBackpressure, "outbox is full; retry later"), replies);
    return Status::Ok();
  }
  // Each member's share of this hub: a flood from one sender, or for one absent recipient, is
  // deferred on its own while everyone else's traffic goes on.
  if (Status s = m_quotas.Check(relay.sender, relay.recipient); !s) {
    Reject(frame, relay.message_id, s.error(), replies);
    return Status::Ok();
  }
  m_quotas.Reserve(relay.sender, relay.recipient);
  store::OutboxEntry entry;
  entry.peer = hop;
  entry.message_id = relay.message_id;
  entry.expires_at_ms = relay.expires_at_ms;
  entry.kind = relay.kind;
  entry.envelope.assign(relay.envelope.begin(), relay.envelope.end());
  if (Status s = AddEntry(txn, std::move(entry)); !s) return s;
  store::SeenEntry seen;
  seen.expires_at_ms = relay.expires_at_ms + m_options.clock_skew_ms;
  seen.accepted_at_ms = m_clock.NowMs();
  if (Status s = m_store.RememberSeen(txn, relay.message_id, seen); !s) return s;
  if (Status s = m_handler.OnRelayed(txn, relay.message_id, frame.member, relay.recipient, hop); !s) return s;
  ++m_counters.relayed;
  custody_ids.push_back(relay.message_id);
  custody_hashes.push_back(relay.envelope_hash);
  return Status::Ok();
}

void Messenger::CustodyReceipts(std::vector<HopReply>& replies) {
  for (auto& [link, taken] : m_batch.custody) {
    auto& [ids, hashes] = taken;
    for (size_t start = 0; start < ids.size(); start += protocol::kMaxCustodyBatch) {
      size_t end = std::min(ids.size(), start + protocol::kMaxCustodyBatch);
      std::vector<Bytes> chunk_ids(ids.begin() + start, ids.begin() + end);
      std::vector<crypto::Hash32> chunk_hashes(hashes.begin() + start, hashes.begin() + end);
      replies.push_back({std::get<0>(link), std::get<1>(link), std::get<2>(link),
                         protocol::EncodeCustodyBatch(chunk_ids, chunk_hashes, m_keys->self().sign_secret)});
    }
  }
  m_batch.custody.clear();
}

Status Messenger::HandleCustodyBatch(store::Txn& txn, const std::string& peer, const protocol::CustodyBatchFrame& batch) {
  auto qit = m_queues.find(peer);
  for (size_t i = 0; i < batch.message_ids.size(); ++i) {
    const Bytes& id = batch.message_ids[i];
    if (qit == m_queues.end() || !qit->second.seq_by_id.count(IdKey(id))) continue;  // settled already
    // The hub signed for this hash: it must be the envelope we sent, or custody is not proved.
    auto entry = m_store.GetOutboxEntry(txn, id);
    if (!entry) return entry.error();
    if (!*entry || crypto::Hash256((*entry)->envelope) != batch.envelope_hashes[i]) {
      m_log_limiter.Warn("custody:" + peer, "event=custody_receipt_invalid peer={} msg={} reason=\"names another "
                         "envelope than the one sent\"", peer, ShortId(id));
      continue;
    }
    if (Status s = Settle(txn, peer, id, "custody receipt signed by " + peer); !s) return s;
    if (m_evidence && m_evidence->Envelope(txn, id))
      if (Status s = m_evidence->KeepCustody(txn, id, {peer, batch.message_ids, batch.envelope_hashes, batch.signature}); !s)
        return s;
  }
  return Status::Ok();
}

Status Messenger::NotifyNonDelivery(store::Txn& txn, const std::string& next_hop, ByteView message_id) {
  auto entry = m_store.GetOutboxEntry(txn, message_id);
  if (!entry) return entry.error();
  if (!*entry) return Status::Ok();
  auto envelope = protocol::ParseEnvelope((*entry)->envelope, (*entry)->envelope.size());
  if (!envelope || envelope->header.sender == m_keys->self_id()) return Status::Ok();  // our own message
  // A relayed envelope expired here: tell its sender, signed and encrypted like any message.
  wire::ErrorT notice;
  notice.in_reply_to = Bytes(message_id.begin(), message_id.end());
  notice.code = wire::ErrorCode::Expired;
  notice.detail = m_keys->self_id() + " held it for " + envelope->header.recipient + " until it expired at " +
                  FormatUtc(envelope->header.expires_at_ms) + "; the next hop " + next_hop + " never took it";
  flatbuffers::FlatBufferBuilder b(256);
  b.Finish(wire::Error::Pack(b, &notice));
  spdlog::warn("event=non_delivery_notice msg={} sender={} recipient={}", ShortId(message_id), envelope->header.sender,
               envelope->header.recipient);
  auto sent = Send(txn, envelope->header.sender, wire::MessageKind::Error,
                   ByteView(b.GetBufferPointer(), b.GetSize()));
  // A sender that left the directory cannot be told; that must not stop the expiry sweep.
  if (!sent)
    spdlog::warn("event=non_delivery_notice_not_sent msg={} sender={} reason=\"{}\"", ShortId(message_id),
                 envelope->header.sender, sent.error().message);
  return Status::Ok();
}

}  // namespace tracenet::messaging
