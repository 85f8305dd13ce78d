#include "node/api/api_server.h"

#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "node/api/api_responses.h"
#include "node/api/json_limits.h"
#include "node/api/trace_json.h"
#include "node/common/file_util.h"
#include "node/common/text.h"
#include "node/protocol/photo_rules.h"
#include "node/trace/lifecycle.h"

namespace tracenet::api {

namespace {

// The directory in force: version and age, and why the newest one was refused, if it was.
Json DirectoryJson(const runtime::DirectoryStatus& d, uint64_t now_ms) {
  if (d.version == 0) return nullptr;
  return {{"federation", d.federation},
          {"version", d.version},
          {"issued_at", FormatUtc(d.issued_at_ms)},
          {"expires_at", FormatUtc(d.expires_at_ms)},
          {"age_seconds", (now_ms - std::min(now_ms, d.issued_at_ms)) / 1000},
          {"refused_updates", d.refused_updates},
          {"problem", d.problem}};
}

constexpr size_t kMaxBatch = 1000;

}  // namespace

Result<std::string> LoadOrCreateToken(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    uint8_t raw[32];
    randombytes_buf(raw, sizeof raw);
    std::string token = ToHex(ByteView(raw, sizeof raw));
    if (Status s = WriteFileAtomic(path, AsBytes(token + "\n"), 0600); !s) return s.error();
    return token;
  }
  if (Status s = CheckSecretFileMode(path); !s) return s.error();
  auto content = ReadFileBytes(path);
  if (!content) return content.error();
  std::string token(AsString(*content));
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  if (token.size() < 32) return MakeError(Errc::kConfig, "API token in " + path + " is too short");
  return token;
}

namespace {
thread_local std::string t_current_user;
thread_local users::Role t_current_role = users::Role::kAdmin;
}  // namespace

const std::string& ApiServer::CurrentUser() { return t_current_user; }
users::Role ApiServer::CurrentRole() { return t_current_role; }

bool ApiServer::Admit(const http::Request& req, const http::Route& route, http::Response& res) {
  t_current_user.clear();
  if (!m_hosts_known.load(std::memory_order_acquire)) {  // the port (part of the Host) is known once bound
    SendError(res, 503, "starting", "the API is starting; retry");
    return false;
  }
  std::string host = req.get_header_value("Host");
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
  if (!m_allowed_hosts.count(host)) {
    SendError(res, 421, "wrong_host", "this API answers only to its own address (Host: " +
                                          (m_allowed_hosts.empty() ? std::string() : *m_allowed_hosts.begin()) + ")");
    return false;
  }
  if (req.has_header("Origin") && req.get_header_value("Origin") != "http://" + host) {
    SendError(res, 403, "cross_origin", "requests from other web origins are refused");
    return false;
  }

  if (!route.permission) return true;  // health, readiness and the console's files
  std::string auth = req.get_header_value("Authorization");
  std::string token = auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : std::string();
  users::Role role = users::Role::kAdmin;
  if (token.size() == m_token.size() && sodium_memcmp(token.data(), m_token.data(), token.size()) == 0) {
    t_current_user = "operator";  // the node's own token file: its operator, an admin
  } else {
    auto user = token.empty() ? Result<std::optional<users::User>>(std::nullopt) : m_node.users().Authenticate(token);
    if (!user) {
      SendError(res, user.error());
      return false;
    }
    if (!*user) {
      SendError(res, 401, "unauthenticated", "missing, unknown or revoked API token (Authorization: Bearer <token>)");
      return false;
    }
    t_current_user = (*user)->name;
    role = (*user)->role;
  }
  t_current_role = role;
  double retry_after = 0;
  if (!m_rate_limiter.Allow(t_current_user, std::chrono::steady_clock::now(), retry_after)) {
    res.set_header("Retry-After", std::to_string(static_cast<int>(std::ceil(retry_after))));
    SendError(res, 429, "rate_limited",
              "user " + t_current_user + " exceeds " + std::to_string(m_node.config().api_requests_per_second) +
                  " requests per second ([api] requests_per_second); retry after the Retry-After seconds");
    return false;
  }
  users::Permission needed = *route.permission;
  if (!users::Allows(role, needed)) {
    std::string why = "user " + t_current_user + " (" + std::string(users::RoleName(role)) + ") may not " +
                      std::string(users::PermissionName(needed));
    (void)m_node.RecordRefusal(t_current_user, req.method + " " + req.path, why);
    SendError(res, 403, "forbidden", why);
    return false;
  }
  return true;
}

ApiServer::ApiServer(runtime::Node& node, std::string token)
    : m_node(node), m_token(std::move(token)), m_rate_limiter(node.config().api_requests_per_second) {
  Routes();
}

ApiServer::~ApiServer() { Stop(); }

void ApiServer::Get(const std::string& pattern, std::optional<users::Permission> permission, http::Handler handler) {
  m_routes.Add("GET", pattern, permission, 0, std::move(handler));
}

void ApiServer::Post(const std::string& pattern, users::Permission permission, http::Handler handler) {
  m_routes.Add("POST", pattern, permission, MaxBodyFor(pattern), [handler = std::move(handler)](const http::Request& req, http::Response& res) {
    if (!JsonDepthWithin(req.body))
      return SendError(res, 400, "too_deep", "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    handler(req, res);
  });
}

void ApiServer::Routes() {
  Get("/healthz", std::nullopt, [](const http::Request&, http::Response& res) { SendJson(res, 200, {{"status", "ok"}}); });

  Post("/v1/traces", users::Permission::kSubmit, [this](const http::Request& req, http::Response& res) {
    Json body = Json::parse(req.body, nullptr, false);
    if (body.is_discarded()) return SendError(res, 400, "bad_json", "request body is not valid JSON");
    if (!body.is_object() || !body.contains("recipient") || !body["recipient"].is_string())
      return SendError(res, 400, "invalid_argument", "recipient (the requested state's member id) is required");
    auto request = TraceRequestFromJson(body);
    if (!request) return SendError(res, request.error());
    auto case_id = m_node.Submit(body["recipient"].get<std::string>(), std::move(request.value()), CurrentUser());
    if (!case_id)
      return SendError(res, HttpStatusFor(case_id.error().code), ErrcName(case_id.error().code), case_id.error().message);
    SendJson(res, 201, {{"case_id", ToHex(*case_id)}, {"state", trace::state::kSubmitted}});
  });

  // Bulk filing for case-management systems: all requests are checked, then committed together.
  Post("/v1/traces/batch", users::Permission::kSubmit, [this](const http::Request& req, http::Response& res) {
    Json body = Json::parse(req.body, nullptr, false);
    if (body.is_discarded()) return SendError(res, 400, "bad_json", "request body is not valid JSON");
    if (!body.is_object() || !body.contains("traces") || !body["traces"].is_array() || body["traces"].empty())
      return SendError(res, 400, "invalid_argument", "traces must be a non-empty list of trace requests");
    if (body["traces"].size() > kMaxBatch)
      return SendError(res, 413, "oversized", "at most " + std::to_string(kMaxBatch) + " traces per batch");
    std::vector<runtime::Node::SubmitItem> items;
    for (size_t i = 0; i < body["traces"].size(); ++i) {
      const Json& t = body["traces"][i];
      std::string which = "traces[" + std::to_string(i) + "]: ";
      if (!t.is_object() || !t.contains("recipient") || !t["recipient"].is_string())
        return SendError(res, 400, "invalid_argument", which + "recipient is required");
      auto request = TraceRequestFromJson(t);
      if (!request) return SendError(res, HttpStatusFor(request.error().code), ErrcName(request.error().code), which + request.error().message);
      items.push_back({t["recipient"].get<std::string>(), std::move(request.value()), CurrentUser()});
    }
    auto ids = m_node.SubmitMany(std::move(items));
    if (!ids) return SendError(res, HttpStatusFor(ids.error().code), ErrcName(ids.error().code), ids.error().message);
    Json out = Json::array();
    for (const Bytes& id : *ids) out.push_back(ToHex(id));
    SendJson(res, 201, {{"case_ids", out}});
  });

  Get("/v1/traces", users::Permission::kReadCases, [this](const http::Request& req, http::Response& res) {
    bool overdue_only = req.get_param_value("overdue") == "true" || req.get_param_value("overdue") == "1";
    std::string state = req.get_param_value("state"), direction = req.get_param_value("direction");
    if (!direction.empty() && direction != "outgoing" && direction != "incoming")
      return SendError(res, 400, "invalid_argument", "direction must be outgoing or incoming");
    if (!state.empty() && trace::StateRank(state) == 0)
      return SendError(res, 400, "invalid_argument", "state " + state + " is not a trace state");
    size_t limit = 100;
    if (req.has_param("limit")) limit = std::clamp<size_t>(std::strtoul(req.get_param_value("limit").c_str(), nullptr, 10), 1, 100000);
    Json cases = Json::array();
    uint64_t now = m_node.clock().NowMs();
    Status s = m_node.Read([&](store::Txn& txn, trace::CaseStore& store) {
      auto list = [&](const std::function<bool(const trace::CaseRecord&)>& visit) {
        return state.empty() ? store.ListNewestFirst(txn, visit) : store.ListInState(txn, state, visit);
      };
      return list([&](const trace::CaseRecord& r) {
        Json j = CaseToJson(r, now);
        bool wanted = (!overdue_only || j["overdue"].get<bool>()) && (state.empty() || r.state == state) &&
                      (direction.empty() || j["direction"] == direction);
        if (wanted) cases.push_back(std::move(j));
        return cases.size() < limit;
      });
    });
    if (!s) return SendError(res, 500, ErrcName(s.error().code), s.error().message);
    SendJson(res, 200, {{"cases", cases}});
  });

  Get(R"(/v1/traces/([0-9a-fA-F]{32}))", users::Permission::kReadCases, [this](const http::Request& req, http::Response& res) {
    Bytes id = *FromHex(req.matches[1]);
    Json out;
    Status s = m_node.Read([&](store::Txn& txn, trace::CaseStore& store) -> Status {
      auto record = store.Find(txn, id);
      if (!record) return record.error();
      if (!*record) return Status::Ok();
      auto response = store.GetDocument(txn, id, trace::CaseStore::Document::kResponse);
      if (!response) return response.error();
      auto request = store.GetDocument(txn, id, trace::CaseStore::Document::kRequest);
      if (!request) return request.error();
      out = CaseWithTimelineToJson(**record, m_node.clock().NowMs(), *response, *request);
      return Status::Ok();
    });
    if (!s) return SendError(res, 500, ErrcName(s.error().code), s.error().message);
    if (out.is_null()) return SendError(res, 404, "not_found", "no case " + req.matches[1]);
    SendJson(res, 200, out);
  });

  // A photo of the request, as its own image (the console shows it; a case system can file it).
  Get(R"(/v1/traces/([0-9a-fA-F]{32})/photos/([0-9]{1,2}))", users::Permission::kReadCases, [this](const http::Request& req, http::Response& res) {
    Bytes id = *FromHex(req.matches[1]);
    size_t index = std::stoul(req.matches[2]);
    std::optional<std::pair<std::string, std::string>> photo;  // media type, bytes
    Status s = m_node.Read([&](store::Txn& txn, trace::CaseStore& store) -> Status {
      auto request = store.GetDocument(txn, id, trace::CaseStore::Document::kRequest);
      if (!request) return request.error();
      if (!*request) return Status::Ok();
      flatbuffers::Verifier verifier((*request)->data(), (*request)->size());
      if (!verifier.VerifyBuffer<trace::wire::TraceRequest>(nullptr)) return MakeError(Errc::kInternal, "stored request is unreadable");
      const auto* photos = flatbuffers::GetRoot<trace::wire::TraceRequest>((*request)->data())->photos();
      if (!photos || index >= photos->size()) return Status::Ok();
      const trace::wire::Photo* p = photos->Get(static_cast<flatbuffers::uoffset_t>(index));
      if (!p->media_type() || !p->data() || !protocol::IsAllowedPhotoType(p->media_type()->string_view())) return Status::Ok();
      photo.emplace(p->media_type()->str(), std::string(reinterpret_cast<const char*>(p->data()->data()), p->data()->size()));
      return Status::Ok();
    });
    if (!s) return SendError(res, s.error());
    if (!photo) return SendError(res, 404, "not_found", "case " + req.matches[1] + " has no photo " + req.matches[2]);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Cache-Control", "private, max-age=3600");
    res.set_content(std::move(photo->second), photo->first);
  });

  // Messages that expired undelivered or were refused for good, and putting one back in the outbox.
  Get("/v1/dead-letters", users::Permission::kAdminister, [this](const http::Request&, http::Response& res) {
    auto letters = m_node.DeadLetters(10000);
    if (!letters) return SendError(res, 500, ErrcName(letters.error().code), letters.error().message);
    Json out = Json::array();
    for (const store::DeadLetter& d : *letters)
      out.push_back({{"message_id", ToHex(d.entry.message_id)},
                     {"recipient", d.entry.peer},
                     {"kind", protocol::wire::EnumNameMessageKind(static_cast<protocol::wire::MessageKind>(d.entry.kind))},
                     {"dead_at", FormatUtc(d.dead_at_ms)},
                     {"reason", d.reason}});
    SendJson(res, 200, {{"dead_letters", out}});
  });
  Post(R"(/v1/dead-letters/([0-9a-f]{32})/resend)", users::Permission::kAdminister, [this](const http::Request& req, http::Response& res) {
    auto id = FromHex(req.matches[1]);
    Status s = m_node.ResendDeadLetter(*id);
    if (!s) return SendError(res, HttpStatusFor(s.error().code), ErrcName(s.error().code), s.error().message);
    SendJson(res, 200, {{"message_id", req.matches[1]}, {"state", "queued"}});
  });

  // Frames refused because applying them failed (node loop fault isolation), for the operator.
  auto quarantine_json = [](const store::QuarantineEntry& q) {
    return Json{{"seq", q.seq},
                {"at", FormatUtc(q.at_ms)},
                {"link_peer", q.link_peer},
                {"sender", q.sender},
                {"kind", q.kind ? protocol::wire::EnumNameMessageKind(static_cast<protocol::wire::MessageKind>(q.kind)) : ""},
                {"message_id", ToHex(q.message_id)},
                {"reason", q.reason},
                {"bytes", q.envelope.size()}};
  };
  Get("/v1/quarantine", users::Permission::kAdminister, [this, quarantine_json](const http::Request&, http::Response& res) {
    auto entries = m_node.Quarantined(1000);
    if (!entries) return SendError(res, entries.error());
    Json out = Json::array();
    for (const store::QuarantineEntry& q : *entries) out.push_back(quarantine_json(q));
    SendJson(res, 200, {{"quarantine", out}});
  });
  Get(R"(/v1/quarantine/([0-9]{1,19}))", users::Permission::kAdminister, [this, quarantine_json](const http::Request& req, http::Response& res) {
    auto entry = m_node.QuarantinedEntry(std::stoull(req.matches[1]));
    if (!entry) return SendError(res, entry.error());
    if (!*entry) return SendError(res, 404, "not_found", "no quarantined frame " + req.matches[1]);
    Json j = quarantine_json(**entry);
    j["frame_hex"] = ToHex((*entry)->envelope);  // the link frame as received, for analysis
    SendJson(res, 200, j);
  });

  // A new signed directory for this node (a hub passes it on to its members): as hex in JSON.
  Post("/v1/directory", users::Permission::kAdminister, [this](const http::Request& req, http::Response& res) {
    Json body = Json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("signed_directory_hex") ||
        !body["signed_directory_hex"].is_string())
      return SendError(res, 400, "invalid_argument", "send {\"signed_directory_hex\": \"...\"} (tracenet directory publish)");
    auto bytes = FromHex(body["signed_directory_hex"].get<std::string>());
    if (!bytes) return SendError(res, 400, "invalid_argument", "signed_directory_hex is not hex");
    auto version = m_node.OfferDirectory(std::move(*bytes));
    if (!version) return SendError(res, 422, ErrcName(version.error().code), "directory refused: " + version.error().message);
    SendJson(res, 200, {{"version", *version}});
  });

  StolenRoutes();
  OpsRoutes();
  ReviewRoutes();
  FollowUpRoutes();
  SummaryRoutes();
  UserRoutes();
  ConsoleRoutes();
  AuditRoutes();
  ProofRoutes();

  Get("/v1/status", users::Permission::kReadCases, [this](const http::Request&, http::Response& res) {
    runtime::NodeStatus st = m_node.Snapshot();
    messaging::Counters& c = m_node.counters();
    const runtime::RegistryCounters& r = m_node.registry_counters();
    Json peers = Json::object();
    for (const auto& [id, queued] : st.queued_by_peer) {
      peers[id] = {{"queued", queued}, {"link_up", st.link_up[id]}};
      // Known once the peer dialled us and said Hello (schema/README.md §9).
      if (auto v = st.protocol_versions.find(id); v != st.protocol_versions.end()) peers[id]["protocol_versions"] = v->second;
    }
    SendJson(res, 200,
             {{"id", m_node.config().id},
              {"listen", m_node.bound_endpoint()},
              {"outbox", st.outbox},
              {"peers", peers},
              {"directory", DirectoryJson(m_node.directory_status(), m_node.clock().NowMs())},
              {"registry",
               {{"adapter", m_node.config().registry.adapter},
                {"lookups", r.lookups.load()},
                {"failures", r.failures.load()},
                {"timeouts", r.timeouts.load()},
                {"stuck_threads_replaced", r.written_off_threads.load()}}},
              {"counters",
               {{"frames_received", c.frames_received.load()},
                {"envelopes_accepted", c.envelopes_accepted.load()},
                {"duplicates", c.duplicates.load()},
                {"envelopes_rejected", c.envelopes_rejected.load()},
                {"rejections", c.Rejections()},
                {"envelopes_sent", c.envelopes_sent.load()},
                {"retries", c.retries.load()},
                {"dead_letters", c.dead_letters.load()},
                {"relayed", c.relayed.load()},
                {"rerouted", c.rerouted.load()},
                {"hop_accepted", c.hop_accepted.load()},
                {"hop_rejected", c.hop_rejected.load()},
                {"hop_deferred", c.hop_deferred.load()},
                {"batches_committed", c.batches_committed.load()},
                {"commit_failures", c.commit_failures.load()},
                {"quarantined", c.quarantined.load()},
                {"failed_items", c.failed_items.load()},
                {"zap_admitted", st.zap_admitted},
                {"zap_refused", st.zap_refused},
                {"unauthenticated_dropped", st.unauthenticated_dropped}}}});
  });

}

Result<int> ApiServer::Start(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return MakeError(Errc::kConfig, "the API listens on host:port, not " + listen);
  std::string host = listen.substr(0, colon);
  int port = std::atoi(listen.substr(colon + 1).c_str());
  http::ServerHooks hooks;
  hooks.gate = [this](const http::Request& req, const http::Route& route, http::Response& res) { return Admit(req, route, res); };
  hooks.refuse = [](int status, const http::Request& req, http::Response& res) {
    if (status == 413) return SendError(res, 413, "oversized", "request body for " + req.method + " " + ValidUtf8Or(req.path) + " is too large");
    if (status == 405) return SendError(res, 405, "method_not_allowed", req.method + " is not served on " + ValidUtf8Or(req.path));
    if (status == 414) return SendError(res, 414, "uri_too_long", "the path is longer than any this API serves");
    if (status == 503) {
      res.set_header("Retry-After", "1");
      return SendError(res, 503, "busy", "too many request bodies are being received at once; retry");
    }
    SendError(res, 404, "not_found", "no such endpoint: " + req.method + " " + ValidUtf8Or(req.path));
  };
  hooks.failed = [](const http::Request& req, const std::string& what, http::Response& res) {
    spdlog::error("event=api_exception method={} path=\"{}\" user={} reason=\"{}\"", req.method, ValidUtf8Or(req.path),
                  CurrentUser(), ValidUtf8Or(what));
    SendError(res, 500, "internal", "the request could not be handled; see the node log");
  };
  m_server = std::make_unique<http::HttpServer>(m_routes, std::move(hooks));
  auto bound = m_server->Start(host, port);
  if (!bound) return MakeError(Errc::kConfig, "cannot bind the API to " + listen + ": " + bound.error().message);
  port = *bound;
  std::string suffix = ":" + std::to_string(port);
  m_allowed_hosts = {host + suffix, "localhost" + suffix, "127.0.0.1" + suffix, "[::1]" + suffix};
  m_hosts_known.store(true, std::memory_order_release);
  return port;
}

void ApiServer::Stop() {
  if (m_server) m_server->Stop();
}

}  // namespace tracenet::api
