// The node's audit log seen from the API: checked in place, exported for a third party, and
// compared with what peers witnessed (audit_witness.h).
#include "node/runtime/node.h"

namespace tracenet::runtime {

Result<audit::VerifyReport> Node::VerifyAudit() {
  Result<audit::VerifyReport> report = MakeError(Errc::kInternal, "not run");
  Status s = m_store->env().Read([&](store::Txn& txn) {
    report = audit::AuditLog::Verify(txn, *m_store, m_identity.pub.sign_public);
    return Status::Ok();
  });
  if (!s) return s.error();
  return report;
}

Result<nlohmann::json> Node::ExportAudit(uint64_t from, uint64_t to) {
  nlohmann::json bundle;
  Status s = m_store->env().Read([&](store::Txn& txn) -> Status {
    auto entries = audit::AuditLog::Read(txn, *m_store, from, to);
    if (!entries) return entries.error();
    if (entries->empty()) return MakeError(Errc::kNotFound, "the audit log has no entries in that range");
    auto checkpoints = audit::AuditLog::Checkpoints(txn, *m_store, entries->front().seq, entries->back().seq);
    if (!checkpoints) return checkpoints.error();
    // A bundle ends at a signed checkpoint, so that its last entries can be checked too.
    while (!entries->empty() && !checkpoints->count(entries->back().seq)) entries->pop_back();
    if (entries->empty()) return MakeError(Errc::kNotFound, "no signed checkpoint in that range yet");
    bundle = audit::MakeBundle(m_config.id, m_identity.pub.sign_public, *entries, *checkpoints);
    return Status::Ok();
  });
  if (!s) return s.error();
  return bundle;
}

Result<std::vector<audit::Witness>> Node::AuditWitnesses() {
  Result<std::vector<audit::Witness>> out = MakeError(Errc::kInternal, "not run");
  Status s = m_store->env().Read([&](store::Txn& txn) {
    out = m_witnesses->List(txn);
    return Status::Ok();
  });
  if (!s) return s.error();
  return out;
}

Result<audit::WitnessCheck> Node::CheckAuditWitness(const audit::SignedCheckpoint& witness) {
  std::vector<crypto::PublicKey32> keys{m_identity.pub.sign_public};
  keys.insert(keys.end(), m_previous_sign.begin(), m_previous_sign.end());
  audit::WitnessCheck check;
  Status s = m_store->env().Read([&](store::Txn& txn) {
    check = audit::CompareWithWitness(txn, *m_store, witness, keys);
    return Status::Ok();
  });
  if (!s) return s.error();
  return check;
}

}  // namespace tracenet::runtime
