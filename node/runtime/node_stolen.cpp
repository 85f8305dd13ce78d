// The node's lost/stolen services: created with the node, reached by the API through commands
// in the loop's batch and reads in snapshots.
#include "node/runtime/node.h"

namespace tracenet::runtime {

Status Node::OpenStolen() {
  stolen::MemberStolenOptions member;
  member.self_id = m_config.id;
  // A publication must fit in one message with room for the envelope (Messenger::Send keeps
  // 1 KiB) and the FlatBuffer's own framing.
  member.max_publish_bytes = std::min<size_t>(512 * 1024, m_config.max_message_bytes - 2048);
  auto sign_key_of = [this](const std::string& id) { return SignKeyOf(id); };
  m_stolen_member = std::make_unique<stolen::MemberStolenService>(
      *m_store, m_identity, *m_clock, member, [this] { return m_home_hubs; }, sign_key_of);
  if (m_config.role == "hub") {
    stolen::HubIndexOptions hub;
    hub.index_dir = m_config.data_dir + "/stolen-index";
    hub.searches_per_minute = m_config.stolen_searches_per_minute;
    hub.urgent_confirm_ms = m_config.stolen_urgent_confirm_minutes * 60'000;
    hub.routine_confirm_ms = m_config.stolen_routine_confirm_minutes * 60'000;
    auto opened = stolen::HubIndexService::Open(*m_store, *m_clock, hub, sign_key_of);
    if (!opened) return opened.error();
    m_stolen_hub = std::move(*opened);
    m_stolen_hub->SetAudit(m_audit.get());
  }
  m_witnesses = std::make_unique<audit::WitnessStore>(*m_store);
  m_dispatch = std::make_unique<DeliveryDispatch>(*m_trace, *m_stolen_member, m_stolen_hub.get(), *m_audit, *m_clock,
                                                  *m_witnesses, sign_key_of);
  return Status::Ok();
}

std::optional<crypto::PublicKey32> Node::SignKeyOf(const std::string& member) const {
  if (member == m_config.id) return m_identity.pub.sign_public;
  auto keys = Keys();
  const protocol::PeerKeys* peer = keys ? keys->FindPeer(member) : nullptr;
  if (!peer) return std::nullopt;
  return peer->sign_public;
}

Status Node::StolenCommand(const StolenCommandFn& fn, audit::AuditEvent what) {
  return RunCommand([this, &fn, &what](store::Txn& txn) {
    Status s = fn(txn, *m_stolen_member, *m_messenger);
    if (s) {
      what.at_ms = m_clock->NowMs();
      m_audit->Add(what);
    }
    return s;
  });
}

Status Node::StolenRead(
    const std::function<Status(store::Txn&, stolen::MemberStolenService&, stolen::HubIndexService*)>& fn) {
  return m_store->env().Read([&](store::Txn& txn) { return fn(txn, *m_stolen_member, m_stolen_hub.get()); });
}

}  // namespace tracenet::runtime
