#include "node/stolen_exchange/record_signing.h"

#include "node/crypto/primitives.h"

namespace tracenet::stolen {

void SignRecord(StolenRecord& r, const crypto::SigningSecret& owner_key) {
  crypto::Signature sig = crypto::Sign(owner_key, EncodeRecord(r));
  r.owner_signature.assign(sig.begin(), sig.end());
}

bool RecordSignatureValid(const StolenRecord& r, const crypto::PublicKey32& owner_sign_public) {
  return crypto::Verify(ByteView(owner_sign_public.data(), owner_sign_public.size()), EncodeRecord(r), r.owner_signature);
}

protocol::wire::SignedStolenRecordT ToWire(const StolenRecord& r) {
  protocol::wire::SignedStolenRecordT w;
  w.record = EncodeRecord(r);
  w.owner_signature = r.owner_signature;
  return w;
}

std::optional<StolenRecord> FromWire(const protocol::wire::SignedStolenRecordT& w) {
  auto r = DecodeRecord(w.record);
  if (r) r->owner_signature = w.owner_signature;
  return r;
}

}  // namespace tracenet::stolen
