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
  // `custody` says how custody was proved ("" for a direct recipient's plain acknowledgement).
  virtual Status OnHopAccepted(store::Txn& txn, ByteView message_id, const std::string& peer,
                               const std::string& custody) = 0;
  // The next hop refused a message for good, or it expired before anyone took it.
  virtual Status OnUndeliverable(store::Txn& txn, ByteView message_id, const std::string& peer,
                                 const Error& reason) = 0;
  // A dead letter was put back in the outbox under its own message id.
  virtual Status OnResent(store::Txn& txn, ByteView message_id, const std::string& peer) = 0;
  // This node (a hub) took custody of an envelope for someone else and queued it for `next_hop`.
  // It sees the routing header only, never the content.
  virtual Status OnRelayed(store::Txn& /*txn*/, ByteView /*message_id*/, const std::string& /*from*/,
                           const std::string& /*recipient*/, const std::string& /*next_hop*/) {
    return Status::Ok();
  }
};

struct SentMessage {
  Bytes message_id;
  crypto::Hash32 envelope_hash{};  // what the recipient's receipt must name
};

// Lets a handler queue messages inside the current transaction.
class Outgoing {
 public:
  virtual ~Outgoing() = default;
  // Encrypts and signs; touches no state, so it may run on any thread before the transaction.
  virtual Result<protocol::Sealed> Seal(const std::string& recipient, protocol::wire::MessageKind kind,
                                        ByteView payload, ByteView message_id = {}) const = 0;
  // Adds a sealed envelope to the outbox inside the current transaction.
  virtual Result<SentMessage> Enqueue(store::Txn& txn, const std::string& recipient,
                                      protocol::wire::MessageKind kind, protocol::Sealed sealed) = 0;

  // Queues `payload` for `recipient` inside the current transaction and returns its message id.
  // It may be sealed later in the batch (all at once, in parallel), but before the batch commits.
  virtual Result<Bytes> Send(store::Txn& txn, const std::string& recipient, protocol::wire::MessageKind kind,
                             ByteView payload) = 0;
};

}  // namespace tracenet::messaging
