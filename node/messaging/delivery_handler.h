// What the messaging layer calls when an envelope is accepted or when something happens to a
// message this node sent. Implemented by the trace layer. Every call runs inside the node
// loop's write transaction, so its effects commit together with the acceptance itself
// (exactly-once effect). Thread-safety: called from the node loop thread only.
#pragma once

#include "node/common/result.h"
#include "node/protocol/envelope.h"
#include "node/store/lmdb_env.h"

namespace tracenet::messaging {

class Outgoing;

class DeliveryHandler {
 public:
  virtual ~DeliveryHandler() = default;
  // A fresh (not duplicate) envelope passed every check. An error aborts the whole batch and is
  // reserved for storage failures; content problems are recorded and return Ok.
  virtual Status OnAccepted(store::Txn& txn, const protocol::Opened& message, Outgoing& out) = 0;
  // The next hop took custody of a message this node sent.
  virtual Status OnHopAccepted(store::Txn& txn, ByteView message_id, const std::string& peer) = 0;
  // The next hop refused a message for good, or it expired before anyone took it.
  virtual Status OnUndeliverable(store::Txn& txn, ByteView message_id, const std::string& peer,
                                 const Error& reason) = 0;
};

struct SentMessage {
  Bytes message_id;
  crypto::Hash32 envelope_hash{};  // what the recipient's receipt must name
};

// Lets a handler queue messages inside the current transaction.
class Outgoing {
 public:
  virtual ~Outgoing() = default;
  // Seals `payload` for `recipient` and adds it to the outbox.
  virtual Result<SentMessage> Send(store::Txn& txn, const std::string& recipient,
                                   protocol::wire::MessageKind kind, ByteView payload,
                                   ByteView message_id = {}) = 0;
};

}  // namespace tracenet::messaging
