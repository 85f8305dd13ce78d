#include "node/proof/message_summary.h"

namespace tracenet::proof {

namespace {

namespace pw = protocol::wire;

std::string Text(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

bool Is(const flatbuffers::Vector<uint8_t>* v, ByteView id) {
  return v && v->size() == id.size() && std::equal(v->begin(), v->end(), id.begin());
}

}  // namespace

MessageMeaning Understand(pw::MessageKind kind, ByteView payload, ByteView message_id, ByteView case_id,
                          const std::set<Bytes>& case_messages) {
  MessageMeaning m;
  const uint8_t* p = payload.data();
  switch (kind) {
    case pw::MessageKind::TraceRequest: {
      const auto* r = flatbuffers::GetRoot<pw::TraceRequest>(p);
      const pw::Weapon* w = r->weapon();
      m.sentence = std::string("a trace request (") + pw::EnumNamePriority(r->priority()) + ") for a " +
                   pw::EnumNameWeaponType(w->type()) + " made by " + Text(w->manufacturer()) + ", serial " +
                   (w->serial() && w->serial()->size() ? Text(w->serial()) : std::string("obliterated"));
      m.names_case = std::equal(message_id.begin(), message_id.end(), case_id.begin(), case_id.end());
      break;
    }
    case pw::MessageKind::TraceAcknowledgement: {
      const auto* a = flatbuffers::GetRoot<pw::TraceAcknowledgement>(p);
      m.sentence = std::string("an acknowledgement of the request: ") + pw::EnumNameValidation(a->validation());
      m.names_case = Is(a->request_message_id(), case_id);
      break;
    }
    case pw::MessageKind::TraceAcknowledgementBatch: {
      for (const pw::TraceAcknowledgement* a : *flatbuffers::GetRoot<pw::TraceAcknowledgementBatch>(p)->acknowledgements())
        if (Is(a->request_message_id(), case_id)) {
          m.names_case = true;
          m.sentence = std::string("an acknowledgement of the request (in a batch): ") + pw::EnumNameValidation(a->validation());
        }
      break;
    }
    case pw::MessageKind::TraceResponse: {
      const auto* r = flatbuffers::GetRoot<pw::TraceResponse>(p);
      size_t links = r->custody_chain() ? r->custody_chain()->size() : 0;
      m.sentence = std::string("the answer: ") + pw::EnumNameTraceOutcome(r->outcome()) + " (reason " +
                   pw::EnumNameOutcomeReason(r->reason()) + "), " + std::to_string(links) + " custody record" +
                   (links == 1 ? "" : "s");
      m.names_case = Is(r->request_message_id(), case_id);
      break;
    }
    case pw::MessageKind::TraceFollowUp: {
      const auto* f = flatbuffers::GetRoot<pw::TraceFollowUp>(p);
      m.sentence = std::string("a follow-up (") + pw::EnumNameFollowUpKind(f->kind()) + "): " + Text(f->text());
      m.names_case = Is(f->request_message_id(), case_id);
      break;
    }
    case pw::MessageKind::Error: {
      const auto* e = flatbuffers::GetRoot<pw::Error>(p);
      m.sentence = std::string("an error report (") + pw::EnumNameErrorCode(e->code()) + "): " + Text(e->detail());
      m.names_case = e->in_reply_to() && case_messages.count(Bytes(e->in_reply_to()->begin(), e->in_reply_to()->end()));
      break;
    }
    case pw::MessageKind::DeliveryReceipt: {
      const auto* r = flatbuffers::GetRoot<pw::DeliveryReceipt>(p);
      for (const pw::ReceiptEntry* e : *r->entries()) {
        Bytes id(e->message_id()->begin(), e->message_id()->end());
        if (case_messages.count(id)) m.receipted.insert(id);
      }
      m.names_case = !m.receipted.empty();
      m.sentence = "a delivery receipt covering " + std::to_string(r->entries()->size()) + " message" +
                   (r->entries()->size() == 1 ? "" : "s");
      break;
    }
    default: m.sentence = std::string("a ") + pw::EnumNameMessageKind(kind) + " message (not part of a trace)"; break;
  }
  return m;
}

}  // namespace tracenet::proof
