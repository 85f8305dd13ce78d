// Writes the seed corpus of whole_node_fuzz (see its header for the input layout): one valid
// payload of every message kind on the route where it means something, records signed by the
// sender's fixed keys, and the case placeholder where a payload names a case.
// Usage: make_node_seeds DIR
#include <fstream>

#include "node/protocol/link_frame.h"
#include "node/protocol/wire.h"
#include "node/stolen_exchange/record_signing.h"
#include "tests/support/in_process_federation.h"

using namespace tracenet;
namespace pw = tracenet::protocol::wire;

namespace {

std::string g_dir;
const Bytes kCase = [] {
  const char* p = "@CASE-ID-HERE!!@";
  return Bytes(p, p + 16);
}();

enum Route : uint8_t { kSenderToNational = 0, kHubToNational = 1, kSenderToHub = 2, kRelayed = 3, kReplay = 0x40, kRaw = 0x80 };

void Seed(const std::string& name, uint8_t route, pw::MessageKind kind, const Bytes& payload) {
  Bytes input{route, static_cast<uint8_t>(kind)};
  input.insert(input.end(), payload.begin(), payload.end());
  std::ofstream(g_dir + "/" + name, std::ios::binary).write(reinterpret_cast<const char*>(input.data()), input.size());
}

pw::TraceRequestT Request() {
  pw::TraceRequestT r = test_support::SampleRequest("GLK482913");
  r.priority = pw::Priority::Urgent;
  r.weapon->model = "17";
  r.weapon->calibre = "9x19mm";
  r.weapon->country_of_manufacture = "AUT";
  auto photo = std::make_unique<pw::PhotoT>();
  photo->media_type = "image/png";
  photo->data = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};
  r.photos.push_back(std::move(photo));
  return r;
}

pw::TraceAcknowledgementT Acknowledgement() {
  pw::TraceAcknowledgementT a;
  a.request_message_id = kCase;
  a.received_at_ms = 1'900'000'000'000;
  a.validation = pw::Validation::Accepted;
  a.point_of_contact = "duty officer";
  a.expected_response_at_ms = 1'900'100'000'000;
  return a;
}

stolen::StolenRecord Record() {
  stolen::StolenRecord r;
  r.owner = "MEX-FGR";
  r.owner_ref = "M-1";
  r.serial = "GLK482913";
  r.make = "Glock";
  r.calibre = "9x19mm";
  r.remarks = "stolen from an armoury";
  stolen::SignRecord(r, test_support::FixedIdentity(3).sign_secret);  // MEX-FGR's fixed keys
  return r;
}

pw::StolenSearchT Search() {
  pw::StolenSearchT s;
  s.search_id = "s-1";
  s.serial = "GLK4B2?I3";
  s.make = "Glock";
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  g_dir = argv[1];
  Seed("request", kSenderToNational, pw::MessageKind::TraceRequest, protocol::PackPayload<pw::TraceRequest>(Request()));
  Seed("request_replayed", kSenderToNational | kReplay, pw::MessageKind::TraceRequest,
       protocol::PackPayload<pw::TraceRequest>(Request()));
  Seed("request_relayed", kRelayed, pw::MessageKind::TraceRequest, protocol::PackPayload<pw::TraceRequest>(Request()));
  Seed("acknowledgement", kSenderToNational, pw::MessageKind::TraceAcknowledgement,
       protocol::PackPayload<pw::TraceAcknowledgement>(Acknowledgement()));
  pw::TraceAcknowledgementBatchT batch;
  batch.acknowledgements.push_back(std::make_unique<pw::TraceAcknowledgementT>(Acknowledgement()));
  Seed("acknowledgement_batch", kSenderToNational, pw::MessageKind::TraceAcknowledgementBatch,
       protocol::PackPayload<pw::TraceAcknowledgementBatch>(batch));

  pw::TraceResponseT response;
  response.request_message_id = kCase;
  response.outcome = pw::TraceOutcome::Found;
  response.reason = pw::OutcomeReason::None;
  response.manufacturer = "Glock";
  for (auto role : {pw::CustodyRole::Manufacturer, pw::CustodyRole::Exporter, pw::CustodyRole::FirstRetailPurchaser}) {
    auto link = std::make_unique<pw::CustodyLinkT>();
    link->role = role;
    link->name = "Holder";
    link->country = "AUT";
    link->date_in = "2019-04-02";
    response.custody_chain.push_back(std::move(link));
  }
  Seed("response", kSenderToNational, pw::MessageKind::TraceResponse, protocol::PackPayload<pw::TraceResponse>(response));
  Seed("response_relayed", kRelayed, pw::MessageKind::TraceResponse, protocol::PackPayload<pw::TraceResponse>(response));

  pw::DeliveryReceiptT receipt;
  auto entry = std::make_unique<pw::ReceiptEntryT>();
  entry->message_id = kCase;
  entry->envelope_hash = Bytes(32, 0xAB);
  receipt.entries.push_back(std::move(entry));
  Seed("receipt", kSenderToNational, pw::MessageKind::DeliveryReceipt, protocol::PackPayload<pw::DeliveryReceipt>(receipt));

  pw::ErrorT error;
  error.in_reply_to = kCase;
  error.code = pw::ErrorCode::Expired;
  error.detail = "not delivered before expiry";
  Seed("error_from_peer", kSenderToNational, pw::MessageKind::Error, protocol::PackPayload<pw::Error>(error));
  Seed("non_delivery_from_hub", kHubToNational, pw::MessageKind::Error, protocol::PackPayload<pw::Error>(error));

  pw::TraceFollowUpT follow_up;
  follow_up.request_message_id = kCase;
  follow_up.kind = pw::FollowUpKind::ClarificationRequest;
  follow_up.text = "which importer marking?";
  Seed("clarification_request", kSenderToNational, pw::MessageKind::TraceFollowUp,
       protocol::PackPayload<pw::TraceFollowUp>(follow_up));
  follow_up.kind = pw::FollowUpKind::Cancel;
  Seed("cancel", kSenderToNational, pw::MessageKind::TraceFollowUp, protocol::PackPayload<pw::TraceFollowUp>(follow_up));

  pw::StolenPublishT publish;
  publish.records.push_back(std::make_unique<pw::SignedStolenRecordT>(stolen::ToWire(Record())));
  Seed("stolen_publish", kSenderToHub, pw::MessageKind::StolenPublish, protocol::PackPayload<pw::StolenPublish>(publish));
  Seed("stolen_search", kSenderToHub, pw::MessageKind::StolenSearch, protocol::PackPayload<pw::StolenSearch>(Search()));

  pw::StolenSearchAnswerT answer;
  answer.search_id = "s-1";
  auto candidate = std::make_unique<pw::StolenCandidateT>();
  candidate->record = std::make_unique<pw::SignedStolenRecordT>(stolen::ToWire(Record()));
  candidate->score = 91;
  candidate->reasons = {"serial equal after confusable characters (B→8)"};
  candidate->hit_id = "h-1";
  answer.candidates.push_back(std::move(candidate));
  Seed("stolen_answer", kHubToNational, pw::MessageKind::StolenSearchAnswer,
       protocol::PackPayload<pw::StolenSearchAnswer>(answer));

  pw::StolenHitNoticeT notice;
  notice.hit_id = "h-1";
  notice.searcher = "MEX-FGR";
  notice.search = std::make_unique<pw::StolenSearchT>(Search());
  notice.owner_ref = "K-1";
  notice.score = 91;
  Seed("stolen_hit_notice", kHubToNational, pw::MessageKind::StolenHitNotice,
       protocol::PackPayload<pw::StolenHitNotice>(notice));

  pw::StolenHitDecisionT decision;
  decision.hit_id = "h-1";
  decision.search_id = "s-1";
  decision.owner_ref = "M-1";
  decision.confirmed = true;
  Seed("stolen_hit_decision", kSenderToNational, pw::MessageKind::StolenHitDecision,
       protocol::PackPayload<pw::StolenHitDecision>(decision));

  Seed("raw_hello", kRaw | kSenderToHub, pw::MessageKind::Unspecified, protocol::EncodeHello("MEX-FGR"));
  Seed("raw_directory_request", kRaw | kSenderToHub, pw::MessageKind::Unspecified, protocol::EncodeDirectoryRequest(0));
  Seed("raw_hop_ack", kRaw | kSenderToNational, pw::MessageKind::Unspecified,
       protocol::EncodeHopAck(kCase, pw::HopStatus::Accepted, Errc::kInternal, ""));
  return 0;
}
