#include "node/runtime/node.h"

#include <spdlog/spdlog.h>
#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "adapters/catalogue/adapter_catalogue.h"
#include "node/common/child_process.h"
#include "node/crypto/primitives.h"
#include "node/protocol/link_frame.h"

namespace tracenet::runtime {

namespace {
constexpr uint64_t kSweepIntervalMs = 1000;
constexpr uint64_t kMapReleaseIntervalMs = 1000;
}  // namespace

Result<std::unique_ptr<Node>> Node::Create(const config::NodeConfig& config, NodeSeams seams) {
  if (Status s = crypto::Init(); !s) return s.error();
  std::unique_ptr<Node> node(new Node());
  if (seams.clock) node->m_clock = seams.clock;
  node->m_config = config;
  auto identity = crypto::LoadIdentity(config.keys_dir);
  if (!identity) return identity.error();
  node->m_identity = std::move(identity.value());
  auto store = store::NodeStore::Open(config.data_dir);
  if (!store) return store.error();
  node->m_store = std::move(store.value());
  std::vector<protocol::PeerKeys> peers = config.peers;
  if (!config.directory_file.empty()) {
    auto source = DirectorySource::Open(
        {config.directory_file, {config.directory_federation, config.directory_authorities, config.directory_threshold}},
        *node->m_store, node->m_clock->NowMs());
    if (!source) return source.error();
    node->m_directory = std::move(source.value());
    node->m_directory_status = node->m_directory->status();
    peers = directory::PeersAt(node->m_directory->current(), node->m_clock->NowMs(), config.id);
  }
  // After its own key rotation a node keeps its previous keys in keys_dir/previous/ while peers
  // may still encrypt to them.
  if (auto previous = crypto::LoadIdentity(config.keys_dir + "/previous")) {
    node->m_previous_enc.push_back(previous->enc_secret);
    node->m_previous_sign.push_back(previous->pub.sign_public);
    spdlog::info("event=previous_keys_loaded reason=\"messages to this node's previous encryption key are accepted\"");
  }
  auto keys = protocol::Keyring::Create(config.id, node->m_identity, peers, node->m_previous_enc);
  if (!keys) return keys.error();
  node->m_keys = *keys;
  node->m_shared_keys.Set(*keys);

  trace::TraceOptions trace_options;
  trace_options.self_id = config.id;
  trace_options.routine_deadline_ms = config.routine_deadline_hours * 3600 * 1000;
  trace_options.urgent_deadline_ms = config.urgent_deadline_hours * 3600 * 1000;
  // Without a registry there is nothing to answer from: hold requests for a responder instead
  // of retrying a lookup that cannot succeed.
  trace_options.registry_lookups = config.registry.adapter != "none";
  if (!trace_options.registry_lookups)
    spdlog::warn("event=no_registry reason=\"[registry] adapter is none; incoming traces wait for a responder\"");
  trace_options.review = {config.review_hold_by_default, config.review_hold_for};
  trace_options.point_of_contact = config.point_of_contact.empty() ? config.id : config.point_of_contact;
  trace_options.is_hub = [raw = node.get()](const std::string& member) {
    const protocol::PeerKeys* peer = raw->m_keys->FindPeer(member);  // the loop's keyring: called on the loop
    return peer && peer->role == "hub";
  };
  node->m_trace = std::make_unique<trace::TraceService>(*node->m_store, node->m_identity.storage_key,
                                                        *node->m_clock, trace_options);
  node->m_audit = std::make_unique<audit::AuditLog>(*node->m_store, node->m_identity);
  node->m_trace->SetAudit(node->m_audit.get());
  node->m_users = std::make_unique<users::UserStore>(*node->m_store);
  node->m_quarantine = std::make_unique<store::QuarantineStore>(*node->m_store);
  messaging::MessengerOptions mo;
  mo.max_message_bytes = config.max_message_bytes;
  mo.clock_skew_ms = config.clock_skew_seconds * 1000;
  mo.message_ttl_ms = config.message_ttl_seconds ? config.message_ttl_seconds * 1000 : config.message_ttl_hours * 3600 * 1000;
  mo.max_outbox = config.max_outbox;
  mo.resident_per_peer = config.resident_messages_per_peer;
  mo.self_role = config.role == "hub" ? "hub" : "national";
  mo.relay_limits = {config.held_per_sender, config.held_per_recipient};
  node->m_own_ttl_ms = mo.message_ttl_ms;
  mo.max_accepted_ttl_ms = node->AcceptedTtlMs();
  mo.message_ttl_ms = std::min(mo.message_ttl_ms, mo.max_accepted_ttl_ms);  // what peers accept
  if (Status s = node->OpenStolen(); !s) return s.error();
  if (seams.before_apply) node->m_dispatch->SetFault(std::move(seams.before_apply));
  node->m_messenger = std::make_unique<messaging::Messenger>(*node->m_store, node->m_keys, *node->m_clock, mo,
                                                             node->m_counters, *node->m_dispatch);
  node->m_trace->SetOutgoing(node->m_messenger.get());
  // No requesting state fills this centre's store: past its share of unanswered traces, its new
  // ones wait (Deferred) until some are answered.
  node->m_messenger->SetIngressCheck([raw = node.get()](const protocol::Header& h) -> Status {
    if (h.kind != protocol::wire::MessageKind::TraceRequest) return Status::Ok();
    uint64_t open = raw->m_trace->cases().OpenIncomingFrom(h.sender);
    if (open < raw->m_config.open_requests_per_peer) return Status::Ok();
    return MakeError(Errc::kQuotaExceeded, std::to_string(open) + " traces from " + h.sender +
                                               " already wait here for an answer ([limits] open_requests_per_peer); "
                                               "retry later");
  });
  // A log whose newest checkpoint cannot be read (damaged) must not stop receipts, or the node
  // would acknowledge nothing: they go without a witness, and the operator is told.
  node->m_messenger->SetCheckpointSource([store = node->m_store.get()](store::Txn& txn) {
    auto latest = audit::LatestCheckpoint(txn, *store);
    if (latest) return latest;
    spdlog::error("event=audit_checkpoint_unreadable reason=\"{}\" note=\"receipts go without a witness; run tracenet "
                  "audit verify\"",
                  latest.error().message);
    return Result<std::optional<audit::SignedCheckpoint>>(std::optional<audit::SignedCheckpoint>{});
  });
  if (node->m_directory) {
    if (const directory::Member* self = node->m_directory->current().FindMember(config.id)) node->m_home_hubs = self->home_hubs;
    Node* routed = node.get();
    node->m_messenger->SetRouter([routed](const std::string& r, const std::string& from) { return routed->Route(r, from); },
                                 config.role == "hub");
    node->m_messenger->SetDirectoryFrames(
        [routed](const std::string& member, std::optional<ByteView> update, std::optional<uint64_t> request) {
          routed->OnDirectoryFrame(member, update, request);
        });
  }
  if (config.role != "hub") {
    node->m_evidence = std::make_unique<store::EvidenceStore>(*node->m_store);
    node->m_messenger->KeepEvidence(node->m_evidence.get());
  }
  if (Status s = node->m_messenger->LoadOutbox(); !s) return s.error();

  auto adapter = adapters::CreateAdapter(
      config.registry, {adapters::AdapterTimeoutMs(config.registry.timeout_ms), SelfExecutable()});
  if (!adapter) return adapter.error();
  node->m_lookup_retry_ms = static_cast<uint64_t>(config.registry.retry_ms);
  RegistryWorkerOptions registry_options;
  registry_options.workers = static_cast<size_t>(config.registry.workers);
  registry_options.deadline = std::chrono::milliseconds(config.registry.timeout_ms);
  Node* raw = node.get();
  node->m_registry = std::make_unique<RegistryWorker>(std::move(adapter.value()), registry_options,
                                                      [raw](LookupOutcome outcome) { raw->m_queue.PostLookup(std::move(outcome)); });
  // A store written before cases were indexed by state gets its index once, here.
  if (Status s = node->m_store->env().Write([&](store::Txn& txn) { return node->m_trace->cases().IndexStatesIfMissing(txn); }); !s)
    return s.error();
  if (Status s = node->m_store->env().Read([&](store::Txn& txn) { return node->m_trace->cases().CountOpenIncoming(txn); }); !s)
    return s.error();
  auto pending = node->m_trace->PendingLookups();
  if (!pending) return pending.error();
  for (trace::LookupJob& job : *pending) node->m_registry->Enqueue(std::move(job));

  // Verification dominates the CPU cost per message: spread it over the cores, the loop included.
  node->m_crypto_pool = std::make_unique<WorkPool>(std::max(1u, std::thread::hardware_concurrency()) - 1);
  if (seams.links) {
    node->m_links = std::move(seams.links);  // a driver's links: no sockets, no ZAP
  } else {
    // The handler asks the keyring in force at each handshake: a member removed or a key revoked
    // by a new directory is refused from then on.
    node->m_zap = std::make_unique<transport::ZapHandler>(
        node->m_context, [raw = node.get()](const crypto::PublicKey32& key) -> std::optional<std::string> {
          auto keys = raw->Keys();
          const protocol::PeerKeys* peer = keys ? keys->FindPeerByTransportKey(key) : nullptr;
          if (!peer) return std::nullopt;
          return peer->id;
        });
    transport::LinkLimits limits;
    limits.max_message_bytes = static_cast<int64_t>(config.max_message_bytes + protocol::kFrameOverheadBytes);
    limits.send_high_water = config.send_high_water;
    limits.receive_high_water = config.send_high_water;
    node->m_links = std::make_unique<transport::Links>(node->m_context, node->m_identity, limits);
  }
  if (!config.listen.empty()) {
    auto bound = node->m_links->Listen(config.listen);
    if (!bound) return bound.error();
    node->m_bound_endpoint = *bound;
  }
  for (const protocol::PeerKeys& peer : peers)
    if (!peer.endpoint.empty()) {
      node->m_links->AddPeer(peer.id, peer.endpoint, peer.transport_public);
      node->m_dialled[peer.id] = {peer.endpoint, peer.transport_public};
    }
  spdlog::info("event=node_started id={} listen={} peers={} outbox={} pending_lookups={} directory_version={}", config.id,
               node->m_bound_endpoint, peers.size(), node->m_messenger->outbox_size(), pending->size(),
               node->m_directory_status.version);
  return node;
}

Node::~Node() {
  m_registry.reset();  // stop the worker before the loop's queues go away
  m_links.reset();
  m_zap.reset();
  m_context.shutdown();
}

Status Node::RunCommand(const std::function<Status(store::Txn&)>& apply) { return m_queue.Run(apply); }

Result<Bytes> Node::Submit(const std::string& recipient, trace::wire::TraceRequestT request, const std::string& by) {
  std::vector<SubmitItem> one;
  one.push_back({recipient, std::move(request), by});
  auto ids = SubmitMany(std::move(one));
  if (!ids) return ids.error();
  return ids->front();
}

Result<std::vector<Bytes>> Node::SubmitMany(std::vector<SubmitItem> items) {
  // Everything that could refuse a request — and the signing — happens here, on the caller's
  // thread, so inside the batch transaction only a storage failure can stop a submit, and that
  // fails the whole batch.
  auto prepared = std::make_shared<std::vector<trace::TraceService::PreparedSubmit>>();
  for (size_t i = 0; i < items.size(); ++i) {
    std::string which = items.size() > 1 ? "request " + std::to_string(i + 1) + ": " : "";
    if (!Keys()->FindPeer(items[i].recipient))
      return MakeError(Errc::kInvalidArgument, which + "recipient " + items[i].recipient + " is not a configured peer");
    auto p = m_trace->PrepareSubmit(items[i].recipient, std::move(items[i].request));
    if (!p) return MakeError(p.error().code, which + p.error().message);
    p->submitted_by = items[i].submitted_by;
    prepared->push_back(std::move(p.value()));
  }
  std::vector<Bytes> case_ids;
  Status s = RunCommand([&, prepared](store::Txn& txn) -> Status {
    case_ids.clear();  // Write() may run this again after growing the map
    if (m_messenger->outbox_size() + prepared->size() > m_config.max_outbox)
      return MakeError(Errc::kBackpressure, "outbox is full (" + std::to_string(m_config.max_outbox) +
                                                " messages); try again when peers have caught up");
    for (const trace::TraceService::PreparedSubmit& p : *prepared) {
      auto id = m_trace->Submit(txn, p);
      if (!id) return MakeError(Errc::kIo, "submit failed inside the batch: " + id.error().message);
      case_ids.push_back(*id);
    }
    return Status::Ok();
  });
  if (!s) return s.error();
  return case_ids;
}

Status Node::Read(const std::function<Status(store::Txn&, trace::CaseStore&)>& fn) {
  // A store of its own: the loop's keeps uncommitted changes of the batch in progress.
  trace::CaseStore reader(*m_store, m_identity.storage_key);
  return m_store->env().Read([&](store::Txn& txn) { return fn(txn, reader); });
}

Result<std::vector<store::DeadLetter>> Node::DeadLetters(size_t limit) {
  std::vector<store::DeadLetter> letters;
  Status s = m_store->env().Read([&](store::Txn& txn) {
    return m_store->ScanDeadLetters(txn, [&](const store::DeadLetter& d) {
      letters.push_back(d);
      return letters.size() < limit;
    });
  });
  if (!s) return s.error();
  return letters;
}

Result<std::vector<store::QuarantineEntry>> Node::Quarantined(size_t limit) {
  std::vector<store::QuarantineEntry> entries;
  Status s = m_store->env().Read([&](store::Txn& txn) -> Status {
    auto list = m_quarantine->List(txn, limit);
    if (!list) return list.error();
    entries = std::move(list.value());
    return Status::Ok();
  });
  if (!s) return s.error();
  return entries;
}

Result<std::optional<store::QuarantineEntry>> Node::QuarantinedEntry(uint64_t seq) {
  std::optional<store::QuarantineEntry> entry;
  Status s = m_store->env().Read([&](store::Txn& txn) -> Status {
    auto found = m_quarantine->Get(txn, seq);
    if (!found) return found.error();
    entry = std::move(found.value());
    return Status::Ok();
  });
  if (!s) return s.error();
  return entry;
}

Status Node::ResendDeadLetter(ByteView message_id) {
  Bytes id(message_id.begin(), message_id.end());
  return RunCommand([this, id](store::Txn& txn) -> Status {
    auto sent = m_messenger->ResendDeadLetter(txn, id);
    return sent ? Status::Ok() : Status(sent.error());
  });
}

Result<std::string> Node::CreateUser(const std::string& name, users::Role role, const std::string& by) {
  // Timelines and audit logs name members by id: a user may not be named like one.
  auto same = [&](const std::string& id) {
    return id.size() == name.size() && std::equal(id.begin(), id.end(), name.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
  };
  bool member = same(m_config.id);
  for (const protocol::PeerKeys& p : Keys()->peers()) member = member || same(p.id);
  if (member) return MakeError(Errc::kInvalidArgument, "\"" + name + "\" is a member id; choose another user name");
  // The token comes back through shared state the command owns a share of.
  auto token = std::make_shared<std::string>();
  Status s = RunCommand([this, token, name, role, by](store::Txn& txn) -> Status {
    auto created = m_users->Create(txn, name, role, by, m_clock->NowMs());
    if (!created) return created.error();
    *token = *created;
    m_audit->Add({m_clock->NowMs(), by, "user created", name, "role " + std::string(users::RoleName(role))});
    return Status::Ok();
  });
  if (!s) return s.error();
  return *token;
}

Status Node::RevokeUser(const std::string& name, const std::string& by) {
  return RunCommand([this, name, by](store::Txn& txn) -> Status {
    if (Status s = m_users->Revoke(txn, name, m_clock->NowMs()); !s) return s;
    m_audit->Add({m_clock->NowMs(), by, "user revoked", name, ""});
    return Status::Ok();
  });
}

Status Node::RecordRefusal(const std::string& user, const std::string& call, const std::string& why) {
  return RunCommand([this, user, call, why](store::Txn&) -> Status {
    m_audit->Add({m_clock->NowMs(), user, "call refused", call, why});
    return Status::Ok();
  });
}

Status Node::Review(ByteView case_id, trace::ReviewDecision decision, const std::string& user) {
  Bytes id(case_id.begin(), case_id.end());
  return RunCommand([this, id, decision = std::move(decision), user](store::Txn& txn) {
    return m_trace->Review(txn, id, decision, user);
  });
}

Status Node::FollowUp(ByteView case_id, trace::wire::FollowUpKind kind, std::string text, const std::string& user) {
  Bytes id(case_id.begin(), case_id.end());
  return RunCommand([this, id, kind, text = std::move(text), user](store::Txn& txn) {
    return m_trace->FollowUp(txn, id, kind, text, user);
  });
}

NodeStatus Node::Snapshot() const {
  std::lock_guard lock(m_status_mutex);
  return m_status;
}

Status Node::Run(const std::atomic<bool>& stop) {
  int timeout_ms = 0;
  while (!stop) timeout_ms = Turn(timeout_ms);
  spdlog::info("event=node_stopping id={} outbox={}", m_config.id, m_messenger->outbox_size());
  return Status::Ok();
}

void Node::Step() { (void)Turn(0); }

int Node::Turn(int timeout_ms) {
  std::vector<transport::InboundFrame> frames;
  std::vector<transport::LinkEvent> events;
  bool woke = false;
  m_links->Poll(timeout_ms, m_queue.wake_fd(), m_config.batch_max, frames, events, woke);
  if (woke) m_queue.ClearWake();
  for (const transport::LinkEvent& e : events) {
    m_messenger->OnLinkEvent(e);
    if (e.kind != transport::LinkEventKind::kUp) continue;
    // Tell a hub we dialled that we are here, so it can send to us over this link.
    if (m_dialled.count(e.peer)) (void)m_links->SendToPeer(e.peer, protocol::EncodeHello(m_config.id));
    if (!m_directory) continue;
    // A member asks its hub for a newer directory as soon as the link is up; the hub answers
    // only when it holds a newer version, so a member never receives an older one to refuse.
    const protocol::PeerKeys* peer = m_keys->FindPeer(e.peer);
    if (m_config.role != "hub" && peer && peer->role == "hub")
      (void)m_links->SendToPeer(e.peer, protocol::EncodeDirectoryRequest(m_directory->status().version));
  }
  for (auto& task : m_queue.TakeTasks()) task();
  std::vector<std::shared_ptr<QueuedCommand>> commands;
  std::vector<LookupOutcome> lookups;
  m_queue.TakeWork(m_config.batch_max, commands, lookups);
  uint64_t now = m_clock->NowMs();
  bool sweep = now >= m_next_sweep_ms;
  if (sweep) m_next_sweep_ms = now + kSweepIntervalMs;
  if (!frames.empty() || !commands.empty() || !lookups.empty() || sweep)
    ProcessBatch(frames, commands, lookups, sweep);
  uint64_t next_due = m_messenger->Pump(*m_links);
  bool more_waiting = m_queue.MoreWaiting();
  int next_timeout = (more_waiting || frames.size() >= m_config.batch_max) ? 0 : static_cast<int>(std::min<uint64_t>(next_due, 100));
  if (!sweep) return next_timeout;
  if (now >= m_next_map_release_ms) {
    // Keeps RSS about the heap: store pages mapped by reads stay in the page cache.
    m_next_map_release_ms = now + kMapReleaseIntervalMs;
    m_store->env().ReleaseMappedPages();
  }
  if (m_directory) SyncDirectory(now);
  PublishStatus();
  return next_timeout;
}

void Node::PublishStatus() {
  NodeStatus st;
  st.id = m_config.id;
  st.listen = m_bound_endpoint;
  st.outbox = m_messenger->outbox_size();
  for (const protocol::PeerKeys& p : m_keys->peers()) {
    st.queued_by_peer[p.id] = m_messenger->queued_for(p.id);
    st.oldest_queued_ms[p.id] = m_messenger->oldest_created_ms(p.id);
    st.link_up[p.id] = m_links->IsUp(p.id);
  }
  st.protocol_versions = m_messenger->peer_protocols();
  if (m_zap) {
    st.zap_admitted = m_zap->admitted();
    st.zap_refused = m_zap->refused();
  }
  st.unauthenticated_dropped = m_links->unauthenticated_dropped();
  std::lock_guard lock(m_status_mutex);
  m_status = std::move(st);
}

std::shared_ptr<const protocol::Keyring> Node::Keys() const { return m_shared_keys.Get(); }

}  // namespace tracenet::runtime
