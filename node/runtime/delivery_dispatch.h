// Hands each accepted message to the service of its kind: lost/stolen messages to the hub's
// index (publications and searches, at a hub) or to the member's lost/stolen service (answers,
// hit notices and decisions), everything else to the trace service, which also follows every
// sent message's delivery. A receipt's audit checkpoint is kept as a witness for its sender
// (audit_witness.h). Thread-safety: the node loop thread only.
#pragma once

#include <functional>
#include <optional>

#include "node/audit/audit_log.h"
#include "node/audit/audit_witness.h"
#include "node/common/clock.h"
#include "node/messaging/delivery_handler.h"
#include "node/stolen_exchange/hub_index_service.h"
#include "node/stolen_exchange/member_stolen_service.h"
#include "node/trace/trace_service.h"

namespace tracenet::runtime {

class DeliveryDispatch final : public messaging::DeliveryHandler {
 public:
  using SignKeyOf = std::function<std::optional<crypto::PublicKey32>(const std::string& member)>;
  DeliveryDispatch(trace::TraceService& trace, stolen::MemberStolenService& member, stolen::HubIndexService* hub,
                   audit::AuditLog& audit, const Clock& clock, audit::WitnessStore& witnesses, SignKeyOf sign_key_of)
      : m_trace(trace), m_member(member), m_hub(hub), m_audit(audit), m_clock(clock), m_witnesses(witnesses),
        m_sign_key_of(std::move(sign_key_of)) {}

  Status OnAccepted(store::Txn& txn, const protocol::Opened& message, messaging::Outgoing& out) override;
  // Tests only (NodeSeams::before_apply): a fault to inject before a message is applied.
  void SetFault(std::function<Status(const protocol::Opened&)> fault) { m_fault = std::move(fault); }
  Status OnHopAccepted(store::Txn& txn, ByteView message_id, const std::string& peer, const std::string& custody) override {
    return m_trace.OnHopAccepted(txn, message_id, peer, custody);
  }
  Status OnUndeliverable(store::Txn& txn, ByteView message_id, const std::string& peer, const Error& reason) override {
    return m_trace.OnUndeliverable(txn, message_id, peer, reason);
  }
  Status OnResent(store::Txn& txn, ByteView message_id, const std::string& peer) override {
    return m_trace.OnResent(txn, message_id, peer);
  }
  // A hub's relays go to its audit log: who handed it what for whom, and where it went.
  Status OnRelayed(store::Txn&, ByteView message_id, const std::string& from, const std::string& recipient,
                   const std::string& next_hop) override {
    m_audit.Add({m_clock.NowMs(), from, "relayed", "message " + ToHex(message_id),
                 "for " + recipient + ", queued for " + next_hop});
    return Status::Ok();
  }

 private:
  // Keeps the receipt's checkpoint as a witness; one that does not verify is logged, not kept.
  Status KeepWitness(store::Txn& txn, const protocol::Opened& receipt);

  trace::TraceService& m_trace;
  stolen::MemberStolenService& m_member;
  stolen::HubIndexService* m_hub;  // null unless this node is a hub
  audit::AuditLog& m_audit;
  const Clock& m_clock;
  audit::WitnessStore& m_witnesses;
  SignKeyOf m_sign_key_of;
  std::function<Status(const protocol::Opened&)> m_fault;
};

}  // namespace tracenet::runtime
