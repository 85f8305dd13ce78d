// A member's side of the lost/stolen index (DOMAIN.md §5): its own records (reported, updated,
// imported in all-or-nothing batches that a re-run resumes, each signed and published to the
// member's home hubs), its searches and their answers, and the hits on its records that it must
// confirm or deny before a deadline. Everything happens in the node loop's batch transaction,
// together with the messages it sends, so nothing is published or answered that is not stored.
// Thread-safety: commands and OnAccepted on the node loop thread; reads in their own snapshots.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "node/common/clock.h"
#include "node/crypto/identity.h"
#include "node/messaging/delivery_handler.h"
#include "node/stolen_exchange/stolen_json.h"
#include "node/store/node_store.h"

namespace tracenet::stolen {

struct MemberStolenOptions {
  std::string self_id;
  size_t max_publish_bytes = 512 * 1024;  // records per StolenPublish message, by size
};

class MemberStolenService {
 public:
  MemberStolenService(store::NodeStore& store, const crypto::Identity& identity, const Clock& clock,
                      MemberStolenOptions options, std::function<std::vector<std::string>()> home_hubs,
                      std::function<std::optional<crypto::PublicKey32>(const std::string&)> sign_key_of);

  // Signs (with this node as owner, a fresh version) and checks records; any thread.
  Result<std::vector<StolenRecord>> PrepareRecords(std::vector<StolenRecord> records) const;
  // Stores prepared records and publishes them to the home hubs. Returns how many hubs.
  Result<size_t> Report(store::Txn& txn, const std::vector<StolenRecord>& records, messaging::Outgoing& out);
  // Batch `batch` of import `import_id`: reported unless a run before committed it already
  // (false). Batches are committed in order; the import's progress commits with the batch.
  Result<bool> ImportBatch(store::Txn& txn, const std::string& import_id, uint64_t batch,
                           const std::vector<StolenRecord>& records, messaging::Outgoing& out);
  // Publishes every own record again (a hub that lost or never had them).
  Result<size_t> Resync(store::Txn& txn, messaging::Outgoing& out);
  // Sends a search to the first home hub and keeps it; returns its id.
  Result<std::string> StartSearch(store::Txn& txn, protocol::wire::StolenSearchT search, messaging::Outgoing& out);
  // The owner's answer to a hit on one of its records, sent to the searcher.
  Status Decide(store::Txn& txn, const std::string& hit_id, bool confirmed, const std::string& note,
                messaging::Outgoing& out);

  Status OnAccepted(store::Txn& txn, const protocol::Opened& message);

  // Reads, in the caller's snapshot.
  Result<std::optional<StolenRecord>> OwnRecord(store::Txn& txn, const std::string& owner_ref) const;
  Result<std::optional<Json>> SearchState(store::Txn& txn, const std::string& search_id) const;
  // Hits on this node's records, undecided first, each with "overdue".
  Result<Json> Hits(store::Txn& txn) const;
  uint64_t ImportProgress(store::Txn& txn, const std::string& import_id) const;

 private:
  Status Publish(store::Txn& txn, const std::vector<StolenRecord>& records, messaging::Outgoing& out);
  Status OnAnswer(store::Txn& txn, const std::string& hub, const protocol::wire::StolenSearchAnswer& answer);
  Status OnHitNotice(store::Txn& txn, const std::string& hub, const protocol::wire::StolenHitNotice& notice);
  Status OnHitDecision(store::Txn& txn, const std::string& owner, const protocol::wire::StolenHitDecision& decision);
  Result<std::optional<Json>> ReadJson(store::Txn& txn, const char* table, const std::string& key) const;
  Status WriteJson(store::Txn& txn, const char* table, const std::string& key, const Json& value);

  store::NodeStore& m_store;
  const crypto::Identity& m_identity;
  const Clock& m_clock;
  MemberStolenOptions m_options;
  std::function<std::vector<std::string>()> m_home_hubs;
  std::function<std::optional<crypto::PublicKey32>(const std::string&)> m_sign_key_of;
};

}  // namespace tracenet::stolen
