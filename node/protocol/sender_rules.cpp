#include "node/protocol/sender_rules.h"

#include <string>
#include <vector>

namespace tracenet::protocol {

namespace {

using Kind = wire::MessageKind;

const char* PartyName(Party p) {
  switch (p) {
    case Party::kNational: return "a national centre";
    case Party::kHub: return "a hub";
    case Party::kAny: return "any member";
  }
  return "?";
}

bool Matches(Party p, std::string_view role) {
  if (p == Party::kAny) return true;
  return (p == Party::kHub) == (role == "hub");
}

}  // namespace

const std::vector<SenderRule>& SenderRules() {
  static const std::vector<SenderRule> kRules = {
      {Kind::TraceRequest, Party::kNational, Party::kNational,
       "opens a case at the recipient; a repeated message id opens nothing"},
      {Kind::TraceAcknowledgement, Party::kNational, Party::kNational,
       "only for a case the recipient sent to the sender (outgoing there)"},
      {Kind::TraceResponse, Party::kNational, Party::kNational,
       "only for a case the recipient sent to the sender (outgoing there); an answer replaces 'undeliverable'"},
      {Kind::DeliveryReceipt, Party::kAny, Party::kAny,
       "only names messages the recipient sent to the sender; a request's delivery only on an outgoing case"},
      {Kind::Error, Party::kAny, Party::kAny,
       "from the case's peer: recorded on its case; from a hub that took custody of the request: a "
       "non-delivery notice (Expired) that marks the outgoing case undeliverable"},
      {Kind::TraceAcknowledgementBatch, Party::kNational, Party::kNational,
       "as TraceAcknowledgement, for each entry"},
      {Kind::StolenPublish, Party::kNational, Party::kHub, "records signed by the sender (the owner) only"},
      {Kind::StolenSearch, Party::kNational, Party::kHub, "rate-limited per member"},
      {Kind::StolenSearchAnswer, Party::kHub, Party::kNational, "only for a search the recipient sent to that hub"},
      {Kind::StolenHitNotice, Party::kHub, Party::kNational, "only about a record the recipient owns"},
      {Kind::StolenHitDecision, Party::kNational, Party::kNational,
       "only from the owner of the record, for a search the recipient made"},
      {Kind::TraceFollowUp, Party::kNational, Party::kNational,
       "cancel and clarification answers from the requester; clarification requests from the requested state"},
  };
  return kRules;
}

Status CheckSenderRule(Kind kind, std::string_view sender_role, std::string_view recipient_role) {
  for (const SenderRule& rule : SenderRules()) {
    if (rule.kind != kind) continue;
    if (Matches(rule.sender, sender_role) && Matches(rule.recipient, recipient_role)) return Status::Ok();
    return MakeError(Errc::kNotPermitted, std::string(wire::EnumNameMessageKind(kind)) + " is sent by " +
                                              PartyName(rule.sender) + " to " + PartyName(rule.recipient) +
                                              ", not by " + (sender_role == "hub" ? "a hub" : "a national centre") +
                                              " to " + (recipient_role == "hub" ? "a hub" : "a national centre"));
  }
  return MakeError(Errc::kNotPermitted, "message kind " + std::to_string(static_cast<int>(kind)) + " is not in the protocol");
}

}  // namespace tracenet::protocol
