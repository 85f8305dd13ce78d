#include "node/runtime/delivery_dispatch.h"

#include <spdlog/spdlog.h>

#include "node/protocol/wire.h"

namespace tracenet::runtime {

Status DeliveryDispatch::KeepWitness(store::Txn& txn, const protocol::Opened& message) {
  // CheckPayload verified the buffer and that the three fields come together with their sizes.
  const auto* receipt = flatbuffers::GetRoot<protocol::wire::DeliveryReceipt>(message.payload.data());
  if (receipt->audit_seq() == 0) return Status::Ok();
  const std::string& sender = message.header.sender;
  std::optional<crypto::PublicKey32> key = m_sign_key_of(sender);
  if (!key) return Status::Ok();
  audit::SignedCheckpoint c;
  c.seq = receipt->audit_seq();
  std::copy(receipt->audit_hash()->begin(), receipt->audit_hash()->end(), c.hash.begin());
  c.signature.assign(receipt->audit_signature()->begin(), receipt->audit_signature()->end());
  Status kept = m_witnesses.Observe(txn, sender, *key, c, m_clock.NowMs());
  if (!kept && kept.error().code == Errc::kBadSignature) {
    spdlog::warn("event=audit_witness_refused peer={} seq={} reason=\"{}\"", sender, c.seq, kept.error().message);
    return Status::Ok();  // the receipt itself stands: its envelope signature verified
  }
  return kept;
}

Status DeliveryDispatch::OnAccepted(store::Txn& txn, const protocol::Opened& message, messaging::Outgoing& out) {
  using Kind = protocol::wire::MessageKind;
  if (m_fault)
    if (Status s = m_fault(message); !s) return s;
  switch (message.header.kind) {
    case Kind::StolenPublish:
    case Kind::StolenSearch:
      if (m_hub) return m_hub->OnAccepted(txn, message, out);
      return m_member.OnAccepted(txn, message);  // refuses them, with a log line
    case Kind::StolenSearchAnswer:
    case Kind::StolenHitNotice:
    case Kind::StolenHitDecision:
      return m_member.OnAccepted(txn, message);
    case Kind::DeliveryReceipt:
      if (Status s = KeepWitness(txn, message); !s) return s;
      return m_trace.OnAccepted(txn, message, out);
    default:
      return m_trace.OnAccepted(txn, message, out);
  }
}

}  // namespace tracenet::runtime
