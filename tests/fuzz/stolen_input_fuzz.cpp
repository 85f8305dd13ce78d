// Fuzz target for lost/stolen bytes from outside: the first byte chooses what the rest is. 0: a
// CSV export for `tracenet stolen import`; otherwise a payload of that message kind (7..11: a
// publication, search, answer, hit notice or decision) as a node receives it, checked, and for
// publications and answers each record decoded and validated, for searches the query
// normalised. Must never crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>

#include "node/protocol/payload_check.h"
#include "node/stolen_exchange/record_signing.h"
#include "node/stolen_exchange/stolen_csv.h"
#include "node/stolen_exchange/stolen_json.h"

using namespace tracenet;
namespace pw = protocol::wire;

static void Records(const flatbuffers::Vector<flatbuffers::Offset<pw::SignedStolenRecord>>* records) {
  if (!records) return;
  for (const pw::SignedStolenRecord* r : *records) {
    std::unique_ptr<pw::SignedStolenRecordT> w(r->UnPack());
    if (auto record = stolen::FromWire(*w)) (void)stolen::ValidateRecord(*record);
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The rest in a buffer of its own, aligned as the node's decrypted payloads are (FlatBuffers
  // reads in place; `data + 1` would make every read misaligned).
  const Bytes copy(data + 1, data + size);
  ByteView rest(copy);
  if (data[0] == 0) {
    (void)stolen::ParseStolenCsv(AsString(rest), "fuzz.csv");
    return 0;
  }
  auto kind = static_cast<pw::MessageKind>(data[0]);
  if (!protocol::CheckPayload(kind, rest)) return 0;
  if (kind == pw::MessageKind::StolenPublish) Records(flatbuffers::GetRoot<pw::StolenPublish>(rest.data())->records());
  if (kind == pw::MessageKind::StolenSearch) {
    std::unique_ptr<pw::StolenSearchT> s(flatbuffers::GetRoot<pw::StolenSearch>(rest.data())->UnPack());
    (void)stolen::QueryOf(*s);
  }
  if (kind == pw::MessageKind::StolenSearchAnswer)
    if (auto* c = flatbuffers::GetRoot<pw::StolenSearchAnswer>(rest.data())->candidates())
      for (const pw::StolenCandidate* candidate : *c) {
        std::unique_ptr<pw::SignedStolenRecordT> w(candidate->record()->UnPack());
        (void)stolen::FromWire(*w);
      }
  return 0;
}
