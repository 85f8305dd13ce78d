// The resident window: each next hop's queue keeps at most resident_per_peer messages in memory
// (id, expiry, retry state, maybe the frame); the rest wait in LMDB only, in order, and are read
// in as the resident ones leave. A hub holding a million messages for an absent member thus
// needs the memory of a few thousand; the LMDB outbox is the queue.
#include <spdlog/spdlog.h>

#include "node/messaging/messenger.h"

namespace tracenet::messaging {
std::pair<std::string, std::string> Messenger::HeldParties(const store::OutboxEntry& e) const {
  if (!m_relays) return {};
  auto view = protocol::ParseEnvelope(e.envelope, e.envelope.size());
  if (!view || view->header.sender == m_keys->self_id()) return {};  // this hub's own messages count in no quota
  return {view->header.sender, view->header.recipient};
}

void Messenger::Admit(PeerQueue& q, const store::OutboxEntry& e, bool cache_frame) {
  ++m_outbox_size;
  if (m_relays) {
    auto [sender, recipient] = HeldParties(e);
    if (!sender.empty()) m_quotas.Add(sender, recipient);
  }
  if (q.spilled > 0 || q.by_seq.size() >= m_options.resident_per_peer) {
    ++q.spilled;
    return;
  }
  MakeResident(q, e, cache_frame);
}

void Messenger::MakeResident(PeerQueue& q, const store::OutboxEntry& e, bool cache_frame) {
  Pending p;
  p.message_id = e.message_id;
  p.expires_at_ms = e.expires_at_ms;
  p.recipient = RecipientOf(e.envelope);
  std::tie(p.held_sender, p.held_recipient) = HeldParties(e);
  if (cache_frame && q.cached < m_options.cached_frames_per_peer) {
    p.frame = std::make_shared<const Bytes>(protocol::EncodeDeliver(e.envelope));
    ++q.cached;
  }
  q.seq_by_id[IdKey(e.message_id)] = e.seq;
  q.by_seq.emplace(e.seq, std::move(p));
  q.high_seq = std::max(q.high_seq, e.seq);
}

void Messenger::Refill(const std::string& peer, PeerQueue& q) {
  if (q.by_seq.size() >= m_options.resident_per_peer / 2) return;
  size_t room = m_options.resident_per_peer - q.by_seq.size();
  size_t loaded = 0;
  Status s = m_store.env().Read([&](store::Txn& txn) {
    return m_store.ScanPeerOutbox(txn, peer, q.high_seq, [&](const store::OutboxEntry& e) {
      MakeResident(q, e, true);
      return ++loaded < room;
    });
  });
  if (!s) {
    spdlog::error("event=outbox_refill_failed peer={} reason=\"{}\"", peer, s.error().message);
    return;
  }
  // Fewer than asked for: nothing else waits in LMDB (this also corrects a drifted count).
  size_t accounted = std::min(q.spilled, loaded);
  size_t vanished = loaded < room ? q.spilled - accounted : 0;
  q.spilled -= accounted + vanished;
  m_outbox_size = m_outbox_size + (loaded - accounted) - vanished;
}

}  // namespace tracenet::messaging
