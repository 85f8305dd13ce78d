// The node loop's batch: every frame, command and registry answer of one turn applied in one
// write transaction, committed once, and only then acknowledged. One item that fails to apply
// (an exception, or an error that is not the store's) is isolated: the batch is run again
// without it, and it is refused on its own — a frame with a Rejected hop ack and an entry in
// the quarantine, a command with its error, a registry answer retried later — so no single
// message can stop the node or hold back the others in its batch.
#include <spdlog/spdlog.h>
#include <sodium.h>

#include <map>

#include "node/runtime/guarded.h"
#include "node/runtime/node.h"

namespace tracenet::runtime {

namespace {

bool IsStorageFailure(const Error& e) { return e.code == Errc::kIo || store::IsMapFull(e); }

std::string ShortId(ByteView id) { return ToHex(id).substr(0, 12); }

// What failed while a batch was applied, so the next attempt leaves it out.
struct ItemFailure {
  enum Kind { kFrame, kCommand, kLookup } kind;
  size_t index;
  Error error;
};

}  // namespace

Status Node::QuarantineFrame(store::Txn& txn, const messaging::PreparedFrame& frame, const Error& why,
                             std::vector<messaging::HopReply>& replies) {
  store::QuarantineEntry entry;
  entry.at_ms = m_clock->NowMs();
  entry.link_peer = frame.frame->member;
  if (frame.opened) {
    entry.sender = frame.opened->header.sender;
    entry.kind = static_cast<uint32_t>(frame.opened->header.kind);
  } else if (frame.relay) {
    entry.sender = frame.relay->sender;
    entry.kind = frame.relay->kind;
  }
  if (frame.message_id.size() == 16 && frame.message_id != Bytes(16, 0)) entry.message_id = frame.message_id;
  entry.reason = std::string(ErrcName(why.code)) + ": " + why.message;
  const auto* data = static_cast<const uint8_t*>(frame.frame->data.data());
  entry.envelope.assign(data, data + frame.frame->data.size());
  if (Status s = m_quarantine->Add(txn, entry); !s) return s;
  ++m_counters.quarantined;
  m_audit->Add({entry.at_ms, m_config.id, "quarantined", "message " + ToHex(entry.message_id),
                "from " + entry.link_peer + ": " + entry.reason});
  spdlog::error("event=frame_quarantined peer={} sender={} msg={} quarantine_seq={} reason=\"{}\"", entry.link_peer,
                entry.sender, ShortId(entry.message_id), entry.seq, entry.reason);
  // An envelope is refused so its sender stops retrying; link frames of other kinds (acks,
  // custody receipts, directory frames) have nothing to refuse.
  if (frame.opened || frame.relay)
    m_messenger->Refuse(frame, MakeError(Errc::kInvalidPayload, "refused: it could not be applied (" + entry.reason + ")"),
                        replies);
  return Status::Ok();
}

void Node::ProcessBatch(std::vector<transport::InboundFrame>& frames,
                        std::vector<std::shared_ptr<QueuedCommand>>& commands, std::vector<LookupOutcome>& lookups,
                        bool sweep) {
  std::vector<messaging::HopReply> replies;
  std::vector<Status> results(commands.size());
  std::vector<messaging::PreparedFrame> prepared = m_messenger->PrepareAll(frames, *m_crypto_pool);
  std::map<size_t, Error> bad_frames, bad_commands, bad_lookups;
  std::optional<ItemFailure> failure;
  auto apply = [&](store::Txn& txn) -> Status {
    // Write() may run this again after growing the map: start from a clean slate each time.
    replies.clear();
    m_messenger->AbortBatch();
    m_trace->AbortBatch();
    m_audit->Discard();
    if (m_stolen_hub) m_stolen_hub->RestartBatch();
    failure.reset();
    bool threw = false;
    for (size_t i = 0; i < prepared.size(); ++i) {
      const messaging::PreparedFrame& frame = prepared[i];
      if (auto bad = bad_frames.find(i); bad != bad_frames.end()) {
        if (Status s = QuarantineFrame(txn, frame, bad->second, replies); !s) return s;
        continue;
      }
      if (frame.opened || frame.relay)
        if (auto reason = m_quarantine->ReasonFor(txn, frame.opened ? frame.opened->header.sender : frame.relay->sender,
                                                  frame.message_id)) {
          m_messenger->Refuse(frame, MakeError(Errc::kInvalidPayload, "refused earlier and quarantined: " + *reason), replies);
          continue;
        }
      Status s = Guarded([&] { return m_messenger->HandleFrame(txn, frame, replies); }, threw);
      if (!s && !IsStorageFailure(s.error())) failure = ItemFailure{ItemFailure::kFrame, i, s.error()};
      if (!s) return s;
    }
    m_messenger->CustodyReceipts(replies);
    for (size_t i = 0; i < commands.size(); ++i) {
      if (auto bad = bad_commands.find(i); bad != bad_commands.end()) {
        results[i] = bad->second;
        continue;
      }
      results[i] = Guarded([&] { return commands[i]->apply(txn); }, threw);
      if (!results[i] && IsStorageFailure(results[i].error())) return results[i];
      // A command's own refusal leaves nothing behind; one that threw may have written half.
      if (threw) {
        failure = ItemFailure{ItemFailure::kCommand, i, results[i].error()};
        return results[i];
      }
    }
    for (size_t i = 0; i < lookups.size(); ++i) {
      if (bad_lookups.count(i)) continue;
      Status s = Guarded([&] { return m_trace->ApplyLookup(txn, lookups[i].job, lookups[i].findings); }, threw);
      if (!s && !IsStorageFailure(s.error())) failure = ItemFailure{ItemFailure::kLookup, i, s.error()};
      if (!s) return s;
    }
    if (Status s = m_trace->SendAcknowledgements(txn); !s) return s;
    // Expiry may queue messages (a hub's non-delivery notices): before the batch's sealing.
    if (sweep) {
      if (Status s = m_messenger->ExpireOutbox(txn); !s) return s;
      if (Status s = m_messenger->RerouteStranded(txn); !s) return s;
    }
    if (Status s = m_messenger->FinishBatch(txn, *m_crypto_pool); !s) return s;
    if (sweep) {
      auto pruned = m_store->PruneSeen(txn, m_clock->NowMs(), 10000);
      if (!pruned) return pruned.error();
    }
    if (Status s = m_trace->FinishBatch(txn); !s) return s;
    return m_audit->Flush(txn);  // last: every event of the batch, one signed checkpoint
  };

  auto write_started = std::chrono::steady_clock::now();
  Status committed = m_store->env().Write(apply);
  // Each failed attempt names one item; at most one more attempt per item in the batch.
  for (size_t attempts = 0; !committed && failure && attempts <= prepared.size() + commands.size() + lookups.size();
       ++attempts) {
    const ItemFailure f = *failure;
    ++m_counters.failed_items;
    switch (f.kind) {
      case ItemFailure::kFrame:
        bad_frames.emplace(f.index, f.error);
        break;
      case ItemFailure::kCommand:
        spdlog::error("event=command_failed reason=\"{}\"", f.error.message);
        bad_commands.emplace(f.index, f.error);
        break;
      case ItemFailure::kLookup:
        spdlog::error("event=registry_answer_refused case={} reason=\"{}\" note=\"retried later\"",
                      ShortId(lookups[f.index].job.case_id), f.error.message);
        lookups[f.index].findings = MakeError(Errc::kUnavailable, "the registry's answer could not be applied: " +
                                                                      f.error.message);
        bad_lookups.emplace(f.index, f.error);
        break;
    }
    committed = m_store->env().Write(apply);
  }
  if (!committed) {
    ++m_counters.commit_failures;
    spdlog::error("event=commit_failed frames={} commands={} reason=\"{}\"", frames.size(), commands.size(),
                  committed.error().message);
    m_messenger->AbortBatch();
    m_trace->AbortBatch();
    m_audit->Discard();
    if (m_stolen_hub) {
      m_stolen_hub->RestartBatch();
      m_stolen_hub->EndBatch();
    }
    for (auto& command : commands) command->done.set_value(committed);
    for (LookupOutcome& outcome : lookups) m_registry->Enqueue(std::move(outcome.job), m_lookup_retry_ms);  // not its fault
    return;  // no acks: senders keep their copies and retry
  }
  ++m_counters.batches_committed;
  m_counters.commit_latency.Observe(static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - write_started).count()));
  m_messenger->CommitBatch();
  m_trace->CommitBatch();
  if (m_stolen_hub) m_stolen_hub->EndBatch();
  m_commits.Notify();
  for (trace::LookupJob& job : m_trace->TakeNewLookups()) m_registry->Enqueue(std::move(job));
  for (LookupOutcome& outcome : lookups)
    if (!outcome.findings) {
      // A lookup that keeps failing (a record that hangs or crashes the adapter) is retried
      // less and less often, so it cannot keep knocking out the lookups that share its adapter
      // process: retry_ms doubled per failure, up to 64 times, with jitter.
      uint64_t delay = m_lookup_retry_ms << std::min<uint32_t>(outcome.job.failures, 6);
      delay += randombytes_uniform(static_cast<uint32_t>(std::min<uint64_t>(delay / 4 + 1, UINT32_MAX)));
      ++outcome.job.failures;
      m_registry->Enqueue(std::move(outcome.job), delay);
    }
  for (messaging::HopReply& reply : replies) {
    Status s = reply.via_listener ? m_links->Reply(reply.routing_id, reply.frame)
                                  : m_links->SendToPeer(reply.peer, reply.frame);
    if (!s)
      spdlog::warn("event=hop_ack_not_sent peer={} reason=\"{}\" note=\"the sender will retry and get a duplicate ack\"",
                   reply.peer, s.error().message);
  }
  for (size_t i = 0; i < commands.size(); ++i) commands[i]->done.set_value(results[i]);
}

}  // namespace tracenet::runtime
