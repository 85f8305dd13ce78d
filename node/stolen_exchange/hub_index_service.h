// A hub's side of the lost/stolen index: it takes records from their owners (each record's owner
// must be the member that sent it, and its owner signature must verify against the directory),
// keeps them in its index, answers searches with scored candidates (the answer is a signed
// envelope, each record still carries its owner's signature), tells every record's owner of
// each hit with a deadline to confirm or deny it, and limits and logs searches per member.
// The index is an LMDB environment of its own: records are committed to it inside the node
// loop's batch, before the batch that accepts the message commits, so a record is in the index
// before its publication is acknowledged; a message replayed after a crash changes nothing
// (an owner's older version never replaces a newer one).
// Thread-safety: the node loop thread only.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

#include "node/audit/audit_log.h"
#include "node/common/clock.h"
#include "node/messaging/counters.h"
#include "node/messaging/delivery_handler.h"
#include "node/stolen/stolen_index.h"
#include "node/stolen_exchange/search_rate_limiter.h"
#include "node/stolen_exchange/stolen_json.h"
#include "node/store/node_store.h"

namespace tracenet::stolen {

struct HubIndexOptions {
  std::string index_dir;
  uint64_t searches_per_minute = 60;
  uint64_t urgent_confirm_ms = 10 * 60 * 1000;
  uint64_t routine_confirm_ms = 60 * 60 * 1000;
  size_t max_candidates = 20;
};

struct HubIndexCounters {
  // Written by the loop, read by the API.
  std::atomic<uint64_t> records_indexed{0}, publications_refused{0}, searches{0}, searches_refused{0}, hits_notified{0};
};

class HubIndexService {
 public:
  static Result<std::unique_ptr<HubIndexService>> Open(
      store::NodeStore& store, const Clock& clock, HubIndexOptions options,
      std::function<std::optional<crypto::PublicKey32>(const std::string&)> sign_key_of);

  Status OnAccepted(store::Txn& txn, const protocol::Opened& message, messaging::Outgoing& out);
  // The node loop applies a batch again when one of its items fails (node_batch.cpp), and drops
  // it when it cannot commit: searches counted against the rate limit by an attempt that did not
  // commit are uncounted. (Records put in the index stay: a put is idempotent, and a publication
  // that was not acknowledged is sent again.)
  void RestartBatch() {
    if (m_limiter_at_batch_start) m_limiter = *m_limiter_at_batch_start;
  }
  void EndBatch() { m_limiter_at_batch_start.reset(); }
  // Publications taken or refused and searches answered or refused go to the audit log.
  void SetAudit(audit::AuditLog* audit) { m_audit = audit; }

  StolenIndex& index() { return *m_index; }
  const HubIndexCounters& counters() const { return m_counters; }
  // The search log, newest first (at most `limit`).
  Result<Json> SearchLog(store::Txn& txn, size_t limit) const;

 private:
  HubIndexService(store::NodeStore& store, const Clock& clock, HubIndexOptions options,
                  std::function<std::optional<crypto::PublicKey32>(const std::string&)> sign_key_of)
      : m_store(store), m_clock(clock), m_options(std::move(options)), m_limiter(m_options.searches_per_minute),
        m_sign_key_of(std::move(sign_key_of)) {}
  Status OnPublish(store::Txn& txn, const protocol::Opened& message, messaging::Outgoing& out);
  Status OnSearch(store::Txn& txn, const protocol::Opened& message, messaging::Outgoing& out);
  Status Log(store::Txn& txn, Json entry);

  store::NodeStore& m_store;
  const Clock& m_clock;
  HubIndexOptions m_options;
  SearchRateLimiter m_limiter;
  std::optional<SearchRateLimiter> m_limiter_at_batch_start;  // taken at the batch's first search
  std::function<std::optional<crypto::PublicKey32>(const std::string&)> m_sign_key_of;
  std::unique_ptr<StolenIndex> m_index;
  HubIndexCounters m_counters;
  audit::AuditLog* m_audit = nullptr;
};

}  // namespace tracenet::stolen
