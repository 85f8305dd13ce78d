#include "node/messaging/messenger.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "node/crypto/primitives.h"
#include "node/protocol/header_claims.h"
#include "node/protocol/link_frame.h"
#include "node/protocol/payload_check.h"
#include "node/protocol/sender_rules.h"
#include "tracenet/schema/payloads_generated.h"

namespace tracenet::messaging {

namespace wire = protocol::wire;

using protocol::HopAckFrame;

namespace {
std::string ShortId(ByteView id) { return ToHex(id).substr(0, 12); }
}  // namespace

Messenger::Messenger(store::NodeStore& store, std::shared_ptr<const protocol::Keyring> keys,
                     const Clock& clock, MessengerOptions options, Counters& counters,
                     DeliveryHandler& handler)
    : m_store(store), m_keys(keys), m_published_keys(std::move(keys)), m_clock(clock), m_options(options),
      m_counters(counters), m_handler(handler) {
  m_message_ttl_ms = m_options.message_ttl_ms;
  m_quotas.SetLimits(m_options.relay_limits);
}

Status Messenger::LoadOutbox() {
  m_queues.clear();
  m_outbox_size = 0;
  m_quotas = RelayQuotas(m_options.relay_limits);
  return m_store.env().Read([&](store::Txn& txn) {
    return m_store.ScanOutbox(txn, [&](const store::OutboxEntry& e) {
      Admit(QueueFor(e.peer), e, false);
      return true;
    });
  });
}

size_t Messenger::queued_for(const std::string& peer) const {
  auto it = m_queues.find(peer);
  return it == m_queues.end() ? 0 : it->second.by_seq.size() + it->second.spilled;
}

uint64_t Messenger::oldest_created_ms(const std::string& peer) const {
  auto it = m_queues.find(peer);
  if (it == m_queues.end() || it->second.by_seq.empty()) return 0;
  // Message ids begin with their creation time (48-bit Unix ms), and the resident messages are
  // the oldest of a peer's queue.
  const Bytes& id = it->second.by_seq.begin()->second.message_id;
  uint64_t ms = 0;
  for (size_t i = 0; i < 6 && i < id.size(); ++i) ms = (ms << 8) | id[i];
  return ms;
}

namespace {
// The messages a case can be proven with (schema/README.md §7.2); this node's own are kept as
// they leave, received ones by the trace service once it files them under a case.
bool IsEvidence(wire::MessageKind kind) {
  switch (kind) {
    case wire::MessageKind::TraceRequest:
    case wire::MessageKind::TraceAcknowledgement:
    case wire::MessageKind::TraceAcknowledgementBatch:
    case wire::MessageKind::TraceResponse:
    case wire::MessageKind::DeliveryReceipt:
    case wire::MessageKind::Error:
    case wire::MessageKind::TraceFollowUp: return true;
    default: return false;
  }
}
}  // namespace

PreparedFrame Messenger::Prepare(const transport::InboundFrame& frame, uint64_t now_ms) const {
  PreparedFrame p;
  p.frame = &frame;
  p.message_id = Bytes(16, 0);  // until something names the message
  ByteView bytes(static_cast<const uint8_t*>(frame.data.data()), frame.data.size());
  // The frame may exceed the envelope limit by its own overhead (ZeroMQ drops anything beyond
  // max + kFrameOverheadBytes): an oversized envelope inside is refused by name below.
  auto decoded = protocol::DecodeLinkFrame(bytes, m_options.max_message_bytes + protocol::kFrameOverheadBytes);
  if (!decoded) {
    p.error = decoded.error();
    return p;
  }
  if (auto* ack = std::get_if<HopAckFrame>(&*decoded)) {
    p.ack = std::move(*ack);
    return p;
  }
  if (auto* hello = std::get_if<protocol::HelloFrame>(&*decoded)) {
    p.hello = std::move(hello->protocol_versions);
    return p;
  }
  if (auto* update = std::get_if<protocol::DirectoryUpdateFrame>(&*decoded)) {
    p.directory_update = update->directory;
    return p;
  }
  if (auto* request = std::get_if<protocol::DirectoryRequestFrame>(&*decoded)) {
    p.directory_request = request->have_version;
    return p;
  }
  if (auto* custody = std::get_if<protocol::CustodyBatchFrame>(&*decoded)) {
    // Checked here, in parallel: one signature covers the whole batch.
    const protocol::PeerKeys* hub = m_keys->FindPeer(frame.member);
    p.custody_refused = true;
    if (!hub || hub->role != "hub")
      p.error = MakeError(Errc::kSenderMismatch, "custody receipt from " + frame.member + ", which is not a hub");
    else if (!crypto::Verify(hub->sign_public,
                             protocol::CustodyBatchSigningInput(custody->message_ids, custody->envelope_hashes),
                             custody->signature))
      p.error = MakeError(Errc::kBadSignature, "custody receipt signature by " + frame.member + " does not verify");
    else {
      p.custody_refused = false;
      p.custody = std::move(*custody);
    }
    return p;
  }
  ByteView envelope = std::get<protocol::DeliverFrame>(*decoded).envelope;
  if (m_relays) {
    auto parsed = protocol::ParseEnvelope(envelope, m_options.max_message_bytes);
    if (parsed && parsed->header.recipient != m_keys->self_id()) {
      p.relay = RelayItem{envelope, {}, {}, {}, 0, 0};
      return PrepareRelay(std::move(p), *parsed, now_ms);
    }
  }
  auto opened = protocol::OpenEnvelope(
      envelope, *m_keys, {now_ms, m_options.clock_skew_ms, m_options.max_message_bytes, m_options.max_accepted_ttl_ms});
  if (!opened) {
    // Name the envelope whenever its id can be read, so its sender can match the refusal.
    if (Bytes id = protocol::PeekMessageId(envelope); !id.empty()) p.message_id = std::move(id);
    p.error = opened.error();
    return p;
  }
  p.message_id = opened->header.message_id;
  // Directly from the sender, or carried by a hub (which checked the sender at its ingress).
  const protocol::PeerKeys* link_peer = m_keys->FindPeer(frame.member);
  bool via_hub = link_peer && link_peer->role == "hub";
  if (opened->header.sender != frame.member && !via_hub) {
    p.error = MakeError(Errc::kSenderMismatch, "envelope claims sender " + opened->header.sender +
                                                   " but the link is authenticated as " + frame.member);
    return p;
  }
  if (Status s = protocol::CheckPayload(opened->header.kind, opened->payload); !s) {
    p.error = s.error();
    return p;
  }
  if (Status s = protocol::CheckHeaderClaims(opened->header.kind, opened->header.sender, opened->header.message_id,
                                             opened->payload);
      !s) {
    p.error = s.error();
    return p;
  }
  // Who may send what to whom (schema/README.md §12): the sender's role as the directory has it.
  const protocol::PeerKeys* sender = m_keys->FindPeer(opened->header.sender);
  if (Status s = protocol::CheckSenderRule(opened->header.kind, sender ? sender->role : "", m_options.self_role); !s) {
    p.error = s.error();
    return p;
  }
  p.opened = std::move(opened.value());
  return p;
}

std::vector<PreparedFrame> Messenger::PrepareAll(const std::vector<transport::InboundFrame>& frames, WorkPool& pool) const {
  std::vector<PreparedFrame> prepared(frames.size());
  uint64_t now = m_clock.NowMs();
  pool.ForEach(frames.size(), [&](size_t i) { prepared[i] = Prepare(frames[i], now); });
  return prepared;
}

Status Messenger::HandleFrame(store::Txn& txn, const PreparedFrame& prepared, std::vector<HopReply>& replies) {
  ++m_counters.frames_received;
  const transport::InboundFrame& frame = *prepared.frame;
  if (prepared.ack) return HandleHopAck(txn, frame.member, *prepared.ack);
  if (prepared.custody) return HandleCustodyBatch(txn, frame.member, *prepared.custody);
  if (prepared.custody_refused) {  // nothing to answer: the messages stay queued and are resent
    m_counters.CountRejection(std::string(ErrcName(prepared.error.code)));
    m_log_limiter.Warn("custody:" + frame.member, "event=custody_receipt_refused peer={} reason=\"{}\"", frame.member,
                       prepared.error.message);
    return Status::Ok();
  }
  if (prepared.hello) {  // the link layer noted the member's connection
    m_peer_protocols[frame.member] = *prepared.hello;
    return Status::Ok();
  }
  if (prepared.directory_update || prepared.directory_request) {
    if (m_directory_frames) m_directory_frames(frame.member, prepared.directory_update, prepared.directory_request);
    return Status::Ok();
  }
  if (prepared.relay) return HandleRelay(txn, frame, *prepared.relay, replies);
  if (!prepared.opened) {
    Reject(frame, prepared.message_id, prepared.error, replies);
    return Status::Ok();
  }
  return HandleDeliver(txn, frame, *prepared.opened, replies);
}

void Messenger::Reply(const transport::InboundFrame& frame, Bytes ack, std::vector<HopReply>& replies) {
  replies.push_back({frame.from_listener, frame.routing_id, frame.member, std::move(ack)});
}

void Messenger::Reject(const transport::InboundFrame& frame, ByteView message_id, const Error& error,
                       std::vector<HopReply>& replies) {
  std::string reason(ErrcName(error.code));
  m_counters.CountRejection(reason);
  m_log_limiter.Warn("envelope_rejected:" + frame.member,
                     "event=envelope_rejected peer={} msg={} reason={} detail=\"{}\"", frame.member,
                     ShortId(message_id), reason, error.message);
  bool later = error.code == Errc::kBackpressure || error.code == Errc::kQuotaExceeded;
  auto status = later ? wire::HopStatus::Deferred : wire::HopStatus::Rejected;
  Reply(frame, protocol::EncodeHopAck(message_id, status, error.code, error.message), replies);
}

Status Messenger::HandleDeliver(store::Txn& txn, const transport::InboundFrame& frame,
                                const protocol::Opened& opened, std::vector<HopReply>& replies) {
  const protocol::Header& h = opened.header;
  if (auto seen = m_store.FindSeen(txn, h.message_id)) {
    // At-least-once delivery: acknowledge again and replay the original receipt, no new effect.
    ++m_counters.duplicates;
    m_log_limiter.Log(spdlog::level::info, "duplicate:" + frame.member,
                      "event=duplicate_envelope peer={} msg={} reason=\"already accepted; original receipt replayed\"",
                      frame.member, ShortId(h.message_id));
    if (Status s = ReplayReceipt(txn, *seen); !s) return s;
    Reply(frame, protocol::EncodeHopAck(h.message_id, wire::HopStatus::Accepted, Errc::kDuplicate,
                                        "duplicate: already accepted"),
          replies);
    return Status::Ok();
  }
  if (h.kind != wire::MessageKind::DeliveryReceipt && OutboxFull()) {
    Reject(frame, h.message_id, MakeError(Errc::kBackpressure, "outbox is full; retry later"), replies);
    return Status::Ok();
  }
  if (m_ingress_check)
    if (Status q = m_ingress_check(h); !q) {
      Reject(frame, h.message_id, q.error(), replies);
      return Status::Ok();
    }
  if (Status s = m_handler.OnAccepted(txn, opened, *this); !s) return s;

  store::SeenEntry seen;
  seen.expires_at_ms = h.expires_at_ms + m_options.clock_skew_ms;
  seen.accepted_at_ms = m_clock.NowMs();
  // Remembered now so a copy later in the same batch is a duplicate; FinishBatch adds the receipt.
  if (Status s = m_store.RememberSeen(txn, h.message_id, seen); !s) return s;
  if (h.kind != wire::MessageKind::DeliveryReceipt)
    m_batch.to_receipt[h.sender].push_back({h.message_id, opened.envelope_hash, seen});
  ++m_counters.envelopes_accepted;
  Reply(frame, protocol::EncodeHopAck(h.message_id, wire::HopStatus::Accepted, std::nullopt, "accepted"),
        replies);
  return Status::Ok();
}

Result<Bytes> Messenger::Send(store::Txn&, const std::string& recipient, wire::MessageKind kind,
                              ByteView payload) {
  if (payload.size() + 1024 > m_options.max_message_bytes)
    return MakeError(Errc::kOversized, "message of " + std::to_string(payload.size()) +
                                           " bytes exceeds the limit of " +
                                           std::to_string(m_options.max_message_bytes - 1024));
  if (!m_keys->FindPeer(recipient)) return MakeError(Errc::kUnknownSender, "no keys for recipient " + recipient);
  Bytes id = protocol::NewMessageId();
  m_batch.to_seal.push_back({recipient, kind, Bytes(payload.begin(), payload.end()), id});
  return id;
}

Status Messenger::FinishBatch(store::Txn& txn, WorkPool& pool) {
  // Receipts join the messages to seal; their covered envelopes are noted once they are sealed.
  std::vector<std::pair<size_t, std::vector<Receipted>*>> receipts;
  std::optional<audit::SignedCheckpoint> checkpoint;
  if (m_checkpoint_source && !m_batch.to_receipt.empty()) {
    auto latest = m_checkpoint_source(txn);
    if (!latest) return latest.error();
    checkpoint = std::move(*latest);
  }
  for (auto& [sender, accepted] : m_batch.to_receipt) {
    flatbuffers::FlatBufferBuilder b(64 + accepted.size() * 72);
    std::vector<flatbuffers::Offset<wire::ReceiptEntry>> entries;
    // One statement per part, so every build lays the receipt out the same way.
    for (const Receipted& r : accepted) {
      auto id = b.CreateVector(r.message_id);
      auto hash = b.CreateVector(r.envelope_hash.data(), r.envelope_hash.size());
      entries.push_back(wire::CreateReceiptEntry(b, id, hash));
    }
    auto entry_vector = b.CreateVector(entries);
    if (checkpoint) {
      auto audit_hash = b.CreateVector(checkpoint->hash.data(), checkpoint->hash.size());
      auto audit_signature = b.CreateVector(checkpoint->signature);
      b.Finish(wire::CreateDeliveryReceipt(b, entry_vector, m_clock.NowMs(), checkpoint->seq, audit_hash, audit_signature));
    } else
      b.Finish(wire::CreateDeliveryReceipt(b, entry_vector, m_clock.NowMs()));
    receipts.emplace_back(m_batch.to_seal.size(), &accepted);
    m_batch.to_seal.push_back({sender, wire::MessageKind::DeliveryReceipt,
                               Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()), protocol::NewMessageId()});
  }
  std::vector<ToSeal>& work = m_batch.to_seal;
  pool.ForEach(work.size(), [&](size_t i) { work[i].sealed = Seal(work[i].recipient, work[i].kind, work[i].payload, work[i].message_id); });
  for (const auto& [index, accepted] : receipts) {
    const Result<protocol::Sealed>& receipt = work[index].sealed;
    if (!receipt) return receipt.error();
    uint64_t keep_until = 0;
    for (const Receipted& r : *accepted) keep_until = std::max(keep_until, r.seen.expires_at_ms);
    auto key = m_store.KeepReceipt(txn, keep_until, receipt->message_id, receipt->bytes);
    if (!key) return key.error();
    for (Receipted& r : *accepted) {
      r.seen.receipt_key = *key;
      if (Status s = m_store.RememberSeen(txn, r.message_id, r.seen); !s) return s;
    }
  }
  for (ToSeal& item : work) {
    if (!item.sealed) return item.sealed.error();
    if (auto sent = Enqueue(txn, item.recipient, item.kind, std::move(item.sealed.value())); !sent) return sent.error();
  }
  m_batch.to_receipt.clear();
  m_batch.to_seal.clear();
  return Status::Ok();
}

Status Messenger::ReplayReceipt(store::Txn& txn, const store::SeenEntry& seen) {
  if (seen.receipt_key.empty()) return Status::Ok();  // a receipt itself, or receipted later in this batch
  auto envelope = m_store.FindReceipt(txn, seen.receipt_key);
  if (!envelope) return Status::Ok();  // already pruned: the original has expired
  Bytes receipt_bytes(envelope->begin(), envelope->end());
  auto parsed = protocol::ParseEnvelope(receipt_bytes, receipt_bytes.size());
  if (!parsed) return Status::Ok();  // cannot happen for bytes this node wrote; nothing to replay
  if (txn.Get(m_store.table("outbox_by_id"), parsed->header.message_id)) return Status::Ok();
  store::OutboxEntry entry;
  entry.peer = NextHop(parsed->header.recipient);
  entry.message_id = parsed->header.message_id;
  entry.expires_at_ms = parsed->header.expires_at_ms;
  entry.kind = static_cast<uint32_t>(wire::MessageKind::DeliveryReceipt);
  entry.envelope = std::move(receipt_bytes);
  return AddEntry(txn, std::move(entry));
}

Status Messenger::HandleHopAck(store::Txn& txn, const std::string& peer, const HopAckFrame& ack) {
  auto qit = m_queues.find(peer);
  if (qit == m_queues.end() || !qit->second.seq_by_id.count(IdKey(ack.message_id))) {
    if (ack.status == wire::HopStatus::Rejected)
      spdlog::warn("event=hop_rejected peer={} msg={} reason={} detail=\"{}\" note=\"not in outbox\"",
                   peer, ShortId(ack.message_id), ErrcName(ack.error), ack.detail);
    return Status::Ok();  // a late or repeated ack: the message is already settled
  }
  if (ack.status == wire::HopStatus::Deferred) {
    ++m_counters.hop_deferred;
    // A full quota holds back that one message (its sender's or recipient's share at the hub is
    // full); any other deferral means the hop itself is busy, and the whole queue waits.
    if (ack.error == Errc::kQuotaExceeded) m_batch.held_back.emplace_back(peer, IdKey(ack.message_id));
    else m_batch.deferred_peers.push_back(peer);
    return Status::Ok();
  }
  if (ack.status == wire::HopStatus::Accepted) {
    const protocol::PeerKeys* hop = m_keys->FindPeer(peer);
    if (hop && hop->role == "hub") {
      // A hub proves custody of what it relays with a signed CustodyBatch; a plain acceptance
      // settles only a message addressed to the hub itself.
      auto entry = m_store.GetOutboxEntry(txn, ack.message_id);
      if (!entry) return entry.error();
      auto envelope = *entry ? protocol::ParseEnvelope((*entry)->envelope, m_options.max_message_bytes)
                             : Result<protocol::EnvelopeView>(MakeError(Errc::kNotFound, "not in the outbox"));
      if (!envelope || envelope->header.recipient != peer) {
        m_log_limiter.Warn("custody:" + peer, "event=custody_receipt_missing peer={} msg={} reason=\"a hub accepted a "
                           "message for another member without a signed custody receipt; kept and retried\"",
                           peer, ShortId(ack.message_id));
        return Status::Ok();
      }
    }
    return Settle(txn, peer, ack.message_id, "");
  }
  if (Status s = Bury(txn, peer, ack.message_id,
                      "refused by " + peer + ": " + std::string(ErrcName(ack.error)) + " (" + ack.detail + ")");
      !s)
    return s;
  ++m_counters.hop_rejected;
  spdlog::warn("event=hop_rejected peer={} msg={} reason={} detail=\"{}\"", peer,
               ShortId(ack.message_id), ErrcName(ack.error), ack.detail);
  return m_handler.OnUndeliverable(txn, ack.message_id, peer, MakeError(ack.error, ack.detail));
}

Status Messenger::Settle(store::Txn& txn, const std::string& peer, ByteView message_id, const std::string& custody) {
  auto removed = m_store.RemoveFromOutbox(txn, message_id);
  if (!removed) return removed.error();
  m_batch.removed.emplace_back(peer, IdKey(message_id));
  ++m_counters.hop_accepted;
  return m_handler.OnHopAccepted(txn, message_id, peer, custody);
}

Result<protocol::Sealed> Messenger::Seal(const std::string& recipient, wire::MessageKind kind, ByteView payload,
                                         ByteView message_id) const {
  if (payload.size() + 1024 > m_options.max_message_bytes)
    return MakeError(Errc::kOversized, "message of " + std::to_string(payload.size()) +
                                           " bytes exceeds the limit of " +
                                           std::to_string(m_options.max_message_bytes - 1024));
  std::shared_ptr<const protocol::Keyring> keys = m_published_keys.Get();
  return protocol::SealEnvelope(*keys, recipient, kind, payload, m_clock.NowMs(), m_message_ttl_ms.load(),
                                message_id);
}

Result<SentMessage> Messenger::Enqueue(store::Txn& txn, const std::string& recipient, wire::MessageKind kind,
                                       protocol::Sealed sealed) {
  store::OutboxEntry entry;
  entry.peer = NextHop(recipient);
  entry.message_id = sealed.message_id;
  entry.expires_at_ms = sealed.expires_at_ms;
  entry.kind = static_cast<uint32_t>(kind);
  entry.envelope = std::move(sealed.bytes);
  SentMessage sent{sealed.message_id, crypto::Hash256(entry.envelope)};
  // A re-sealed dead letter replaces its first bytes: the recipient receipts what it now gets.
  if (m_evidence && IsEvidence(kind) && kind != wire::MessageKind::DeliveryReceipt)
    if (Status s = m_evidence->KeepEnvelope(txn, entry.message_id, entry.envelope, true); !s) return s.error();
  if (Status s = AddEntry(txn, std::move(entry)); !s) return s.error();
  return sent;
}

Status Messenger::AddEntry(store::Txn& txn, store::OutboxEntry entry) {
  if (Status s = m_store.AddToOutbox(txn, entry); !s) return s;
  m_batch.added.push_back(std::move(entry));
  return Status::Ok();
}

Status Messenger::ExpireOutbox(store::Txn& txn) {
  uint64_t now = m_clock.NowMs();
  for (auto& [peer, q] : m_queues) {
    for (auto& [seq, p] : q.by_seq) {
      if (p.expires_at_ms > now) continue;
      if (m_relays)
        if (Status s = NotifyNonDelivery(txn, peer, p.message_id); !s) return s;
      if (Status s = Bury(txn, peer, p.message_id, "expired undelivered at " + FormatUtc(p.expires_at_ms)); !s) return s;
      spdlog::warn("event=message_expired peer={} msg={} reason=\"no hop accepted it before expiry\"",
                   peer, ShortId(p.message_id));
      if (Status s = m_handler.OnUndeliverable(txn, p.message_id, peer,
                                               MakeError(Errc::kExpired, "expired undelivered"));
          !s)
        return s;
    }
  }
  return Status::Ok();
}

Status Messenger::Bury(store::Txn& txn, const std::string& peer, ByteView message_id, const std::string& reason) {
  auto entry = m_store.GetOutboxEntry(txn, message_id);
  if (!entry) return entry.error();
  if (*entry) {
    if (Status s = m_store.AddDeadLetter(txn, {std::move(**entry), m_clock.NowMs(), reason}); !s) return s;
    ++m_counters.dead_letters;
  }
  auto removed = m_store.RemoveFromOutbox(txn, message_id);
  if (!removed) return removed.error();
  m_batch.removed.emplace_back(peer, IdKey(message_id));
  return Status::Ok();
}

Result<SentMessage> Messenger::ResendDeadLetter(store::Txn& txn, ByteView message_id) {
  auto letter = m_store.GetDeadLetter(txn, message_id);
  if (!letter) return letter.error();
  if (!*letter) return MakeError(Errc::kNotFound, "no dead letter " + ToHex(message_id));
  const store::OutboxEntry& e = (*letter)->entry;
  auto payload = protocol::OpenOwnEnvelope(e.envelope, *m_keys);
  if (!payload) return MakeError(payload.error().code, "cannot resend " + ToHex(message_id) + ": " + payload.error().message);
  auto sealed = Seal(e.peer, static_cast<wire::MessageKind>(e.kind), *payload, message_id);
  if (!sealed) return sealed.error();
  auto sent = Enqueue(txn, e.peer, static_cast<wire::MessageKind>(e.kind), std::move(sealed.value()));
  if (!sent) return sent.error();
  auto removed = m_store.RemoveDeadLetter(txn, message_id);
  if (!removed) return removed.error();
  spdlog::info("event=dead_letter_resent peer={} msg={}", e.peer, ShortId(message_id));
  if (Status s = m_handler.OnResent(txn, message_id, e.peer); !s) return s.error();
  return sent;
}

void Messenger::CommitBatch() {
  for (auto& [peer, id] : m_batch.removed) {
    auto qit = m_queues.find(peer);
    if (qit == m_queues.end()) continue;
    PeerQueue& q = qit->second;
    auto it = q.seq_by_id.find(id);
    if (it == q.seq_by_id.end()) continue;
    auto pit = q.by_seq.find(it->second);
    if (pit != q.by_seq.end()) {
      if (!pit->second.held_sender.empty()) m_quotas.Remove(pit->second.held_sender, pit->second.held_recipient);
      if (pit->second.last_sent_ms != 0 && q.in_flight > 0) --q.in_flight;
      if (pit->second.frame) --q.cached;
      q.by_seq.erase(pit);
      --m_outbox_size;
    }
    q.seq_by_id.erase(it);
    q.deferrals = 0;
    q.not_before_ms = 0;
  }
  for (store::OutboxEntry& e : m_batch.added) Admit(QueueFor(e.peer), e, true);
  for (auto& [peer, q] : m_queues)
    if (q.spilled > 0) Refill(peer, q);
  uint64_t now = m_clock.NowMs();
  for (const std::string& peer : m_batch.deferred_peers) {
    PeerQueue& q = QueueFor(peer);
    q.deferrals = std::min<uint32_t>(q.deferrals + 1, 16);
    q.not_before_ms = now + RetryDelay(q.deferrals);
  }
  for (const auto& [peer, id] : m_batch.held_back) {
    auto qit = m_queues.find(peer);
    if (qit == m_queues.end()) continue;
    PeerQueue& q = qit->second;
    auto sit = q.seq_by_id.find(id);
    if (sit == q.seq_by_id.end()) continue;
    Pending& p = q.by_seq[sit->second];
    // Out of the window (it frees its slot for other messages) until its own backoff is over.
    if (p.last_sent_ms != 0 && q.in_flight > 0) --q.in_flight;
    p.last_sent_ms = 0;
    p.hold_until_ms = now + RetryDelay(std::min<uint32_t>(p.attempts, 16));
  }
  m_batch = BatchChanges{};
  m_quotas.ClearReserved();  // the batch's additions are counted by Admit now
}

void Messenger::AbortBatch() {
  m_batch = BatchChanges{};
  m_quotas.ClearReserved();
}

void Messenger::OnLinkEvent(const transport::LinkEvent& event) {
  PeerQueue& q = QueueFor(event.peer);
  q.up = event.kind == transport::LinkEventKind::kUp;
  if (!q.up) q.down_since_ms = m_clock.NowMs();
  if (event.kind == transport::LinkEventKind::kUp) {
    // The peer is back: forget backoff and send everything again now. The timeouts it caused
    // were the link's, so a frame lost after this is retried after the first timeout again.
    spdlog::info("event=link_up peer={} queued={}", event.peer, q.by_seq.size());
    for (auto& [seq, p] : q.by_seq) {
      p.last_sent_ms = 0;
      p.attempts = 0;
    }
    q.in_flight = 0;
    q.not_before_ms = 0;
    q.deferrals = 0;
  } else if (event.kind == transport::LinkEventKind::kDown) {
    spdlog::warn("event=link_down peer={} queued={}", event.peer, q.by_seq.size());
  } else {
    spdlog::error("event=link_auth_refused peer={} reason=\"the peer refused our transport key or we "
                  "refused its server key; check both sides' peer lists\"",
                  event.peer);
  }
}

uint64_t Messenger::RetryDelay(uint32_t attempts) {
  uint64_t delay = m_options.ack_timeout_ms << std::min<uint32_t>(attempts, 16);
  delay = std::min(delay, m_options.max_backoff_ms);
  std::uniform_int_distribution<uint64_t> jitter(0, delay / 4);
  return delay + jitter(m_jitter);
}

void Messenger::LoadFrames(std::vector<std::pair<PeerQueue*, uint64_t>>& missing) {
  if (missing.empty()) return;
  (void)m_store.env().Read([&](store::Txn& txn) {
    for (auto& [q, seq] : missing) {
      auto value = txn.Get(m_store.table("outbox"), store::U64Key(seq));
      if (!value) continue;
      auto entry = store::DecodeOutboxEntry(store::U64Key(seq), *value);
      if (!entry) continue;
      auto it = q->by_seq.find(seq);
      if (it != q->by_seq.end())
        it->second.frame = std::make_shared<const Bytes>(protocol::EncodeDeliver(entry->envelope));
    }
    return Status::Ok();
  });
}

uint64_t Messenger::Pump(transport::FrameLinks& links) {
  uint64_t now = m_clock.NowMs();
  uint64_t next_due = 1000;
  for (auto& [peer, q] : m_queues) {
    if (q.by_seq.empty() || !links.IsUp(peer)) continue;
    if (q.not_before_ms > now) {
      next_due = std::min(next_due, q.not_before_ms - now);
      continue;
    }
    // Nothing new may go out and no resend is due yet: skip the scan.
    bool can_send_fresh = q.by_seq.size() > q.in_flight && q.in_flight < m_options.window;
    if (!can_send_fresh && q.next_retry_ms > now) {
      next_due = std::min(next_due, q.next_retry_ms - now);
      continue;
    }
    // Choose what to send: timed-out messages in flight, then new ones while the window allows.
    q.next_retry_ms = UINT64_MAX;
    std::vector<uint64_t> due;
    std::vector<std::pair<PeerQueue*, uint64_t>> missing;
    size_t examined = 0, window_left = m_options.window > q.in_flight ? m_options.window - q.in_flight : 0;
    for (auto& [seq, p] : q.by_seq) {
      if (++examined > m_options.window * 2) break;
      bool fresh = p.last_sent_ms == 0;
      if (fresh) {
        if (p.hold_until_ms > now) {  // held back by a hub's quota
          next_due = std::min(next_due, p.hold_until_ms - now);
          continue;
        }
        if (window_left == 0) continue;
        --window_left;
      } else {
        if (p.retry_at_ms > now) {
          next_due = std::min(next_due, p.retry_at_ms - now);
          q.next_retry_ms = std::min(q.next_retry_ms, p.retry_at_ms);
          continue;
        }
      }
      due.push_back(seq);
      if (!p.frame) missing.emplace_back(&q, seq);
    }
    LoadFrames(missing);
    for (uint64_t seq : due) {
      Pending& p = q.by_seq[seq];
      if (!p.frame) continue;
      Status s = links.SendToPeer(peer, *p.frame);
      if (!s) {  // queue full or link gone: the rest waits for the next pump
        q.next_retry_ms = now;
        break;
      }
      if (p.last_sent_ms == 0) ++q.in_flight; else ++m_counters.retries;
      p.last_sent_ms = now;
      p.retry_at_ms = now + RetryDelay(p.attempts);
      q.next_retry_ms = std::min(q.next_retry_ms, p.retry_at_ms);
      ++p.attempts;
      ++m_counters.envelopes_sent;
      // Keep at most the configured number of frames in memory; a retry re-reads the outbox.
      if (q.cached > m_options.cached_frames_per_peer / 2) {
        p.frame.reset();
        --q.cached;
      }
    }
  }
  return next_due;
}

}  // namespace tracenet::messaging
