// One running node: loads keys and config, owns the store, the links and the services, and runs
// the single loop that reads frames, applies them and local commands in one durable batch
// transaction (group commit), and only then acknowledges and sends.
// Thread-safety: Run() on one thread; Submit/Status/ReadCases may be called from any thread.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <zmq.hpp>

#include "node/common/clock.h"
#include "node/config/node_config.h"
#include "node/messaging/messenger.h"
#include "node/audit/audit_bundle.h"
#include "node/runtime/command_queue.h"
#include "node/runtime/commit_signal.h"
#include "node/runtime/delivery_dispatch.h"
#include "node/runtime/directory_source.h"
#include "node/runtime/registry_worker.h"
#include "node/trace/trace_service.h"
#include "node/store/quarantine_store.h"
#include "node/users/user_store.h"
#include "node/transport/links.h"
#include "node/transport/zap_handler.h"

namespace tracenet::runtime {

struct NodeStatus {
  std::string id;
  std::string listen;
  size_t outbox = 0;
  std::map<std::string, size_t> queued_by_peer;
  std::map<std::string, uint64_t> oldest_queued_ms;  // creation time of the oldest queued message
  std::map<std::string, bool> link_up;
  std::map<std::string, std::vector<uint16_t>> protocol_versions;  // as each peer announced them
  uint64_t zap_admitted = 0, zap_refused = 0, unauthenticated_dropped = 0;
};

// What a driver may put in place of the real world: a clock, and links (e.g. MemoryLinks). Both
// empty in production: the system clock, and ZeroMQ links with CurveZMQ and ZAP.
struct NodeSeams {
  const Clock* clock = nullptr;  // must outlive the node
  std::unique_ptr<transport::FrameLinks> links;
  // Fault injection for tests: runs before each accepted message is applied, inside the batch,
  // and may throw or fail as a broken handler would.
  std::function<Status(const protocol::Opened&)> before_apply;
};

class Node {
 public:
  static Result<std::unique_ptr<Node>> Create(const config::NodeConfig& config, NodeSeams seams = {});
  ~Node();

  // Runs until `stop` becomes true.
  Status Run(const std::atomic<bool>& stop);
  // One turn of the loop that never waits: what the links hold, queued commands and due work.
  // For drivers that run the node on their own thread (in-process tests, the whole-node fuzzer).
  void Step();

  struct SubmitItem {
    std::string recipient;
    trace::wire::TraceRequestT request;
    std::string submitted_by;  // the API user, for the timeline and the audit log (empty: this node)
  };
  // Durable before acknowledged: returns the case id once the case and its request are committed.
  Result<Bytes> Submit(const std::string& recipient, trace::wire::TraceRequestT request, const std::string& by = "");
  // All or nothing: every request is checked first, then all are committed in one transaction.
  Result<std::vector<Bytes>> SubmitMany(std::vector<SubmitItem> items);
  NodeStatus Snapshot() const;
  // Messages that expired undelivered or were refused for good, oldest first (at most `limit`).
  Result<std::vector<store::DeadLetter>> DeadLetters(size_t limit);
  // Durable before acknowledged: returns once the message is back in the committed outbox.
  Status ResendDeadLetter(ByteView message_id);
  // Frames refused because applying them failed, newest first (at most `limit`), and one of them.
  Result<std::vector<store::QuarantineEntry>> Quarantined(size_t limit);
  Result<std::optional<store::QuarantineEntry>> QuarantinedEntry(uint64_t seq);
  // A proof bundle of case `case_id` (node/proof/proof_bundle.h): its envelopes as sent or
  // received, the keys of the messages in `disclose` (every message of the case when empty),
  // the signed directory and the hubs' custody receipts. Any thread.
  Result<nlohmann::ordered_json> ProveCase(ByteView case_id, const std::vector<Bytes>& disclose);
  // Committed batches, for callers that wait for the store to change (long-polls). Any thread.
  const CommitSignal& commits() const { return m_commits; }
  // Local users of the API (node/users): adding one returns its token, shown once.
  Result<std::string> CreateUser(const std::string& name, users::Role role, const std::string& by);
  Status RevokeUser(const std::string& name, const std::string& by);
  const users::UserStore& users() const { return *m_users; }
  // Records in the audit log a call the caller's role does not allow.
  Status RecordRefusal(const std::string& user, const std::string& call, const std::string& why);

  // A responder's decision on an incoming trace awaiting review (TraceService::Review).
  Status Review(ByteView case_id, trace::ReviewDecision decision, const std::string& user);
  // Cancels an outgoing trace, asks about an incoming one, or answers a question (TraceService::FollowUp).
  Status FollowUp(ByteView case_id, trace::wire::FollowUpKind kind, std::string text, const std::string& user);
  // A read-only snapshot for the API.
  Status Read(const std::function<Status(store::Txn&, trace::CaseStore&)>& fn);

  messaging::Counters& counters() { return m_counters; }
  const RegistryCounters& registry_counters() const { return m_registry->counters(); }
  const config::NodeConfig& config() const { return m_config; }
  // A signed directory posted to the API (tracenet directory publish): applied when the trust
  // rules hold, and a hub passes it on to its members at once.
  Result<uint64_t> OfferDirectory(Bytes signed_directory);
  // The directory in force, when the node runs on one (empty federation otherwise).
  DirectoryStatus directory_status() const;
  std::string bound_endpoint() const { return m_bound_endpoint; }

  // Lost/stolen (node/stolen_exchange). A command runs in the loop's batch transaction with the
  // messages it sends and returns once committed; a read runs in a snapshot of its own.
  using StolenCommandFn = std::function<Status(store::Txn&, stolen::MemberStolenService&, messaging::Outgoing&)>;
  // `what` goes to the audit log when `fn` succeeds (actor, event, subject, detail).
  Status StolenCommand(const StolenCommandFn& fn, audit::AuditEvent what);
  Status StolenRead(const std::function<Status(store::Txn&, stolen::MemberStolenService&, stolen::HubIndexService*)>& fn);
  const stolen::MemberStolenService& stolen_member() const { return *m_stolen_member; }

  // The audit log (node/audit): checked in place, or a stretch exported for a third party.
  Result<audit::VerifyReport> VerifyAudit();
  Result<nlohmann::json> ExportAudit(uint64_t from, uint64_t to);
  // The newest audit checkpoint each peer sent in its receipts (audit_witness.h).
  Result<std::vector<audit::Witness>> AuditWitnesses();
  // This node's log against a peer's witness for it.
  Result<audit::WitnessCheck> CheckAuditWitness(const audit::SignedCheckpoint& witness);
  const Clock& clock() const { return *m_clock; }

 private:
  Node() = default;
  // One turn of the loop: waits up to `timeout_ms` for input, applies it; returns how long the
  // next turn may wait.
  int Turn(int timeout_ms);
  // Publishes what Snapshot() reads (on a sweep).
  void PublishStatus();
  // On a sweep: pulls from the home hubs now and then, and puts a new directory (or a key whose
  // validity began or ended) in force.
  void SyncDirectory(uint64_t now);
  // One turn of the loop in one transaction (node_batch.cpp).
  void ProcessBatch(std::vector<transport::InboundFrame>& frames, std::vector<std::shared_ptr<QueuedCommand>>& commands,
                    std::vector<LookupOutcome>& lookups, bool sweep);
  // Refuses a frame whose application failed and keeps it for the operator.
  Status QuarantineFrame(store::Txn& txn, const messaging::PreparedFrame& frame, const Error& why,
                         std::vector<messaging::HopReply>& replies);
  Status RunCommand(const std::function<Status(store::Txn&)>& apply);
  // Puts a new set of peers in force: keys for sealing, opening and the ZAP handler, and links
  // (dialling new endpoints, dropping members no longer listed). Loop thread only.
  Status ApplyPeers(std::vector<protocol::PeerKeys> peers);
  // The link a message to `recipient` leaves by: the recipient itself, or a hub (a national node
  // reaches outbound-only members through its home hubs; a hub passes a message to the
  // recipient's home hub when the recipient is homed elsewhere). Loop thread only.
  std::string Route(const std::string& recipient, const std::string& arrived_from) const;
  // After a new directory version: new peers in force, and a hub pushes it to its members.
  void DirectoryApplied();
  // Directory frames from links: a pushed version, or a member asking for a newer one.
  void OnDirectoryFrame(const std::string& member, std::optional<ByteView> update, std::optional<uint64_t> request);
  void SendDirectoryTo(const std::string& peer);
  void ApplyPushedDirectory(const std::string& member, const Bytes& update);
  // Creates the lost/stolen services (a hub's index too). Part of Create.
  Status OpenStolen();
  // The owner's signing key as the directory has it (this node's own key for itself).
  std::optional<crypto::PublicKey32> SignKeyOf(const std::string& member) const;
  // The keyring, for threads other than the loop's.
  std::shared_ptr<const protocol::Keyring> Keys() const;
  // The longest message lifetime this node accepts from others.
  uint64_t AcceptedTtlMs() const;

  config::NodeConfig m_config;
  SystemClock m_system_clock;
  const Clock* m_clock = &m_system_clock;  // or the one a driver gave (NodeSeams)
  crypto::Identity m_identity;
  std::vector<crypto::BoxSecret> m_previous_enc;  // from keys_dir/previous/, during a rotation
  std::vector<crypto::PublicKey32> m_previous_sign;  // the same rotation: older audit checkpoints
  std::shared_ptr<const protocol::Keyring> m_keys;  // the loop's copy
  protocol::KeyringHolder m_shared_keys{nullptr};   // the same, for the ZAP and API threads
  std::unique_ptr<DirectorySource> m_directory;
  DirectoryStatus m_directory_status;               // under m_status_mutex
  std::map<std::string, std::pair<std::string, crypto::PublicKey32>> m_dialled;  // id -> endpoint, server key
  std::vector<std::string> m_home_hubs;             // this node's, from the directory
  std::unique_ptr<store::NodeStore> m_store;
  messaging::Counters m_counters;
  std::unique_ptr<audit::AuditLog> m_audit;
  std::unique_ptr<audit::WitnessStore> m_witnesses;  // peers' checkpoints from their receipts
  std::unique_ptr<trace::TraceService> m_trace;
  std::unique_ptr<users::UserStore> m_users;
  std::unique_ptr<store::QuarantineStore> m_quarantine;
  std::unique_ptr<store::EvidenceStore> m_evidence;
  CommitSignal m_commits;  // national centres: what a case is proven with
  std::unique_ptr<stolen::MemberStolenService> m_stolen_member;
  std::unique_ptr<stolen::HubIndexService> m_stolen_hub;  // hubs only
  std::unique_ptr<DeliveryDispatch> m_dispatch;
  std::unique_ptr<messaging::Messenger> m_messenger;
  zmq::context_t m_context;
  std::unique_ptr<transport::ZapHandler> m_zap;
  std::unique_ptr<transport::FrameLinks> m_links;
  std::unique_ptr<RegistryWorker> m_registry;
  uint64_t m_lookup_retry_ms = 5000;  // [registry] retry_ms
  uint64_t m_own_ttl_ms = 0;          // [limits] message_ttl_*
  std::unique_ptr<WorkPool> m_crypto_pool;
  std::string m_bound_endpoint;
  CommandQueue m_queue;  // commands, registry answers and loop tasks from other threads
  uint64_t m_next_sweep_ms = 0;
  uint64_t m_next_directory_pull_ms = 0;
  uint64_t m_next_map_release_ms = 0;
  mutable std::mutex m_status_mutex;
  NodeStatus m_status;
};

}  // namespace tracenet::runtime
