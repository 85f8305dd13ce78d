// Which link a message leaves by: the recipient itself, or a hub (a national node reaches
// outbound-only members through its home hubs, failing over to the next one whose link is up; a
// hub passes a message to the recipient's home hub when the recipient is homed elsewhere).
#include <algorithm>

#include "node/runtime/node.h"

namespace tracenet::runtime {

std::string Node::Route(const std::string& recipient, const std::string& arrived_from) const {
  const protocol::PeerKeys* r = m_keys->FindPeer(recipient);
  if (!r) return recipient;
  if (m_config.role != "hub") {
    if (!r->endpoint.empty() || r->role == "hub" || m_home_hubs.empty()) return recipient;
    for (const std::string& hub : m_home_hubs)  // fail over to the next home hub whose link is up
      if (m_links->IsUp(hub)) return hub;
    return m_home_hubs.front();
  }
  bool homed_here = std::find(r->home_hubs.begin(), r->home_hubs.end(), m_config.id) != r->home_hubs.end();
  if (homed_here || !r->endpoint.empty() || m_links->IsUp(recipient)) return recipient;
  std::string fallback;
  for (const std::string& hub : r->home_hubs) {  // another hub the recipient is homed at, up first
    if (hub == arrived_from || hub == m_config.id) continue;
    if (m_links->IsUp(hub)) return hub;
    if (fallback.empty()) fallback = hub;
  }
  return fallback.empty() ? recipient : fallback;
}

}  // namespace tracenet::runtime
