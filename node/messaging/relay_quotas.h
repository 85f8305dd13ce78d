// A hub's store is shared by every member: each sender's messages held for the next hop, and
// each recipient's messages waiting for it, have a quota, so one member (or one absent member)
// cannot fill the outbox and hold up everyone else's traffic. Counted from the outbox at start
// and kept as messages are taken and handed on; additions within the batch in progress count
// at once. Thread-safety: not thread-safe; the node loop's.
#pragma once

#include <map>
#include <string>

#include "node/common/result.h"

namespace tracenet::messaging {

struct RelayLimits {
  size_t per_sender = 100'000;     // messages one sender may have held at this hub
  size_t per_recipient = 200'000;  // messages this hub may hold for one recipient
};

class RelayQuotas {
 public:
  explicit RelayQuotas(RelayLimits limits = {}) : m_limits(limits) {}
  void SetLimits(RelayLimits limits) { m_limits = limits; }

  // Ok when one more message from `sender` to `recipient` fits both quotas; else QuotaExceeded
  // naming the full one (the sender is told to retry that message later; nothing is dropped).
  Status Check(const std::string& sender, const std::string& recipient) const;
  // A message taken in the batch in progress (counts until CommitBatch or AbortBatch).
  void Reserve(const std::string& sender, const std::string& recipient);
  void ClearReserved() {
    m_reserved_from.clear();
    m_reserved_for.clear();
  }
  // Messages in the committed outbox.
  void Add(const std::string& sender, const std::string& recipient);
  void Remove(const std::string& sender, const std::string& recipient);

  size_t held_from(const std::string& sender) const { return Get(m_from, sender); }
  size_t held_for(const std::string& recipient) const { return Get(m_for, recipient); }

 private:
  static size_t Get(const std::map<std::string, size_t, std::less<>>& m, const std::string& key) {
    auto it = m.find(key);
    return it == m.end() ? 0 : it->second;
  }
  RelayLimits m_limits;
  std::map<std::string, size_t, std::less<>> m_from, m_for, m_reserved_from, m_reserved_for;
};

}  // namespace tracenet::messaging
