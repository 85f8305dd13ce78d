#include "node/protocol/header_claims.h"

namespace tracenet::protocol {

namespace {

Error Contradicts(std::string message) { return MakeError(Errc::kInvalidPayload, std::move(message)); }

// A request_id is the case id written out: lowercase hex of the request's message id. Empty is
// allowed (a reader substitutes the hex itself).
Status CheckRequestId(const flatbuffers::String* request_id, ByteView request_message_id, const char* where) {
  if (!request_id || request_id->size() == 0) return Status::Ok();
  if (request_id->string_view() == ToHex(request_message_id)) return Status::Ok();
  return Contradicts(std::string(where) + " request_id must be empty or the request's message id in lowercase hex (" +
                     ToHex(request_message_id) + "): the message id is the case id");
}

Status CheckAcknowledgement(const wire::TraceAcknowledgement& ack, const char* where) {
  ByteView id(ack.request_message_id()->data(), ack.request_message_id()->size());
  return CheckRequestId(ack.request_id(), id, where);
}

}  // namespace

Status CheckHeaderClaims(wire::MessageKind kind, std::string_view sender, ByteView message_id, ByteView payload) {
  switch (kind) {
    case wire::MessageKind::TraceRequest: {
      const auto* request = flatbuffers::GetRoot<wire::TraceRequest>(payload.data());
      if (Status s = CheckRequestId(request->request_id(), message_id, "the"); !s) return s;
      if (const flatbuffers::String* state = request->requesting_state(); state && state->size() > 0 && state->string_view() != sender)
        return Contradicts("requesting_state must be empty or the sender's member id (" + std::string(sender) +
                           "), not \"" + state->str() + "\"");
      return Status::Ok();
    }
    case wire::MessageKind::TraceAcknowledgement:
      return CheckAcknowledgement(*flatbuffers::GetRoot<wire::TraceAcknowledgement>(payload.data()), "the acknowledgement's");
    case wire::MessageKind::TraceResponse: {
      const auto* response = flatbuffers::GetRoot<wire::TraceResponse>(payload.data());
      ByteView id(response->request_message_id()->data(), response->request_message_id()->size());
      return CheckRequestId(response->request_id(), id, "the response's");
    }
    case wire::MessageKind::TraceAcknowledgementBatch:
      for (const wire::TraceAcknowledgement* ack :
           *flatbuffers::GetRoot<wire::TraceAcknowledgementBatch>(payload.data())->acknowledgements())
        if (Status s = CheckAcknowledgement(*ack, "an acknowledgement's"); !s) return s;
      return Status::Ok();
    default: return Status::Ok();
  }
}

}  // namespace tracenet::protocol
