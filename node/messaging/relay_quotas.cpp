#include "node/messaging/relay_quotas.h"

namespace tracenet::messaging {

Status RelayQuotas::Check(const std::string& sender, const std::string& recipient) const {
  size_t from = held_from(sender) + Get(m_reserved_from, sender);
  if (from >= m_limits.per_sender)
    return MakeError(Errc::kQuotaExceeded, "this hub holds " + std::to_string(from) + " messages from " + sender +
                                              ", its quota; retry later");
  size_t owed = held_for(recipient) + Get(m_reserved_for, recipient);
  if (owed >= m_limits.per_recipient)
    return MakeError(Errc::kQuotaExceeded, "this hub holds " + std::to_string(owed) + " messages for " + recipient +
                                              ", its quota; retry later");
  return Status::Ok();
}

void RelayQuotas::Reserve(const std::string& sender, const std::string& recipient) {
  ++m_reserved_from[sender];
  ++m_reserved_for[recipient];
}

void RelayQuotas::Add(const std::string& sender, const std::string& recipient) {
  ++m_from[sender];
  ++m_for[recipient];
}

void RelayQuotas::Remove(const std::string& sender, const std::string& recipient) {
  auto drop = [](std::map<std::string, size_t, std::less<>>& m, const std::string& key) {
    auto it = m.find(key);
    if (it == m.end()) return;
    if (--it->second == 0) m.erase(it);
  };
  drop(m_from, sender);
  drop(m_for, recipient);
}

}  // namespace tracenet::messaging
