#include "node/protocol/payload_check.h"

#include "node/common/aligned_bytes.h"
#include "node/protocol/photo_rules.h"
#include "node/protocol/text_fields.h"

namespace tracenet::protocol {

namespace {

Error Invalid(std::string message) { return MakeError(Errc::kInvalidPayload, std::move(message)); }

template <typename T>
const T* Verified(ByteView payload) {
  flatbuffers::Verifier v(payload.data(), payload.size());
  if (!v.VerifyBuffer<T>(nullptr)) return nullptr;
  return flatbuffers::GetRoot<T>(payload.data());
}

bool IsId(const flatbuffers::Vector<uint8_t>* v) { return v && v->size() == 16; }

Status CheckRequest(const wire::TraceRequest* r) {
  // Echoed in every acknowledgement, many of which share one message: a reference, not a text.
  if (r->request_id() && r->request_id()->size() > kMaxRequestIdBytes)
    return Invalid("request_id is longer than " + std::to_string(kMaxRequestIdBytes) + " bytes");
  if (r->priority() == wire::Priority::Unspecified || r->priority() > wire::Priority::MAX)
    return Invalid("priority must be routine or urgent");
  if (r->grounds() == wire::IllicitGrounds::Unspecified || r->grounds() > wire::IllicitGrounds::MAX)
    return Invalid("grounds (why the weapon is illicit) must be given");
  const wire::Weapon* w = r->weapon();
  if (!w) return Invalid("weapon is required");
  if ((!w->serial() || w->serial()->size() == 0) && !w->serial_obliterated())
    return Invalid("weapon.serial is required unless the serial is obliterated");
  if (!w->manufacturer() || w->manufacturer()->size() == 0)
    return Invalid("weapon.manufacturer is required");
  if (w->type() == wire::WeaponType::Unspecified || w->type() > wire::WeaponType::MAX)
    return Invalid("weapon.type must be specified");
  if (r->photos()) {
    if (r->photos()->size() > kMaxPhotos) return Invalid("at most " + std::to_string(kMaxPhotos) + " photos per request");
    for (flatbuffers::uoffset_t i = 0; i < r->photos()->size(); ++i) {
      const wire::Photo* p = r->photos()->Get(i);
      auto str = [](const flatbuffers::String* s) { return s ? s->string_view() : std::string_view(); };
      ByteView data = p->data() ? ByteView(p->data()->data(), p->data()->size()) : ByteView();
      if (Status s = CheckPhoto("photos[" + std::to_string(i) + "]", str(p->media_type()), str(p->caption()), data); !s)
        return Invalid(s.error().message);
    }
  }
  return Status::Ok();
}

Status CheckAcknowledgement(const wire::TraceAcknowledgement* a) {
  if (!IsId(a->request_message_id())) return Invalid("request_message_id must be 16 bytes");
  if (a->validation() == wire::Validation::Unspecified || a->validation() > wire::Validation::MAX)
    return Invalid("validation must be specified");
  return Status::Ok();
}

Status CheckResponse(const wire::TraceResponse* r) {
  if (!IsId(r->request_message_id())) return Invalid("request_message_id must be 16 bytes");
  if (r->outcome() == wire::TraceOutcome::Unspecified || r->outcome() > wire::TraceOutcome::MAX)
    return Invalid("outcome must be specified");
  if (r->reason() == wire::OutcomeReason::Unspecified || r->reason() > wire::OutcomeReason::MAX)
    return Invalid("reason must be specified (None when there is none)");
  if (r->custody_chain())
    for (const wire::CustodyLink* link : *r->custody_chain())
      if (link->role() == wire::CustodyRole::Unspecified || link->role() > wire::CustodyRole::MAX)
        return Invalid("every custody link needs a role");
  return Status::Ok();
}

Status CheckFollowUp(const wire::TraceFollowUp* f) {
  if (!IsId(f->request_message_id())) return Invalid("request_message_id must be 16 bytes");
  if (f->kind() == wire::FollowUpKind::Unspecified || f->kind() > wire::FollowUpKind::MAX)
    return Invalid("kind must be cancel, clarification request or clarification answer");
  size_t length = f->text() ? f->text()->size() : 0;
  if (length > kMaxFollowUpText) return Invalid("text is longer than " + std::to_string(kMaxFollowUpText) + " bytes");
  if (length == 0 && f->kind() != wire::FollowUpKind::Cancel) return Invalid("a clarification needs its text");
  return Status::Ok();
}

Status CheckSignedRecord(const wire::SignedStolenRecord* r) {
  if (r->owner_signature()->size() != 64) return Invalid("owner_signature must be 64 bytes");
  return Status::Ok();
}

Status CheckStolen(wire::MessageKind kind, ByteView payload) {
  switch (kind) {
    case wire::MessageKind::StolenPublish: {
      auto* p = Verified<wire::StolenPublish>(payload);
      if (!p) return Invalid("payload is not a valid StolenPublish");
      if (p->records()->size() == 0) return Invalid("a publication must carry at least one record");
      for (const wire::SignedStolenRecord* r : *p->records())
        if (Status s = CheckSignedRecord(r); !s) return s;
      return Status::Ok();
    }
    case wire::MessageKind::StolenSearch:
      return Verified<wire::StolenSearch>(payload) ? Status::Ok() : Invalid("payload is not a valid StolenSearch");
    case wire::MessageKind::StolenSearchAnswer: {
      auto* a = Verified<wire::StolenSearchAnswer>(payload);
      if (!a) return Invalid("payload is not a valid StolenSearchAnswer");
      if (a->candidates())
        for (const wire::StolenCandidate* c : *a->candidates())
          if (Status s = CheckSignedRecord(c->record()); !s) return s;
      return Status::Ok();
    }
    case wire::MessageKind::StolenHitNotice:
      return Verified<wire::StolenHitNotice>(payload) ? Status::Ok() : Invalid("payload is not a valid StolenHitNotice");
    case wire::MessageKind::StolenHitDecision:
      return Verified<wire::StolenHitDecision>(payload) ? Status::Ok() : Invalid("payload is not a valid StolenHitDecision");
    default: return Invalid("unknown message kind");
  }
}

// The schema type of each kind's payload, for the text check.
const flatbuffers::TypeTable* TypeOf(wire::MessageKind kind) {
  switch (kind) {
    case wire::MessageKind::TraceRequest: return wire::TraceRequest::MiniReflectTypeTable();
    case wire::MessageKind::TraceAcknowledgement: return wire::TraceAcknowledgement::MiniReflectTypeTable();
    case wire::MessageKind::TraceAcknowledgementBatch: return wire::TraceAcknowledgementBatch::MiniReflectTypeTable();
    case wire::MessageKind::TraceResponse: return wire::TraceResponse::MiniReflectTypeTable();
    case wire::MessageKind::DeliveryReceipt: return wire::DeliveryReceipt::MiniReflectTypeTable();
    case wire::MessageKind::Error: return wire::Error::MiniReflectTypeTable();
    case wire::MessageKind::TraceFollowUp: return wire::TraceFollowUp::MiniReflectTypeTable();
    case wire::MessageKind::StolenPublish: return wire::StolenPublish::MiniReflectTypeTable();
    case wire::MessageKind::StolenSearch: return wire::StolenSearch::MiniReflectTypeTable();
    case wire::MessageKind::StolenSearchAnswer: return wire::StolenSearchAnswer::MiniReflectTypeTable();
    case wire::MessageKind::StolenHitNotice: return wire::StolenHitNotice::MiniReflectTypeTable();
    case wire::MessageKind::StolenHitDecision: return wire::StolenHitDecision::MiniReflectTypeTable();
    case wire::MessageKind::Unspecified: break;
  }
  return nullptr;
}

Status CheckStructure(wire::MessageKind kind, ByteView payload);

}  // namespace

Status CheckPayload(wire::MessageKind kind, ByteView payload) {
  AlignedBytes aligned(payload);  // a copy only when `payload` is not aligned (the node's are)
  if (Status s = CheckStructure(kind, aligned.view()); !s) return s;
  // Every string of every kind, at any depth: a hostile member's text must not reach a log,
  // a JSON document or a screen as anything but valid, printable UTF-8.
  return CheckTextFields(aligned.data(), TypeOf(kind));
}

namespace {

Status CheckStructure(wire::MessageKind kind, ByteView payload) {
  switch (kind) {
    case wire::MessageKind::TraceRequest: {
      auto* r = Verified<wire::TraceRequest>(payload);
      return r ? CheckRequest(r) : Invalid("payload is not a valid TraceRequest");
    }
    case wire::MessageKind::TraceAcknowledgement: {
      auto* a = Verified<wire::TraceAcknowledgement>(payload);
      return a ? CheckAcknowledgement(a) : Invalid("payload is not a valid TraceAcknowledgement");
    }
    case wire::MessageKind::TraceAcknowledgementBatch: {
      auto* batch = Verified<wire::TraceAcknowledgementBatch>(payload);
      if (!batch) return Invalid("payload is not a valid TraceAcknowledgementBatch");
      if (batch->acknowledgements()->size() == 0) return Invalid("an acknowledgement batch must not be empty");
      for (const wire::TraceAcknowledgement* a : *batch->acknowledgements())
        if (Status s = CheckAcknowledgement(a); !s) return s;
      return Status::Ok();
    }
    case wire::MessageKind::TraceResponse: {
      auto* r = Verified<wire::TraceResponse>(payload);
      return r ? CheckResponse(r) : Invalid("payload is not a valid TraceResponse");
    }
    case wire::MessageKind::DeliveryReceipt: {
      auto* r = Verified<wire::DeliveryReceipt>(payload);
      if (!r) return Invalid("payload is not a valid DeliveryReceipt");
      if (r->entries()->size() == 0) return Invalid("a receipt must name at least one envelope");
      for (const wire::ReceiptEntry* e : *r->entries()) {
        if (!IsId(e->message_id())) return Invalid("receipt entry message_id must be 16 bytes");
        if (!e->envelope_hash() || e->envelope_hash()->size() != 32)
          return Invalid("receipt entry envelope_hash must be 32 bytes");
      }
      bool witnessed = r->audit_seq() != 0 || r->audit_hash() || r->audit_signature();
      if (witnessed && (r->audit_seq() == 0 || !r->audit_hash() || r->audit_hash()->size() != 32 ||
                        !r->audit_signature() || r->audit_signature()->size() != 64))
        return Invalid("a receipt's audit checkpoint needs audit_seq, a 32-byte audit_hash and a 64-byte audit_signature");
      return Status::Ok();
    }
    case wire::MessageKind::Error: {
      auto* e = Verified<wire::Error>(payload);
      if (!e) return Invalid("payload is not a valid Error");
      if (e->code() == wire::ErrorCode::Unspecified) return Invalid("error code must be specified");
      return Status::Ok();
    }
    case wire::MessageKind::TraceFollowUp: {
      auto* f = Verified<wire::TraceFollowUp>(payload);
      return f ? CheckFollowUp(f) : Invalid("payload is not a valid TraceFollowUp");
    }
    case wire::MessageKind::StolenPublish:
    case wire::MessageKind::StolenSearch:
    case wire::MessageKind::StolenSearchAnswer:
    case wire::MessageKind::StolenHitNotice:
    case wire::MessageKind::StolenHitDecision:
      return CheckStolen(kind, payload);
    case wire::MessageKind::Unspecified:
      break;
  }
  return Invalid("unknown message kind");
}

}  // namespace

}  // namespace tracenet::protocol
