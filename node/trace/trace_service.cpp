#include "node/trace/trace_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "node/protocol/payload_check.h"
#include "node/trace/lifecycle.h"

namespace tracenet::trace {

namespace {

template <typename T>
Bytes Pack(const typename T::NativeTableType& object) {
  return protocol::PackPayload<T>(object);
}

template <typename T>
const T* Root(ByteView payload) {
  return flatbuffers::GetRoot<T>(payload.data());  // payload was verified by CheckPayload
}

std::string ShortId(ByteView id) { return ToHex(id).substr(0, 12); }

constexpr size_t kAcknowledgementsPerMessage = 256;

std::string Text(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

// Copies what a listing shows from the request into the (small, often rewritten) case record.
void Summarise(const wire::TraceRequest& request, CaseRecord& record) {
  record.request_id = Text(request.request_id());
  record.priority = wire::EnumNamePriority(request.priority());
  if (const wire::Weapon* w = request.weapon()) {
    record.serial = Text(w->serial());
    record.manufacturer = Text(w->manufacturer());
    record.model = Text(w->model());
    record.weapon_type = wire::EnumNameWeaponType(w->type());
    record.calibre = Text(w->calibre());
  }
}

using Document = CaseStore::Document;

}  // namespace

TraceService::TraceService(store::NodeStore& store, const crypto::SymmetricKey& storage_key,
                           const Clock& clock, TraceOptions options)
    : m_store(store), m_cases(store, storage_key), m_clock(clock), m_options(std::move(options)) {}

uint64_t TraceService::DeadlineFor(wire::Priority priority) const {
  return priority == wire::Priority::Urgent ? m_options.urgent_deadline_ms : m_options.routine_deadline_ms;
}

void TraceService::Record(CaseRecord& record, std::string_view event, std::string detail, const std::string& actor) {
  // A retry acknowledged again after a crash, or a second hub's custody, repeats a step that
  // already happened: the timeline says it once.
  if (HappensOnce(event))
    for (const auto& e : record.timeline)
      if (e->state == event) return;
  auto entry = std::make_unique<local::TimelineEntryT>();
  entry->state = std::string(event);
  entry->at_ms = m_clock.NowMs();
  entry->detail = std::move(detail);
  if (m_audit)
    m_audit->Add({entry->at_ms, actor.empty() ? m_options.self_id : actor, std::string(event), "case " + ToHex(record.case_id) + " with " + record.peer,
                  entry->detail});
  // Hop acks, receipts and acknowledgements travel on different links and can arrive out of
  // order; the timeline reads in the order things happened to the message (each entry keeps its
  // own arrival time), so an officer never sees "delivered" before "sent".
  auto at = record.timeline.end();
  if (int rank = StateRank(event); rank > 0)
    at = std::find_if(record.timeline.begin(), record.timeline.end(),
                      [rank](const auto& e) { return StateRank(e->state) > rank; });
  record.timeline.insert(at, std::move(entry));
  if (AdvancesTo(record.state, event)) record.state = std::string(event);
}

Result<TraceService::PreparedSubmit> TraceService::PrepareSubmit(const std::string& recipient,
                                                                 wire::TraceRequestT request) const {
  PreparedSubmit p;
  p.recipient = recipient;
  p.case_id = protocol::NewMessageId();
  p.submitted_at_ms = m_clock.NowMs();
  // The signed header is authoritative (schema/README.md §6): the payload repeats it, never
  // contradicts it. An officer's own reference travels as agency_case_number.
  request.request_id = ToHex(p.case_id);
  request.requested_at_ms = p.submitted_at_ms;
  request.response_due_at_ms = p.due_at_ms = p.submitted_at_ms + DeadlineFor(request.priority);
  request.requesting_state = m_options.self_id;
  p.payload = Pack<wire::TraceRequest>(request);
  if (Status s = protocol::CheckPayload(wire::MessageKind::TraceRequest, p.payload); !s)
    return MakeError(Errc::kInvalidArgument, s.error().message);
  auto sealed = m_outgoing->Seal(recipient, wire::MessageKind::TraceRequest, p.payload, p.case_id);
  if (!sealed && sealed.error().code == Errc::kOversized && !request.photos.empty())
    return MakeError(Errc::kOversized, sealed.error().message +
                                           "; the photos travel inside the request: send fewer or smaller ones "
                                           "(or both nodes raise [limits] max_message_bytes)");
  if (!sealed) return sealed.error();
  p.sealed = std::move(sealed.value());
  p.summary = "trace request " + request.request_id + " for serial " +
              (request.weapon->serial.empty() ? std::string("(obliterated)") : request.weapon->serial) +
              " queued for " + recipient;
  return p;
}

Result<Bytes> TraceService::Submit(store::Txn& txn, const PreparedSubmit& p) {
  auto sent = m_outgoing->Enqueue(txn, p.recipient, wire::MessageKind::TraceRequest, p.sealed);
  if (!sent) return sent.error();
  CaseRecord record;
  record.case_id = p.case_id;
  record.direction = local::CaseDirection::Outgoing;
  record.peer = p.recipient;
  record.created_at_ms = p.submitted_at_ms;
  record.due_at_ms = p.due_at_ms;
  Summarise(*Root<wire::TraceRequest>(p.payload), record);
  record.request_envelope_hash.assign(sent->envelope_hash.begin(), sent->envelope_hash.end());
  Record(record, state::kSubmitted, p.submitted_by.empty() ? p.summary : p.summary + " by " + p.submitted_by,
         p.submitted_by);
  if (Status s = m_cases.Create(txn, record); !s) return s.error();
  if (Status s = m_cases.PutDocument(txn, p.case_id, Document::kRequest, p.payload); !s) return s.error();
  if (Status s = m_cases.LinkMessage(txn, p.case_id, p.case_id); !s) return s.error();
  if (Status s = Note(txn, p.case_id, p.case_id); !s) return s.error();
  return p.case_id;
}

Status TraceService::OnAccepted(store::Txn& txn, const protocol::Opened& message, messaging::Outgoing&) {
  // While it is applied, the message's exact bytes are at hand for Note (kept for proofs).
  m_incoming = &message;
  struct Done {
    const protocol::Opened*& incoming;
    ~Done() { incoming = nullptr; }
  } done{m_incoming};
  switch (message.header.kind) {
    case wire::MessageKind::TraceRequest: return OnRequest(txn, message);
    case wire::MessageKind::TraceAcknowledgement: {
      const auto* ack = Root<wire::TraceAcknowledgement>(message.payload);
      return ApplyAcknowledgement(txn, message.header.sender, *ack, message.payload, message.header.message_id);
    }
    case wire::MessageKind::TraceAcknowledgementBatch: {
      for (const wire::TraceAcknowledgement* ack : *Root<wire::TraceAcknowledgementBatch>(message.payload)->acknowledgements()) {
        // Keep each case's acknowledgement as a document of its own, as if it had come alone.
        std::unique_ptr<wire::TraceAcknowledgementT> single(ack->UnPack());
        if (Status s = ApplyAcknowledgement(txn, message.header.sender, *ack, Pack<wire::TraceAcknowledgement>(*single), {}); !s)
          return s;
      }
      return Status::Ok();
    }
    case wire::MessageKind::TraceResponse: return OnResponse(txn, message);
    case wire::MessageKind::DeliveryReceipt: return OnReceipt(txn, message);
    case wire::MessageKind::Error: return OnError(txn, message);
    case wire::MessageKind::TraceFollowUp: return OnFollowUp(txn, message);
    default: break;  // Unspecified; lost/stolen kinds go to their own service
  }
  return Status::Ok();
}

Status TraceService::OnRequest(store::Txn& txn, const protocol::Opened& message) {
  const protocol::Header& h = message.header;
  if (m_cases.Exists(txn, h.message_id)) return Status::Ok();  // already open: exactly one case per request
  const wire::TraceRequest* request = Root<wire::TraceRequest>(message.payload);
  uint64_t now = m_clock.NowMs();

  CaseRecord record;
  record.case_id = h.message_id;
  record.direction = local::CaseDirection::Incoming;
  record.peer = h.sender;
  record.created_at_ms = now;
  record.due_at_ms = now + DeadlineFor(request->priority());
  Summarise(*request, record);
  if (Status s = m_cases.PutDocument(txn, h.message_id, Document::kRequest, message.payload); !s) return s;
  if (Status s = Note(txn, h.message_id, h.message_id); !s) return s;
  Record(record, state::kReceived,
         "trace request " + (request->request_id() ? request->request_id()->str() : std::string()) +
             " from " + h.sender + " (" + wire::EnumNamePriority(request->priority()) + ")");

  wire::TraceAcknowledgementT ack;
  ack.request_message_id = h.message_id;
  ack.request_id = request->request_id() ? request->request_id()->str() : "";
  ack.received_at_ms = now;
  ack.point_of_contact = m_options.point_of_contact;
  ack.validation = wire::Validation::Accepted;
  ack.expected_response_at_ms = record.due_at_ms;
  Bytes ack_payload = Pack<wire::TraceAcknowledgement>(ack);
  if (Status s = m_cases.PutDocument(txn, h.message_id, Document::kAcknowledgement, ack_payload); !s) return s;
  // Sent at the end of the batch, together with the other acknowledgements to the same state.
  m_pending_acks[h.sender].push_back(std::move(ack));
  Record(record, state::kAcknowledged, "acknowledgement sent: accepted, response expected by " +
                                           FormatUtc(record.due_at_ms));
  if (m_options.registry_lookups) {
    if (Status s = txn.Put(m_store.table("lookups"), h.message_id, {}); !s) return s;
    m_new_lookups.push_back({h.message_id, QueryFromRequest(*request)});
    Record(record, state::kAwaitingRegistry, "registry lookup queued");
  } else {
    Record(record, state::kAwaitingReview, "waiting for a responder: this node has no registry adapter");
  }
  return m_cases.Create(txn, record);
}

Status TraceService::SendAcknowledgements(store::Txn& txn) {
  for (auto& [requester, acks] : m_pending_acks) {
    if (acks.size() == 1) {
      auto sent = m_outgoing->Send(txn, requester, wire::MessageKind::TraceAcknowledgement,
                                   Pack<wire::TraceAcknowledgement>(acks.front()));
      if (!sent) return sent.error();
      if (Status s = m_cases.LinkMessage(txn, *sent, acks.front().request_message_id); !s) return s;
      if (Status s = Note(txn, acks.front().request_message_id, *sent); !s) return s;
      continue;
    }
    // Batches of a bounded count: each entry is small (request_id is at most 128 bytes), so a
    // batch stays far below the message size limit however many requests one state sent.
    for (size_t start = 0; start < acks.size(); start += kAcknowledgementsPerMessage) {
      wire::TraceAcknowledgementBatchT batch;
      for (size_t i = start; i < std::min(acks.size(), start + kAcknowledgementsPerMessage); ++i)
        batch.acknowledgements.push_back(std::make_unique<wire::TraceAcknowledgementT>(std::move(acks[i])));
      auto sent = m_outgoing->Send(txn, requester, wire::MessageKind::TraceAcknowledgementBatch,
                                   Pack<wire::TraceAcknowledgementBatch>(batch));
      if (!sent) return sent.error();
      for (const auto& ack : batch.acknowledgements)
        if (Status s = Note(txn, ack->request_message_id, *sent); !s) return s;
    }
  }
  m_pending_acks.clear();
  return Status::Ok();
}

Result<CaseRecord*> TraceService::CaseFor(store::Txn& txn, ByteView case_id, const std::string& sender,
                                          std::string_view what, local::CaseDirection direction) {
  auto record = m_cases.Edit(txn, case_id);
  if (!record) return record.error();
  if (!*record || (*record)->peer != sender) {
    m_log_limiter.Warn("unmatched:" + sender, "event=unmatched_{} peer={} case={} reason=\"no case with this peer\"",
                       what, sender, ShortId(case_id));
    return static_cast<CaseRecord*>(nullptr);
  }
  if (direction != local::CaseDirection::Unspecified && (*record)->direction != direction) {
    // e.g. an "answer" to the trace the sender itself asked this node: it must not overwrite
    // this node's own answer (schema/README.md §12).
    m_log_limiter.Warn("wrong_side:" + sender, "event=refused_{} peer={} case={} reason=\"the case runs the other "
                       "way: {} may not send this about it\"", what, sender, ShortId(case_id), sender);
    return static_cast<CaseRecord*>(nullptr);
  }
  return record;
}

Status TraceService::Note(store::Txn& txn, ByteView case_id, ByteView message_id) {
  if (Status s = m_evidence.NoteCaseMessage(txn, case_id, message_id); !s) return s;
  // A message received now is kept as it came; what this node sends is kept as it leaves
  // (Messenger). Only messages that belong to a case are kept: nothing a sender can grow alone.
  if (m_incoming && std::equal(message_id.begin(), message_id.end(), m_incoming->header.message_id.begin(),
                               m_incoming->header.message_id.end()))
    return m_evidence.KeepEnvelope(txn, message_id, m_incoming->envelope, false);
  return Status::Ok();
}

Status TraceService::SaveWithMessage(store::Txn& txn, const CaseRecord& record, ByteView message_id) {
  if (Status s = Note(txn, record.case_id, message_id); !s) return s;
  if (Status s = m_cases.Update(txn, record); !s) return s;
  return m_cases.LinkMessage(txn, message_id, record.case_id);
}

Status TraceService::ApplyAcknowledgement(store::Txn& txn, const std::string& sender,
                                          const wire::TraceAcknowledgement& ack, ByteView document, ByteView message_id) {
  ByteView case_id(ack.request_message_id()->data(), ack.request_message_id()->size());
  auto record = CaseFor(txn, case_id, sender, "acknowledgement", local::CaseDirection::Outgoing);
  if (!record) return record.error();
  if (!*record) return Status::Ok();
  CaseRecord& r = **record;
  if (Status s = m_cases.PutDocument(txn, case_id, Document::kAcknowledgement, document); !s) return s;
  std::string detail = std::string("acknowledged by ") + sender + ": " + wire::EnumNameValidation(ack.validation());
  if (ack.expected_response_at_ms()) detail += ", response expected by " + FormatUtc(ack.expected_response_at_ms());
  if (ack.point_of_contact() && ack.point_of_contact()->size()) detail += ", contact " + ack.point_of_contact()->str();
  Record(r, state::kAcknowledged, detail);
  if (message_id.empty()) {  // one entry of a batch: the batch is filed under each case it acknowledges
    if (m_incoming)
      if (Status s = Note(txn, case_id, m_incoming->header.message_id); !s) return s;
    return m_cases.Update(txn, r);
  }
  return SaveWithMessage(txn, r, message_id);
}

Status TraceService::OnResponse(store::Txn& txn, const protocol::Opened& message) {
  const auto* response = Root<wire::TraceResponse>(message.payload);
  ByteView case_id(response->request_message_id()->data(), response->request_message_id()->size());
  auto record = CaseFor(txn, case_id, message.header.sender, "response", local::CaseDirection::Outgoing);
  if (!record) return record.error();
  if (!*record) return Status::Ok();
  CaseRecord& r = **record;
  if (Status s = m_cases.PutDocument(txn, case_id, Document::kResponse, message.payload); !s) return s;
  r.outcome = std::string(OutcomeName(response->outcome()));
  size_t links = response->custody_chain() ? response->custody_chain()->size() : 0;
  Record(r, state::kAnswered, "answered by " + message.header.sender + ": " + r.outcome +
                                  (links ? ", " + std::to_string(links) + " custody records" : ""));
  return SaveWithMessage(txn, r, message.header.message_id);
}

Status TraceService::OnReceipt(store::Txn& txn, const protocol::Opened& message) {
  const auto* receipt = Root<wire::DeliveryReceipt>(message.payload);
  for (const wire::ReceiptEntry* entry : *receipt->entries()) {
    ByteView receipted(entry->message_id()->data(), entry->message_id()->size());
    ByteView hash(entry->envelope_hash()->data(), entry->envelope_hash()->size());
    if (Status s = ApplyReceiptEntry(txn, message.header.sender, message.header.message_id, receipted, hash,
                                     receipt->received_at_ms());
        !s)
      return s;
  }
  return Status::Ok();
}

Status TraceService::ApplyReceiptEntry(store::Txn& txn, const std::string& sender, ByteView receipt_id, ByteView receipted,
                                       ByteView hash, uint64_t received_at_ms) {
  auto case_id = m_cases.CaseOfMessage(txn, receipted);
  if (!case_id) return Status::Ok();  // a receipt for a message that belongs to no case
  auto record = CaseFor(txn, *case_id, sender, "receipt");
  if (!record) return record.error();
  if (!*record) return Status::Ok();
  CaseRecord& r = **record;
  if (Status s = Note(txn, r.case_id, receipt_id); !s) return s;
  if (Bytes(receipted.begin(), receipted.end()) == r.case_id) {
    // The request is the sender's own message on an incoming case: nothing of ours to confirm.
    if (r.direction != local::CaseDirection::Outgoing) return Status::Ok();
    if (Bytes(hash.begin(), hash.end()) != r.request_envelope_hash) {
      Record(r, "receipt_mismatch", "receipt from " + sender + " names different envelope bytes than were sent");
    } else {
      Record(r, state::kDelivered, "delivered: receipt signed by " + sender + " at " + FormatUtc(received_at_ms));
    }
  } else {
    Record(r, "receipt", sender + " confirmed receipt of message " + ShortId(receipted));
  }
  return m_cases.Update(txn, r);
}

Status TraceService::OnError(store::Txn& txn, const protocol::Opened& message) {
  const auto* error = Root<wire::Error>(message.payload);
  if (!error->in_reply_to() || error->in_reply_to()->size() != 16) return Status::Ok();
  ByteView about(error->in_reply_to()->data(), error->in_reply_to()->size());
  auto case_id = m_cases.CaseOfMessage(txn, about);
  if (!case_id) return Status::Ok();
  auto record = m_cases.Edit(txn, *case_id);
  if (!record) return record.error();
  if (!*record) return Status::Ok();
  CaseRecord& r = **record;
  std::string report = message.header.sender + " reported " + wire::EnumNameErrorCode(error->code()) + ": " +
                       (error->detail() ? error->detail()->str() : "");
  if (r.peer == message.header.sender) {
    Record(r, "error", report);
    if (Status s = Note(txn, r.case_id, message.header.message_id); !s) return s;
  } else if (r.direction == local::CaseDirection::Outgoing && error->code() == wire::ErrorCode::Expired &&
             Bytes(about.begin(), about.end()) == r.case_id && !r.custody_hub.empty() &&
             m_options.is_hub && m_options.is_hub(message.header.sender)) {
    // A hub's signed non-delivery notice for our request, which a hub took custody of: from the
    // hub that signed custody or one further along the route (which this node cannot tell
    // apart). A member that is not a hub cannot mark another's case undeliverable, and an
    // answer that arrives later still wins (lifecycle ranks).
    Record(r, state::kUndeliverable, "non-delivery notice: " + report);
  } else {
    m_log_limiter.Warn("unmatched:" + message.header.sender, "event=unmatched_error peer={} case={}",
                       message.header.sender, ShortId(*case_id));
    return Status::Ok();
  }
  return m_cases.Update(txn, r);
}

Status TraceService::OnHopAccepted(store::Txn& txn, ByteView message_id, const std::string& peer,
                                   const std::string& custody) {
  auto case_id = m_cases.CaseOfMessage(txn, message_id);
  if (!case_id || Bytes(message_id.begin(), message_id.end()) != *case_id) return Status::Ok();
  auto record = m_cases.Edit(txn, *case_id);
  if (!record) return record.error();
  if (!*record || (*record)->direction != local::CaseDirection::Outgoing) return Status::Ok();
  if (!custody.empty()) (*record)->custody_hub = peer;  // a hub's signed custody receipt
  Record(**record, state::kSent, "sent: " + peer + " took custody" + (custody.empty() ? "" : " (" + custody + ")"));
  return m_cases.Update(txn, **record);
}

Status TraceService::OnUndeliverable(store::Txn& txn, ByteView message_id, const std::string& peer,
                                     const Error& reason) {
  auto case_id = m_cases.CaseOfMessage(txn, message_id);
  if (!case_id) return Status::Ok();
  auto record = m_cases.Edit(txn, *case_id);
  if (!record) return record.error();
  if (!*record) return Status::Ok();
  bool is_request = Bytes(message_id.begin(), message_id.end()) == *case_id;
  Record(**record, is_request ? state::kUndeliverable : std::string_view("delivery_failed"),
         std::string(is_request ? "request" : "message " + ShortId(message_id)) + " refused by " + peer +
             ": " + std::string(ErrcName(reason.code)) + " (" + reason.message + ")");
  return m_cases.Update(txn, **record);
}

Status TraceService::OnResent(store::Txn& txn, ByteView message_id, const std::string& peer) {
  auto case_id = m_cases.CaseOfMessage(txn, message_id);
  if (!case_id) return Status::Ok();
  auto record = m_cases.Edit(txn, *case_id);
  if (!record) return record.error();
  if (!*record) return Status::Ok();
  CaseRecord& r = **record;
  bool is_request = Bytes(message_id.begin(), message_id.end()) == *case_id;
  Record(r, "resent", std::string(is_request ? "request" : "message " + ShortId(message_id)) + " resent to " + peer +
                          " from the dead letters, same message id");
  // The request is on its way again: the case leaves "undeliverable" (states otherwise only advance).
  if (is_request && r.state == state::kUndeliverable) r.state = std::string(state::kSubmitted);
  return m_cases.Update(txn, r);
}

Status TraceService::ApplyLookup(store::Txn& txn, const LookupJob& job,
                                 const Result<adapters::Findings>& findings) {
  auto record = m_cases.Edit(txn, job.case_id);
  if (!record) return record.error();
  if (!*record || !txn.Get(m_store.table("lookups"), job.case_id)) return Status::Ok();  // answered already
  CaseRecord& r = **record;
  if (!findings) {
    // An interim answer on the case: delayed (the registry missed its deadline) or failed
    // (it said why); the node retries either way. A retry that fails the same way adds nothing.
    bool delayed = findings.error().code == Errc::kTimeout;
    std::string event = delayed ? "registry_delayed" : "registry_error";
    std::string detail = delayed ? "answer delayed: " + findings.error().message + "; the lookup will be retried"
                                 : "registry lookup failed: " + findings.error().message + "; will retry";
    if (!r.timeline.empty() && r.timeline.back()->state == event && r.timeline.back()->detail == detail)
      return Status::Ok();
    Record(r, event, std::move(detail));
    return m_cases.Update(txn, r);
  }
  wire::TraceResponseT response = ResponseFromFindings(*findings);
  response.request_message_id = r.case_id;
  response.request_id = r.request_id;
  if (auto removed = txn.Delete(m_store.table("lookups"), job.case_id); !removed) return removed.error();
  std::string summary = std::string(OutcomeName(response.outcome)) +
                        (response.custody_chain.empty()
                             ? std::string()
                             : ", " + std::to_string(response.custody_chain.size()) + " custody records");
  if (m_options.review.Holds(r.peer)) {
    if (Status s = m_cases.PutDocument(txn, r.case_id, Document::kDraft, Pack<wire::TraceResponse>(response)); !s) return s;
    Record(r, state::kAwaitingReview, "the registry's draft answer (" + summary + ") waits for a responder (review policy)");
    return m_cases.Update(txn, r);
  }
  return SendResponse(txn, r, std::move(response), "answered automatically from the registry: " + summary, "");
}

Status TraceService::SendResponse(store::Txn& txn, CaseRecord& r, wire::TraceResponseT response, const std::string& how,
                                  const std::string& actor) {
  response.responded_at_ms = m_clock.NowMs();
  Bytes payload = Pack<wire::TraceResponse>(response);
  auto sent = m_outgoing->Send(txn, r.peer, wire::MessageKind::TraceResponse, payload);
  if (!sent) return sent.error();
  if (Status s = m_cases.PutDocument(txn, r.case_id, Document::kResponse, payload); !s) return s;
  r.outcome = std::string(OutcomeName(response.outcome));
  Record(r, state::kResponded, how, actor);
  return SaveWithMessage(txn, r, *sent);
}

std::vector<LookupJob> TraceService::TakeNewLookups() { return std::exchange(m_new_lookups, {}); }

Result<std::vector<LookupJob>> TraceService::PendingLookups() {
  std::vector<LookupJob> jobs;
  Status s = m_store.env().Read([&](store::Txn& txn) -> Status {
    std::vector<Bytes> ids;
    Status scan = txn.Scan(m_store.table("lookups"), {}, [&](ByteView k, ByteView) {
      ids.emplace_back(k.begin(), k.end());
      return true;
    });
    if (!scan) return scan;
    for (const Bytes& id : ids) {
      auto record = m_cases.Find(txn, id);
      if (!record) return record.error();
      if (!*record) continue;
      auto request = m_cases.GetDocument(txn, id, Document::kRequest);
      if (!request) return request.error();
      if (!*request) continue;
      jobs.push_back({id, QueryFromRequest(*Root<wire::TraceRequest>(**request))});
    }
    return Status::Ok();
  });
  if (!s) return s.error();
  return jobs;
}

}  // namespace tracenet::trace
