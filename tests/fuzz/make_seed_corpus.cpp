// Writes the seed corpora: for envelope_fuzz a valid link frame carrying a real envelope, a hop
// ack, truncated variants and decrypted payloads (into DIR); for directory_fuzz a signed directory (into DIR2); for
// stolen_input_fuzz a signed publication, a search and an answer (into DIR3).
// Usage: make_seed_corpus DIR [DIR2 [DIR3]]
#include <cstdio>
#include <fstream>

#include "node/crypto/primitives.h"
#include "node/protocol/envelope.h"
#include "node/directory/directory_trust.h"
#include "node/protocol/link_frame.h"
#include "node/protocol/wire.h"
#include "node/stolen_exchange/record_signing.h"

using namespace tracenet;

static void Write(const std::string& path, const Bytes& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  (void)crypto::Init();
  crypto::Identity a = crypto::GenerateIdentity(), b = crypto::GenerateIdentity();
  protocol::PeerKeys pb;
  pb.id = "USA-ATF";
  pb.sign_public = b.pub.sign_public;
  pb.enc_public = b.pub.enc_public;
  auto keys = *protocol::Keyring::Create("MEX-FGR", a, {pb});
  auto sealed = protocol::SealEnvelope(*keys, "USA-ATF", protocol::wire::MessageKind::TraceRequest,
                                       AsBytes("payload"), 1'800'000'000'000, 3'600'000);
  std::string dir = argv[1];
  Write(dir + "/envelope", sealed->bytes);
  Write(dir + "/deliver_frame", protocol::EncodeDeliver(sealed->bytes));
  Write(dir + "/hop_ack", protocol::EncodeHopAck(sealed->message_id, protocol::wire::HopStatus::Rejected,
                                                 Errc::kExpired, "expired"));
  Write(dir + "/custody_batch", protocol::EncodeCustodyBatch({sealed->message_id}, {crypto::Hash256(sealed->bytes)},
                                                            a.sign_secret));
  Bytes half(sealed->bytes.begin(), sealed->bytes.begin() + sealed->bytes.size() / 2);
  Write(dir + "/truncated", half);
  // Payloads as CheckPayload sees them once decrypted: a request with a photo, a follow-up.
  protocol::wire::TraceRequestT request;
  request.priority = protocol::wire::Priority::Routine;
  request.grounds = protocol::wire::IllicitGrounds::NationalLaw;
  request.weapon = std::make_unique<protocol::wire::WeaponT>();
  request.weapon->serial = "ABC123";
  request.weapon->manufacturer = "Glock";
  request.weapon->type = protocol::wire::WeaponType::Pistol;
  auto photo = std::make_unique<protocol::wire::PhotoT>();
  photo->media_type = "image/png";
  photo->data = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};
  request.photos.push_back(std::move(photo));
  Write(dir + "/request_with_photo", protocol::PackPayload<protocol::wire::TraceRequest>(request));
  protocol::wire::TraceFollowUpT follow_up;
  follow_up.request_message_id = sealed->message_id;
  follow_up.kind = protocol::wire::FollowUpKind::ClarificationRequest;
  follow_up.text = "which importer marking?";
  Write(dir + "/follow_up", protocol::PackPayload<protocol::wire::TraceFollowUp>(follow_up));
  if (argc > 2) {
    directory::Document d;
    d.federation = "fuzz";
    d.expires_at_ms = 1'900'000'000'000;
    d.members = {{"HUB-A", "FRA", "Hub", "hub", {"tcp://127.0.0.1:7400"}, {}, {}},
                 {"MEX-FGR", "MEX", "FGR", "national", {}, {"HUB-A"},
                  {{directory::KeyPurpose::kSigning, a.pub.sign_public, 0, 0}}}};
    d.revoked = {{b.pub.sign_public, 1, "compromised"}};
    directory::SignedDirectory s{directory::EncodeDocument(d), {}};
    directory::AddSignature(s, a.sign_secret, a.pub.sign_public);
    Write(std::string(argv[2]) + "/signed_directory", directory::EncodeSigned(s));
    Write(std::string(argv[2]) + "/document", s.document);
  }
  if (argc > 3) {
    namespace wire = protocol::wire;
    stolen::StolenRecord r;
    r.owner = "KEN-NFB";
    r.owner_ref = "K-1";
    r.serial = "GLK482913";
    r.make = "Glock";
    r.calibre = "9x19mm";
    r.remarks = "stolen from an armoury";
    stolen::SignRecord(r, a.sign_secret);
    auto seed = [&](const char* name, wire::MessageKind kind, Bytes payload) {
      payload.insert(payload.begin(), static_cast<uint8_t>(kind));
      Write(std::string(argv[3]) + "/" + name, payload);
    };
    wire::StolenPublishT publish;
    publish.records.push_back(std::make_unique<wire::SignedStolenRecordT>(stolen::ToWire(r)));
    seed("publish", wire::MessageKind::StolenPublish, protocol::PackPayload<wire::StolenPublish>(publish));
    wire::StolenSearchT search;
    search.search_id = "s-1";
    search.serial = "GLK4B2?I3";
    search.make = "S&W";
    seed("search", wire::MessageKind::StolenSearch, protocol::PackPayload<wire::StolenSearch>(search));
    wire::StolenSearchAnswerT answer;
    answer.search_id = "s-1";
    auto candidate = std::make_unique<wire::StolenCandidateT>();
    candidate->record = std::make_unique<wire::SignedStolenRecordT>(stolen::ToWire(r));
    candidate->reasons = {"serial equal after confusable characters (B→8)"};
    answer.candidates.push_back(std::move(candidate));
    seed("answer", wire::MessageKind::StolenSearchAnswer, protocol::PackPayload<wire::StolenSearchAnswer>(answer));
  }
  return 0;
}
