// Rerouting: a member homed at two hubs sends through the first whose link is up, but messages
// already queued for a hub that then goes down would otherwise wait for that hub. After the
// link has stayed down for reroute_after_ms they move to the route the router names now. If the
// first hub did take a copy before it fell (its ack lost), the recipient gets the message twice
// and answers the second as a duplicate: still exactly one effect.
#include <spdlog/spdlog.h>

#include "node/messaging/messenger.h"

namespace tracenet::messaging {

Messenger::PeerQueue& Messenger::QueueFor(const std::string& peer) {
  auto [it, inserted] = m_queues.try_emplace(peer);
  if (inserted) it->second.down_since_ms = m_clock.NowMs();  // down until a link event says up
  return it->second;
}

std::string Messenger::RecipientOf(ByteView envelope) const {
  if (!m_router || m_relays) return {};  // only a member that may reroute needs it
  auto view = protocol::ParseEnvelope(envelope, m_options.max_message_bytes);
  return view ? view->header.recipient : std::string();
}

Status Messenger::RerouteStranded(store::Txn& txn, size_t limit) {
  if (!m_router || m_relays) return Status::Ok();
  uint64_t now = m_clock.NowMs();
  size_t moved = 0;
  for (auto& [peer, q] : m_queues) {
    if (moved >= limit) break;
    if (q.up || q.by_seq.empty() || now < q.down_since_ms + m_options.reroute_after_ms) continue;
    std::map<std::string, std::string> hop_for;  // recipient -> next hop now, asked once each
    for (const auto& [seq, p] : q.by_seq) {
      if (moved >= limit) break;
      if (p.recipient.empty() || p.recipient == peer) continue;  // for the hop itself: nowhere else
      auto [hop, fresh] = hop_for.try_emplace(p.recipient);
      if (fresh) hop->second = NextHop(p.recipient);
      if (hop->second.empty() || hop->second == peer) continue;
      auto entry = m_store.GetOutboxEntry(txn, p.message_id);
      if (!entry) return entry.error();
      if (!*entry) continue;
      auto removed = m_store.RemoveFromOutbox(txn, p.message_id);
      if (!removed) return removed.error();
      m_batch.removed.emplace_back(peer, IdKey(p.message_id));
      store::OutboxEntry moved_entry = std::move(**entry);
      moved_entry.peer = hop->second;
      if (Status s = AddEntry(txn, std::move(moved_entry)); !s) return s;
      ++moved;
    }
  }
  if (moved > 0) {
    m_counters.rerouted += moved;
    spdlog::warn("event=messages_rerouted count={} reason=\"their next hop stayed down for {} ms; sent by "
                 "another route\"",
                 moved, m_options.reroute_after_ms);
  }
  return Status::Ok();
}

}  // namespace tracenet::messaging
