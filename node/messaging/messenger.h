// Hop-by-hop delivery with custody transfer. Inbound: every Deliver frame is opened and checked
// (protocol::OpenEnvelope), deduplicated against the replay set, handed to the DeliveryHandler
// and receipted, all inside the node loop's batch transaction; hop acknowledgements go out only
// after that transaction commits. Outbound: messages wait in the LMDB outbox until the next hop
// acknowledges them; they are (re)sent with a per-peer window, exponential backoff with jitter,
// and at once when a link comes back.
// Thread-safety: not thread-safe; owned by the node loop thread.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "node/audit/audit_witness.h"
#include "node/common/clock.h"
#include "node/common/log_limiter.h"
#include "node/common/work_pool.h"
#include "node/messaging/counters.h"
#include "node/messaging/delivery_handler.h"
#include "node/messaging/relay_quotas.h"
#include "node/protocol/keyring.h"
#include "node/protocol/link_frame.h"
#include "node/store/evidence_store.h"
#include "node/store/node_store.h"
#include "node/transport/frame_links.h"

namespace tracenet::messaging {

struct MessengerOptions {
  size_t max_message_bytes = size_t{1} << 20;
  uint64_t clock_skew_ms = 5 * 60 * 1000;
  uint64_t message_ttl_ms = uint64_t{30} * 24 * 3600 * 1000;
  size_t max_outbox = 1'000'000;      // beyond this, new work is refused with backpressure
  size_t window = 4096;               // unacknowledged messages in flight per peer
  uint64_t ack_timeout_ms = 3000;     // resend when no hop ack came in this long (then doubled)
  uint64_t max_backoff_ms = 60000;
  size_t cached_frames_per_peer = 4096;  // frames kept in memory; the rest are read from LMDB
  // Messages per next hop tracked in memory; beyond that they wait in LMDB only and come into
  // memory, oldest first, as earlier ones leave. Bounds the heap however long a peer is away.
  size_t resident_per_peer = 8192;
  // A member's messages queued for a home hub whose link has been down this long move to another
  // route (its other home hub) when the router has one.
  uint64_t reroute_after_ms = 5000;
  std::string self_role = "national";  // "hub" or "national": which kinds this node may be sent
  // The longest lifetime a sender may give a message (the directory's default TTL, else this
  // node's own); longer ones are refused, so no sender decides how long ids are remembered.
  uint64_t max_accepted_ttl_ms = uint64_t{30} * 24 * 3600 * 1000;
  RelayLimits relay_limits;  // a hub's per-sender and per-recipient shares of its outbox
};

// A frame after the work that needs no store: decoding, signature, decryption, payload checks.
// Done outside the batch transaction, in parallel.
// An envelope for another member that this hub checked and will carry on (it cannot read it).
struct RelayItem {
  ByteView envelope;  // points into the frame
  Bytes message_id;
  std::string sender;
  std::string recipient;
  uint64_t expires_at_ms = 0;
  uint32_t kind = 0;
  crypto::Hash32 envelope_hash{};  // what this hub's custody receipt names
};

struct PreparedFrame {
  const transport::InboundFrame* frame = nullptr;
  std::optional<std::vector<uint16_t>> hello;  // a node announcing its dialled link and its protocol versions
  std::optional<ByteView> directory_update;  // a signed directory pushed by a hub
  std::optional<uint64_t> directory_request; // a member asking for a newer directory
  std::optional<RelayItem> relay;            // for another member, via this hub
  std::optional<protocol::HopAckFrame> ack;  // a hop acknowledgement
  std::optional<protocol::CustodyBatchFrame> custody;  // a hub's custody receipt, signature checked
  bool custody_refused = false;              // a custody receipt that failed its checks (no reply)
  std::optional<protocol::Opened> opened;    // an envelope that passed every check
  Bytes message_id;                          // for the reply; zeros when unreadable
  Error error{Errc::kInternal, ""};          // why it was refused (when neither of the above)
};

// A hop acknowledgement to send once the batch has committed.
struct HopReply {
  bool via_listener = false;
  std::string routing_id;
  std::string peer;
  Bytes frame;
};

class Messenger final : public Outgoing {
 public:
  Messenger(store::NodeStore& store, std::shared_ptr<const protocol::Keyring> keys,
            const Clock& clock, MessengerOptions options, Counters& counters,
            DeliveryHandler& handler);
  // Which link a message to `recipient` leaves by (itself, or a hub); `arrived_from` is the link
  // a relayed message came in on, never sent back there. Without a router, the recipient.
  using Router = std::function<std::string(const std::string& recipient, const std::string& arrived_from)>;
  void SetRouter(Router router, bool relays) {
    m_router = std::move(router);
    m_relays = relays;
  }
  // A national centre keeps the exact bytes of the trace messages it sends and accepts, and the
  // custody receipts for them, so a case can be proven later (node/store/evidence_store.h).
  void KeepEvidence(store::EvidenceStore* evidence) { m_evidence = evidence; }
  // Directory frames go to the node: (link member, pushed directory bytes or the version a
  // member holds). Called on the loop thread.
  using DirectoryFrames = std::function<void(const std::string& member, std::optional<ByteView> update,
                                             std::optional<uint64_t> request)>;
  void SetDirectoryFrames(DirectoryFrames handler) { m_directory_frames = std::move(handler); }
  // Where receipts take the node's latest signed audit checkpoint from (a witness for the
  // recipient, audit_witness.h); read inside the batch transaction. None: receipts carry none.
  using CheckpointSource = std::function<Result<std::optional<audit::SignedCheckpoint>>(store::Txn&)>;
  void SetCheckpointSource(CheckpointSource source) { m_checkpoint_source = std::move(source); }
  // Asked before an accepted envelope is handed over (not for duplicates): an error refuses it
  // with that code (QuotaExceeded and Backpressure as Deferred: the sender retries later).
  using IngressCheck = std::function<Status(const protocol::Header&)>;
  void SetIngressCheck(IngressCheck check) { m_ingress_check = std::move(check); }
  // A new keyring (a directory update); between batches, on the loop thread.
  // The loop's copy changes here; Seal, which API threads call, reads the published one.
  void SetKeys(std::shared_ptr<const protocol::Keyring> keys) {
    m_keys = keys;
    m_published_keys.Set(std::move(keys));
  }

  // Startup sweep: rebuilds the send queues from the outbox so retries resume after a restart.
  Status LoadOutbox();

  // --- before the batch transaction (thread-safe: reads only immutable state) ---
  std::vector<PreparedFrame> PrepareAll(const std::vector<transport::InboundFrame>& frames, WorkPool& pool) const;

  // --- inside the batch write transaction ---
  Status HandleFrame(store::Txn& txn, const PreparedFrame& frame, std::vector<HopReply>& replies);
  // Refuses a frame without applying it (one whose handling failed, or a quarantined message):
  // a Rejected hop ack with the reason, so the sender stops retrying it.
  void Refuse(const PreparedFrame& frame, const Error& why, std::vector<HopReply>& replies) {
    Reject(*frame.frame, frame.message_id, why, replies);
  }
  // Thread-safe: API threads seal submissions while the loop may be replacing the keys.
  Result<protocol::Sealed> Seal(const std::string& recipient, protocol::wire::MessageKind kind,
                                ByteView payload, ByteView message_id = {}) const override;
  Result<SentMessage> Enqueue(store::Txn& txn, const std::string& recipient, protocol::wire::MessageKind kind,
                              protocol::Sealed sealed) override;
  Result<Bytes> Send(store::Txn& txn, const std::string& recipient, protocol::wire::MessageKind kind,
                     ByteView payload) override;
  // Seals what the batch queued with Send, and one DeliveryReceipt per sender for the envelopes
  // accepted in it (one signature covers many messages), in parallel on `pool`, and adds them to
  // the outbox. Call once, after the batch's frames and commands, before commit.
  Status FinishBatch(store::Txn& txn, WorkPool& pool);
  // One signed CustodyBatch per link for the envelopes this hub accepted in the batch; call after
  // the batch's frames, inside its transaction (the receipts go out after the commit).
  void CustodyReceipts(std::vector<HopReply>& replies);
  // Drops outbox entries past their expiry, telling the handler.
  Status ExpireOutbox(store::Txn& txn);
  // Moves messages waiting for a next hop that has been down for reroute_after_ms to the hop the
  // router now names (a member's second home hub). Members only: a hub keeps what it holds.
  // At most `limit` messages per call, so a large backlog moves over several batches.
  Status RerouteStranded(store::Txn& txn, size_t limit = 20000);
  // Puts a dead letter back in the outbox: the same message id and payload, sealed afresh with a
  // new expiry. A recipient that did get the original answers the copy as a duplicate, so the
  // message still has exactly one effect.
  Result<SentMessage> ResendDeadLetter(store::Txn& txn, ByteView message_id);
  // Counts what the batch in progress has added too.
  bool OutboxFull() const { return m_outbox_size + m_batch.added.size() >= m_options.max_outbox; }
  void SetMaxAcceptedTtl(uint64_t ms) { m_options.max_accepted_ttl_ms = ms; }
  void SetMessageTtl(uint64_t ms) { m_message_ttl_ms = ms; }  // Seal reads it on API threads

  // --- after the transaction ---
  void CommitBatch();
  void AbortBatch();

  void OnLinkEvent(const transport::LinkEvent& event);
  // Sends what is due; returns how long until something else falls due (ms).
  uint64_t Pump(transport::FrameLinks& links);

  size_t outbox_size() const { return m_outbox_size; }
  size_t queued_for(const std::string& peer) const;
  // The protocol versions each peer announced in its last Hello (schema/README.md §9); a peer
  // that sent none speaks version 1. Messages are sealed with the highest version both speak.
  const std::map<std::string, std::vector<uint16_t>>& peer_protocols() const { return m_peer_protocols; }
  // When the oldest message queued for `peer` was created (0: none queued).
  uint64_t oldest_created_ms(const std::string& peer) const;

 private:
  struct Pending {
    Bytes message_id;
    uint64_t expires_at_ms = 0;
    uint64_t last_sent_ms = 0;  // 0: not sent since start or since the link came back
    uint64_t retry_at_ms = 0;   // when to resend if no hop ack came (drawn once per send)
    uint32_t attempts = 0;
    std::shared_ptr<const Bytes> frame;  // Deliver frame, when cached
    std::string recipient;               // final recipient; differs from the queue's peer when relayed
    std::string held_sender, held_recipient;  // a hub's relayed message: whose quotas it counts in
    uint64_t hold_until_ms = 0;  // a hub deferred it for a full quota: not before then
  };
  struct PeerQueue {
    std::map<uint64_t, Pending> by_seq;
    std::unordered_map<std::string, uint64_t> seq_by_id;
    size_t cached = 0;
    size_t in_flight = 0;
    uint64_t not_before_ms = 0;  // set by a Deferred ack
    uint64_t next_retry_ms = 0;  // earliest resend among messages in flight, as of the last scan
    uint32_t deferrals = 0;
    bool up = false;
    uint64_t down_since_ms = 0;  // when the link was last seen going down (or the queue started)
    size_t spilled = 0;          // queued in LMDB beyond the resident ones (all newer than them)
    uint64_t high_seq = 0;       // highest sequence ever made resident: where a refill resumes
  };
  struct Receipted {
    Bytes message_id;
    crypto::Hash32 envelope_hash;
    store::SeenEntry seen;
  };
  struct ToSeal {
    std::string recipient;
    protocol::wire::MessageKind kind;
    Bytes payload;
    Bytes message_id;
    Result<protocol::Sealed> sealed = Error{Errc::kInternal, "not sealed"};
  };
  struct BatchChanges {
    std::vector<store::OutboxEntry> added;
    std::vector<std::pair<std::string, std::string>> removed;  // peer, message id
    std::vector<std::string> deferred_peers;
    std::vector<std::pair<std::string, std::string>> held_back;  // peer, message id: a quota was full
    std::map<std::string, std::vector<Receipted>> to_receipt;  // by sender
    std::vector<ToSeal> to_seal;
    // Envelopes taken into custody, by the link they came on (listener?, routing id, member).
    std::map<std::tuple<bool, std::string, std::string>, std::pair<std::vector<Bytes>, std::vector<crypto::Hash32>>>
        custody;
  };

  PreparedFrame Prepare(const transport::InboundFrame& frame, uint64_t now_ms) const;
  Status HandleDeliver(store::Txn& txn, const transport::InboundFrame& frame, const protocol::Opened& opened,
                       std::vector<HopReply>& replies);
  Status HandleHopAck(store::Txn& txn, const std::string& peer, const protocol::HopAckFrame& ack);
  Status HandleCustodyBatch(store::Txn& txn, const std::string& peer, const protocol::CustodyBatchFrame& batch);
  // The next hop took a message: out of the outbox, and the handler told.
  Status Settle(store::Txn& txn, const std::string& peer, ByteView message_id, const std::string& custody);
  // A hub's ingress: origin and signature checked, then stored for the next hop.
  PreparedFrame PrepareRelay(PreparedFrame p, const protocol::EnvelopeView& envelope, uint64_t now_ms) const;
  Status HandleRelay(store::Txn& txn, const transport::InboundFrame& frame, const RelayItem& relay,
                     std::vector<HopReply>& replies);
  std::string NextHop(const std::string& recipient, const std::string& arrived_from = {}) const {
    return m_router ? m_router(recipient, arrived_from) : recipient;
  }
  // A hub whose relayed envelope expired sends its sender a signed non-delivery notice.
  Status NotifyNonDelivery(store::Txn& txn, const std::string& next_hop, ByteView message_id);
  // Moves a message out of the outbox into the dead letters, with the reason.
  Status Bury(store::Txn& txn, const std::string& peer, ByteView message_id, const std::string& reason);
  Status ReplayReceipt(store::Txn& txn, const store::SeenEntry& seen);
  Status AddEntry(store::Txn& txn, store::OutboxEntry entry);
  void Reply(const transport::InboundFrame& frame, Bytes ack, std::vector<HopReply>& replies);
  void Reject(const transport::InboundFrame& frame, ByteView message_id, const Error& error,
              std::vector<HopReply>& replies);
  uint64_t RetryDelay(uint32_t attempts);
  // The envelope's final recipient, kept with each queued message when a router may move it.
  std::string RecipientOf(ByteView envelope) const;
  PeerQueue& QueueFor(const std::string& peer);
  // A message id as a map key.
  static std::string IdKey(ByteView id) { return std::string(AsString(id)); }
  // Tracks a newly queued entry: in memory while the peer's resident window has room and nothing
  // older waits in LMDB, otherwise counted as spilled.
  void Admit(PeerQueue& q, const store::OutboxEntry& e, bool cache_frame);
  void MakeResident(PeerQueue& q, const store::OutboxEntry& e, bool cache_frame);
  // A hub's relayed message: its sender and final recipient, for the quotas (empty otherwise).
  std::pair<std::string, std::string> HeldParties(const store::OutboxEntry& e) const;
  // Brings spilled entries into memory once the resident ones fall below half the window.
  // Only resident messages are ever sent, acknowledged, expired or moved.
  void Refill(const std::string& peer, PeerQueue& q);
  void LoadFrames(std::vector<std::pair<PeerQueue*, uint64_t>>& missing);

  store::NodeStore& m_store;
  std::shared_ptr<const protocol::Keyring> m_keys;  // the loop thread's (and its work pool's, within a batch)
  protocol::KeyringHolder m_published_keys;          // for Seal on any thread
  std::atomic<uint64_t> m_message_ttl_ms;            // likewise
  Router m_router;
  DirectoryFrames m_directory_frames;
  CheckpointSource m_checkpoint_source;
  IngressCheck m_ingress_check;
  bool m_relays = false;  // a hub: carries envelopes for other members
  store::EvidenceStore* m_evidence = nullptr;
  const Clock& m_clock;
  MessengerOptions m_options;
  Counters& m_counters;
  DeliveryHandler& m_handler;
  std::map<std::string, PeerQueue> m_queues;
  BatchChanges m_batch;
  size_t m_outbox_size = 0;
  std::map<std::string, std::vector<uint16_t>> m_peer_protocols;
  RelayQuotas m_quotas;
  std::mt19937_64 m_jitter{std::random_device{}()};
  LogLimiter m_log_limiter;
};

}  // namespace tracenet::messaging
