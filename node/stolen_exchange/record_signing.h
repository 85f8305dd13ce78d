// Owner signatures on lost/stolen records: the owner signs the canonical record bytes with its
// Ed25519 key, so a hub and every searcher can check who vouches for a record, however it
// travelled. Also the record's wire form. Thread-safety: pure functions.
#pragma once

#include "node/crypto/secret.h"
#include "node/protocol/wire.h"
#include "node/stolen/stolen_record.h"

namespace tracenet::stolen {

void SignRecord(StolenRecord& r, const crypto::SigningSecret& owner_key);
bool RecordSignatureValid(const StolenRecord& r, const crypto::PublicKey32& owner_sign_public);

protocol::wire::SignedStolenRecordT ToWire(const StolenRecord& r);
// nullopt when the record bytes do not decode.
std::optional<StolenRecord> FromWire(const protocol::wire::SignedStolenRecordT& w);

}  // namespace tracenet::stolen
