#include "node/proof/proof_bundle.h"

#include "node/common/text.h"
#include "node/protocol/envelope.h"

namespace tracenet::proof {

namespace {

using Json = nlohmann::ordered_json;
namespace pw = protocol::wire;

}  // namespace

Json EncodeBundle(const BundleInput& in) {
  Json messages = Json::array();
  for (const BundleMessage& m : in.messages) {
    auto view = protocol::ParseEnvelope(m.envelope, m.envelope.size());
    Json j = {{"message_id", view ? ToHex(view->header.message_id) : ""},
              {"kind", view ? pw::EnumNameMessageKind(view->header.kind) : ""},
              {"envelope", ToHex(m.envelope)}};
    if (m.message_key) j["message_key"] = ToHex(ByteView(m.message_key->data(), m.message_key->size()));
    messages.push_back(std::move(j));
  }
  Json custody = Json::array();
  for (const store::CustodyRecord& c : in.custody) {
    Json ids = Json::array(), hashes = Json::array();
    for (size_t i = 0; i < c.message_ids.size(); ++i) {
      ids.push_back(ToHex(c.message_ids[i]));
      hashes.push_back(ToHex(ByteView(c.envelope_hashes[i].data(), c.envelope_hashes[i].size())));
    }
    custody.push_back({{"hub", c.hub}, {"message_ids", ids}, {"envelope_hashes", hashes}, {"signature", ToHex(c.signature)}});
  }
  return {{"format", kFormat},
          {"case_id", ToHex(in.case_id)},
          {"made_by", in.made_by},
          {"made_at", FormatUtc(in.made_at_ms)},
          {"directory", ToHex(in.signed_directory)},
          {"messages", messages},
          {"custody", custody}};
}

}  // namespace tracenet::proof
