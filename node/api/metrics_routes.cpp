// Operations endpoints: /readyz (the node loop is turning and its store answers) and /metrics in
// the Prometheus text format: queue depth and oldest-message age per peer, links, retries,
// dedupe hits, rejections, overdue cases, directory age, commit latency and registry adapter
// latency and errors.

#include <sstream>

#include "node/api/api_responses.h"
#include "node/api/api_server.h"
#include "node/trace/lifecycle.h"

namespace tracenet::api {
namespace {

// Label values escaped as the text format requires.
std::string Label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') { out += "\\n"; continue; }
    out += c;
  }
  return out;
}

class MetricsText {
 public:
  void Family(const char* name, const char* type, const char* help) {
    m_out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
  }
  void Sample(const std::string& name, double value, const std::string& labels = "") {
    m_out << name << (labels.empty() ? "" : "{" + labels + "}") << ' ' << value << '\n';
  }
  void Histogram(const char* name, const char* help, const LatencyHistogram& h) {
    Family(name, "histogram", help);
    for (size_t i = 0; i < LatencyHistogram::kBoundsSeconds.size(); ++i) {
      std::ostringstream le;
      le << LatencyHistogram::kBoundsSeconds[i];
      Sample(std::string(name) + "_bucket", static_cast<double>(h.bucket(i)), "le=\"" + le.str() + "\"");
    }
    Sample(std::string(name) + "_bucket", static_cast<double>(h.count()), "le=\"+Inf\"");
    Sample(std::string(name) + "_sum", h.sum_seconds());
    Sample(std::string(name) + "_count", static_cast<double>(h.count()));
  }
  std::string str() const { return m_out.str(); }

 private:
  std::ostringstream m_out;
};

}  // namespace

void ApiServer::OpsRoutes() {
  Get("/readyz", std::nullopt, [this](const http::Request&, http::Response& res) {
    auto st = m_node.Snapshot();
    Status read = m_node.Read([](store::Txn&, trace::CaseStore&) { return Status::Ok(); });
    if (st.id.empty() || !read)
      return SendJson(res, 503, {{"status", "starting"}, {"reason", read ? "the node loop has not reported yet" : read.error().message}});
    SendJson(res, 200, {{"status", "ready"}});
  });

  Get("/metrics", users::Permission::kReadCases, [this](const http::Request&, http::Response& res) {
    uint64_t now = m_node.clock().NowMs();
    runtime::NodeStatus st = m_node.Snapshot();
    messaging::Counters& c = m_node.counters();
    const runtime::RegistryCounters& r = m_node.registry_counters();
    MetricsText m;
    m.Family("tracenet_outbox_messages", "gauge", "Messages in the outbox (durable, awaiting a hop acknowledgement)");
    m.Sample("tracenet_outbox_messages", static_cast<double>(st.outbox));
    m.Family("tracenet_peer_queue_messages", "gauge", "Messages queued for each next hop");
    for (const auto& [peer, n] : st.queued_by_peer) m.Sample("tracenet_peer_queue_messages", static_cast<double>(n), "peer=\"" + Label(peer) + "\"");
    m.Family("tracenet_peer_oldest_message_age_seconds", "gauge", "Age of the oldest message queued for each next hop (0: none)");
    for (const auto& [peer, created] : st.oldest_queued_ms)
      m.Sample("tracenet_peer_oldest_message_age_seconds", created ? static_cast<double>(now - std::min(now, created)) / 1000 : 0,
               "peer=\"" + Label(peer) + "\"");
    m.Family("tracenet_peer_link_up", "gauge", "1 when the link to the peer is up");
    for (const auto& [peer, up] : st.link_up) m.Sample("tracenet_peer_link_up", up ? 1 : 0, "peer=\"" + Label(peer) + "\"");
    struct Counter {
      const char* name;
      const char* help;
      uint64_t value;
    };
    for (const Counter& k : std::initializer_list<Counter>{
             {"tracenet_envelopes_accepted_total", "Envelopes accepted", c.envelopes_accepted.load()},
             {"tracenet_envelopes_sent_total", "Envelopes sent to a next hop", c.envelopes_sent.load()},
             {"tracenet_retries_total", "Resends after no hop acknowledgement", c.retries.load()},
             {"tracenet_dedupe_hits_total", "Envelopes received again and answered from the replay set", c.duplicates.load()},
             {"tracenet_dead_letters_total", "Messages that expired undelivered or were refused for good", c.dead_letters.load()},
             {"tracenet_relayed_total", "Envelopes relayed for other members (hubs)", c.relayed.load()},
             {"tracenet_commit_failures_total", "Batch transactions that failed to commit", c.commit_failures.load()},
             {"tracenet_quarantined_total", "Frames refused and kept because applying them failed", c.quarantined.load()},
             {"tracenet_failed_items_total", "Frames, commands and registry answers left out of a batch because they failed", c.failed_items.load()},
             {"tracenet_registry_lookups_total", "Registry lookups that returned", r.lookups.load()},
             {"tracenet_registry_errors_total", "Registry lookups that failed", r.failures.load()},
             {"tracenet_registry_timeouts_total", "Registry lookups past their deadline", r.timeouts.load()}}) {
      m.Family(k.name, "counter", k.help);
      m.Sample(k.name, static_cast<double>(k.value));
    }
    m.Family("tracenet_envelopes_rejected_total", "counter", "Envelopes refused, by reason");
    for (const auto& [reason, n] : c.Rejections()) m.Sample("tracenet_envelopes_rejected_total", static_cast<double>(n), "reason=\"" + Label(reason) + "\"");
    m.Histogram("tracenet_commit_latency_seconds", "Batch transaction time, fsync included", c.commit_latency);
    m.Histogram("tracenet_registry_lookup_latency_seconds", "Registry adapter lookup time", r.lookup_latency);
    auto dir = m_node.directory_status();
    m.Family("tracenet_directory_age_seconds", "gauge", "Age of the member directory in force (absent without one)");
    if (dir.version) m.Sample("tracenet_directory_age_seconds", static_cast<double>(now - std::min(now, dir.issued_at_ms)) / 1000);
    size_t overdue = 0;
    // Only open cases can be overdue: those are read (case_state), not the node's whole history.
    Status read = m_node.Read([&](store::Txn& txn, trace::CaseStore& cases) -> Status {
      auto late = cases.CountOverdue(txn, now);
      if (late) overdue = *late;
      return late ? Status::Ok() : Status(late.error());
    });
    m.Family("tracenet_cases_overdue", "gauge", "Cases past their response deadline and not settled");
    if (read) m.Sample("tracenet_cases_overdue", static_cast<double>(overdue));
    res.status = 200;
    res.set_content(m.str(), "text/plain; version=0.0.4");
  });
}

}  // namespace tracenet::api
