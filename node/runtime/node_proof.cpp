// Gathering a case's proof bundle from the store: which messages belong to the case, their
// envelopes, the keys to disclose and the hubs' custody receipts (node/proof/proof_bundle.h).
#include <spdlog/spdlog.h>

#include <set>

#include "node/common/file_util.h"
#include "node/proof/proof_bundle.h"
#include "node/runtime/node.h"

namespace tracenet::runtime {

Result<nlohmann::ordered_json> Node::ProveCase(ByteView case_id, const std::vector<Bytes>& disclose) {
  if (!m_evidence) return MakeError(Errc::kInvalidArgument, "a hub keeps no cases to prove");
  if (m_config.directory_file.empty())
    return MakeError(Errc::kInvalidArgument, "a proof names the signers' keys by the federation's signed directory; this node "
                                             "runs on a peer list ([directory] file is not set)");
  auto directory = ReadFileBytes(m_config.directory_file);
  if (!directory) return directory.error();
  std::shared_ptr<const protocol::Keyring> keys = Keys();
  proof::BundleInput input;
  input.made_by = m_config.id;
  input.made_at_ms = m_clock->NowMs();
  input.case_id.assign(case_id.begin(), case_id.end());
  input.signed_directory = std::move(*directory);
  Status s = m_store->env().Read([&](store::Txn& txn) -> Status {
    trace::CaseStore cases(*m_store, m_identity.storage_key);
    auto record = cases.Find(txn, case_id);
    if (!record) return record.error();
    if (!*record) return MakeError(Errc::kNotFound, "no case " + ToHex(case_id));
    std::vector<Bytes> of_case = m_evidence->CaseMessages(txn, case_id);
    std::set<Bytes> known(of_case.begin(), of_case.end());
    known.insert(input.case_id);
    std::set<Bytes> chosen(disclose.begin(), disclose.end());
    for (const Bytes& id : chosen)
      if (!known.count(id)) return MakeError(Errc::kInvalidArgument, "message " + ToHex(id) + " is not part of case " + ToHex(case_id));
    // A chosen disclosure carries the chosen messages and the request that names the case: the
    // case's other messages are left out, not merely left closed.
    std::set<Bytes> included = chosen.empty() ? known : chosen;
    included.insert(input.case_id);
    std::set<Bytes> custody_seen;
    for (const Bytes& id : included) {
      std::optional<Bytes> envelope = m_evidence->Envelope(txn, id);
      if (!envelope) {
        if (id == input.case_id)
          return MakeError(Errc::kNotFound, "the request of case " + ToHex(case_id) + " was not kept (a case older than proof keeping)");
        continue;
      }
      proof::BundleMessage message{*envelope, std::nullopt};
      if (chosen.empty() || chosen.count(id)) {
        auto view = protocol::ParseEnvelope(*envelope, envelope->size());
        if (!view) return view.error();
        auto key = protocol::DiscloseMessageKey(*keys, *view);
        if (!key) return key.error();
        message.message_key = *key;
      }
      input.messages.push_back(std::move(message));
      if (auto custody = m_evidence->Custody(txn, id); custody && custody_seen.insert(custody->signature).second)
        input.custody.push_back(std::move(*custody));
    }
    return Status::Ok();
  });
  if (!s) return s.error();
  spdlog::info("event=proof_made case={} messages={} disclosed={}", ToHex(case_id).substr(0, 12), input.messages.size(),
               disclose.empty() ? std::string("all") : std::to_string(disclose.size()));
  return proof::EncodeBundle(input);
}

}  // namespace tracenet::runtime
