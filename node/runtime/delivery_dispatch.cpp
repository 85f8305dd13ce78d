#include "node/runtime/delivery_dispatch.h"

namespace tracenet::runtime {

Status DeliveryDispatch::OnAccepted(store::Txn& txn, const protocol::Opened& message, messaging::Outgoing& out) {
  using Kind = protocol::wire::MessageKind;
  switch (message.header.kind) {
    case Kind::StolenPublish:
    case Kind::StolenSearch:
      if (m_hub) return m_hub->OnAccepted(txn, message, out);
      return m_member.OnAccepted(txn, message);  // refuses them, with a log line
    case Kind::StolenSearchAnswer:
    case Kind::StolenHitNotice:
    case Kind::StolenHitDecision:
      return m_member.OnAccepted(txn, message);
    default:
      return m_trace.OnAccepted(txn, message, out);
  }
}

}  // namespace tracenet::runtime
