// The node and its member directory: a new version or a key whose validity began or ended puts
// a new set of peers in force (keys, links, lifetimes); a hub pushes each version to its members
// and answers their requests; a member pulls from its home hubs now and then.
#include <spdlog/spdlog.h>

#include "node/protocol/link_frame.h"
#include "node/runtime/node.h"

namespace tracenet::runtime {

void Node::SyncDirectory(uint64_t now) {
  if (m_config.role != "hub" && now >= m_next_directory_pull_ms) {
    // Pull: ask the home hubs now and then, in case a push was missed.
    m_next_directory_pull_ms = now + 60'000;
    for (const std::string& hub : m_home_hubs)
      if (m_links->IsUp(hub))
        (void)m_links->SendToPeer(hub, protocol::EncodeDirectoryRequest(m_directory->status().version));
  }
  // A new version, or a key whose validity period began or ended, changes the peers.
  bool applied = m_directory->Poll(now);
  if (applied && m_config.role == "hub")
    for (const protocol::PeerKeys& p : m_keys->peers()) SendDirectoryTo(p.id);
  auto peers = directory::PeersAt(m_directory->current(), now, m_config.id);
  bool keys_changed = peers.size() != m_keys->peers().size();
  for (size_t i = 0; !keys_changed && i < peers.size(); ++i) {
    const protocol::PeerKeys& a = peers[i];
    const protocol::PeerKeys& b = m_keys->peers()[i];
    keys_changed = a.id != b.id || a.endpoint != b.endpoint || a.sign_public != b.sign_public ||
                   a.enc_public != b.enc_public || a.transport_public != b.transport_public ||
                   a.previous_sign_keys != b.previous_sign_keys || a.previous_enc_keys != b.previous_enc_keys;
  }
  if (applied || keys_changed) {
    if (Status s = ApplyPeers(std::move(peers)); !s)
      spdlog::error("event=directory_peers_refused reason=\"{}\"", s.error().message);
  }
  std::lock_guard lock(m_status_mutex);
  m_directory_status = m_directory->status();
}

uint64_t Node::AcceptedTtlMs() const {
  // The federation's lifetime (the directory's policy, or the protocol's 30 days): no sender
  // chooses how long this node remembers an id, and this node seals no longer-lived message.
  if (m_directory && m_directory->current().policy.default_ttl_hours > 0)
    return m_directory->current().policy.default_ttl_hours * 3'600'000;
  return uint64_t{720} * 3'600'000;
}

DirectoryStatus Node::directory_status() const {
  std::lock_guard lock(m_status_mutex);
  return m_directory_status;
}

Status Node::ApplyPeers(std::vector<protocol::PeerKeys> peers) {
  auto keys = protocol::Keyring::Create(m_config.id, m_identity, peers, m_previous_enc);
  if (!keys) return keys.error();
  m_keys = *keys;
  m_messenger->SetKeys(m_keys);
  m_messenger->SetMaxAcceptedTtl(AcceptedTtlMs());
  m_messenger->SetMessageTtl(std::min(m_own_ttl_ms, AcceptedTtlMs()));
  m_shared_keys.Set(m_keys);
  std::map<std::string, std::pair<std::string, crypto::PublicKey32>> wanted;
  for (const protocol::PeerKeys& p : peers)
    if (!p.endpoint.empty()) wanted[p.id] = {p.endpoint, p.transport_public};
  for (const auto& [id, dialled] : m_dialled)
    if (!wanted.count(id) || wanted[id] != dialled) m_links->RemovePeer(id);
  for (const auto& [id, target] : wanted)
    if (!m_dialled.count(id) || m_dialled[id] != target) m_links->AddPeer(id, target.first, target.second);
  m_dialled = std::move(wanted);
  if (m_directory)
    if (const directory::Member* self = m_directory->current().FindMember(m_config.id)) m_home_hubs = self->home_hubs;
  spdlog::info("event=peers_applied peers={}", peers.size());
  return Status::Ok();
}

void Node::SendDirectoryTo(const std::string& peer) {
  if (!m_directory || m_directory->current_bytes().empty()) return;
  (void)m_links->SendToPeer(peer, protocol::EncodeDirectoryUpdate(m_directory->current_bytes()));
}

void Node::DirectoryApplied() {
  auto peers = directory::PeersAt(m_directory->current(), m_clock->NowMs(), m_config.id);
  if (Status s = ApplyPeers(std::move(peers)); !s)
    spdlog::error("event=directory_peers_refused reason=\"{}\"", s.error().message);
  {
    std::lock_guard lock(m_status_mutex);
    m_directory_status = m_directory->status();
  }
  if (m_config.role == "hub")
    for (const protocol::PeerKeys& p : m_keys->peers()) SendDirectoryTo(p.id);
}

void Node::OnDirectoryFrame(const std::string& member, std::optional<ByteView> update, std::optional<uint64_t> request) {
  if (!m_directory) return;
  if (request && *request < m_directory->status().version) SendDirectoryTo(member);
  if (!update) return;
  // Frames are handled inside the batch's write transaction; applying a directory writes the
  // store itself, so it runs after the batch, on this same thread.
  m_queue.PostTask([this, member, bytes = Bytes(update->begin(), update->end())] { ApplyPushedDirectory(member, bytes); });
}

void Node::ApplyPushedDirectory(const std::string& member, const Bytes& update) {
  auto applied = m_directory->Offer(update, m_clock->NowMs());
  if (applied && *applied) {
    spdlog::info("event=directory_received from={} version={}", member, m_directory->status().version);
    DirectoryApplied();
  } else {
    std::lock_guard lock(m_status_mutex);
    m_directory_status = m_directory->status();
  }
}

Result<uint64_t> Node::OfferDirectory(Bytes signed_directory) {
  if (!m_directory) return MakeError(Errc::kInvalidArgument, "this node has no [directory] configured");
  auto done = std::make_shared<std::promise<Result<uint64_t>>>();
  auto result = done->get_future();
  m_queue.PostTask([this, done, bytes = std::move(signed_directory)] {
      auto applied = m_directory->Offer(bytes, m_clock->NowMs());
      if (!applied) {
        std::lock_guard status_lock(m_status_mutex);
        m_directory_status = m_directory->status();
        done->set_value(applied.error());
        return;
      }
      if (*applied) DirectoryApplied();
      done->set_value(m_directory->status().version);
    });
  if (result.wait_for(std::chrono::seconds(30)) != std::future_status::ready)
    return MakeError(Errc::kTimeout, "the node did not take the directory within 30 s");
  return result.get();
}

}  // namespace tracenet::runtime
