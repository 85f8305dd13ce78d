#include "node/config/node_config.h"

#include <cstring>
#include <filesystem>
#include <toml++/toml.h>

#include "node/common/bytes.h"

namespace tracenet::config {

namespace {

namespace fs = std::filesystem;

Error FieldError(const std::string& file, const std::string& field, const std::string& problem) {
  return MakeError(Errc::kConfig, "config " + file + ": " + field + " " + problem);
}

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(base_dir) / path).lexically_normal().string();
}

// Reads one field; `required` fields must be present. Wrong types are always errors.
class Fields {
 public:
  Fields(const toml::table& root, std::string file) : m_root(root), m_file(std::move(file)) {}

  Status Str(const char* section, const char* key, std::string& out, bool required) {
    auto node = m_root[section][key];
    std::string name = std::string("[") + section + "] " + key;
    if (!node) return required ? Status(FieldError(m_file, name, "is missing")) : Status::Ok();
    auto v = node.value<std::string>();
    if (!v) return FieldError(m_file, name, "must be a string");
    if (required && v->empty()) return FieldError(m_file, name, "must not be empty");
    out = *v;
    return Status::Ok();
  }

  template <typename T>
  Status Int(const char* section, const char* key, T& out, int64_t min, int64_t max) {
    auto node = m_root[section][key];
    if (!node) return Status::Ok();
    std::string name = std::string("[") + section + "] " + key;
    auto v = node.value_exact<int64_t>();
    if (!v || *v < min || *v > max)
      return FieldError(m_file, name, "must be a whole number from " + std::to_string(min) + " to " +
                                          std::to_string(max));
    out = static_cast<T>(*v);
    return Status::Ok();
  }

  Status Bool(const char* section, const char* key, bool& out) {
    auto node = m_root[section][key];
    if (!node) return Status::Ok();
    auto v = node.value_exact<bool>();
    if (!v) return FieldError(m_file, std::string("[") + section + "] " + key, "must be true or false");
    out = *v;
    return Status::Ok();
  }

 private:
  const toml::table& m_root;
  std::string m_file;
};

Result<toml::table> ParseFile(const std::string& path) {
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::string where = e.source().begin ? " at line " + std::to_string(e.source().begin.line) : "";
    return MakeError(Errc::kConfig, "config " + path + where + ": " + std::string(e.description()));
  }
}

Status ParseKey(const std::string& file, const std::string& field, const toml::table& t, const char* key,
                crypto::PublicKey32& out) {
  auto v = t[key].value<std::string>();
  if (!v) return FieldError(file, field + "." + key, "is missing");
  auto raw = FromHex(*v);
  if (!raw || raw->size() != 32) return FieldError(file, field + "." + key, "must be 64 hex digits");
  std::memcpy(out.data(), raw->data(), 32);
  return Status::Ok();
}

#define TRY(expr) \
  if (Status _s = (expr); !_s) return _s.error()

}  // namespace

Result<std::vector<protocol::PeerKeys>> LoadPeers(const std::string& path) {
  auto parsed = ParseFile(path);
  if (!parsed) return parsed.error();
  std::vector<protocol::PeerKeys> peers;
  const toml::array* list = (*parsed)["peer"].as_array();
  if (!list) return peers;  // no peers yet
  for (size_t i = 0; i < list->size(); ++i) {
    std::string field = "[[peer]] #" + std::to_string(i + 1);
    const toml::table* t = (*list)[i].as_table();
    if (!t) return FieldError(path, field, "must be a table");
    protocol::PeerKeys p;
    auto id = (*t)["id"].value<std::string>();
    if (!id || id->empty()) return FieldError(path, field + ".id", "is missing");
    p.id = *id;
    field = "[[peer]] " + p.id;
    p.country = (*t)["country"].value_or(std::string());
    p.endpoint = (*t)["endpoint"].value_or(std::string());
    TRY(ParseKey(path, field, *t, "sign_key", p.sign_public));
    TRY(ParseKey(path, field, *t, "enc_key", p.enc_public));
    TRY(ParseKey(path, field, *t, "transport_key", p.transport_public));
    peers.push_back(std::move(p));
  }
  return peers;
}

// [review] default = "auto" | "hold"; hold = [members]; auto = [members] (overriding the default).
Status ParseReview(const toml::table& root, const std::string& path, NodeConfig& c) {
  std::string mode = "auto";
  TRY(Fields(root, path).Str("review", "default", mode, false));
  if (mode != "auto" && mode != "hold") return FieldError(path, "[review] default", "must be \"auto\" or \"hold\"");
  c.review_hold_by_default = mode == "hold";
  for (const char* list : {"hold", "auto"}) {
    auto node = root["review"][list];
    if (!node) continue;
    const toml::array* members = node.as_array();
    std::string field = std::string("[review] ") + list;
    if (!members) return FieldError(path, field, "must be a list of member ids");
    for (const auto& m : *members) {
      auto id = m.value<std::string>();
      if (!id || id->empty()) return FieldError(path, field, "must be a list of member ids");
      if (c.review_hold_for.count(*id)) return FieldError(path, field, "names " + *id + " twice or in both hold and auto");
      c.review_hold_for[*id] = std::string(list) == "hold";
    }
  }
  return Status::Ok();
}

Result<NodeConfig> LoadNodeConfig(const std::string& path) {
  auto parsed = ParseFile(path);
  if (!parsed) return parsed.error();
  std::string base = fs::path(path).parent_path().string();
  NodeConfig c;
  Fields f(*parsed, path);
  TRY(f.Str("node", "id", c.id, true));
  TRY(f.Str("node", "country", c.country, true));
  TRY(f.Str("node", "role", c.role, false));
  if (c.role != "national" && c.role != "hub") return FieldError(path, "[node] role", "must be \"national\" or \"hub\"");
  TRY(f.Str("node", "data_dir", c.data_dir, true));
  TRY(f.Str("node", "keys_dir", c.keys_dir, true));
  TRY(f.Str("node", "listen", c.listen, false));
  TRY(f.Str("directory", "file", c.directory_file, false));
  TRY(f.Str("node", "peers_file", c.peers_file, c.directory_file.empty()));
  if (c.role == "hub" && c.directory_file.empty())
    return FieldError(path, "[node] role", "\"hub\" needs a [directory]: a hub relays for the members it lists");
  if (!c.directory_file.empty()) {
    if (!c.peers_file.empty())
      return FieldError(path, "[node] peers_file", "cannot be used with [directory]: the signed directory lists the peers");
    TRY(f.Str("directory", "federation", c.directory_federation, true));
    const toml::array* pins = (*parsed)["directory"]["authorities"].as_array();
    if (!pins || pins->empty())
      return FieldError(path, "[directory] authorities", "must list the authority public keys (64 hex digits each)");
    for (size_t i = 0; i < pins->size(); ++i) {
      auto hex = (*pins)[i].value<std::string>();
      auto raw = hex ? FromHex(*hex) : std::nullopt;
      if (!raw || raw->size() != 32)
        return FieldError(path, "[directory] authorities[" + std::to_string(i) + "]", "must be 64 hex digits");
      crypto::PublicKey32 key;
      std::memcpy(key.data(), raw->data(), 32);
      c.directory_authorities.push_back(key);
    }
    int64_t k = 0;
    TRY(f.Int("directory", "threshold", k, 1, static_cast<int64_t>(pins->size())));
    if (k == 0) return FieldError(path, "[directory] threshold", "is missing (signatures required, k of the n authorities)");
    c.directory_threshold = static_cast<size_t>(k);
  }
  TRY(f.Str("api", "listen", c.api_listen, false));
  TRY(f.Str("api", "token_file", c.api_token_file, false));
  TRY(f.Str("api", "port_file", c.api_port_file, false));
  TRY(f.Int("api", "requests_per_second", c.api_requests_per_second, 1, 1'000'000));
  if (c.api_listen.rfind("127.0.0.1:", 0) != 0 && c.api_listen.rfind("localhost:", 0) != 0)
    return FieldError(path, "[api] listen", "must be on loopback (127.0.0.1:PORT): the API is local only");
  auto registry = adapters::ParseRegistrySection(*parsed, path, base);
  if (!registry) return registry.error();
  c.registry = std::move(registry.value());
  if ((*parsed)["trace"]["auto_answer"])
    return FieldError(path, "[trace] auto_answer", "is replaced by [review] default = \"auto\" or \"hold\"");
  TRY(ParseReview(*parsed, path, c));
  TRY(f.Int("trace", "routine_deadline_hours", c.routine_deadline_hours, 1, 24 * 365));
  TRY(f.Int("trace", "urgent_deadline_hours", c.urgent_deadline_hours, 1, 24 * 365));
  TRY(f.Str("trace", "point_of_contact", c.point_of_contact, false));
  TRY(f.Int("stolen", "searches_per_minute", c.stolen_searches_per_minute, 1, 1'000'000));
  TRY(f.Int("stolen", "urgent_confirm_minutes", c.stolen_urgent_confirm_minutes, 1, 24 * 60));
  TRY(f.Int("stolen", "routine_confirm_minutes", c.stolen_routine_confirm_minutes, 1, 7 * 24 * 60));
  TRY(f.Int("limits", "max_message_bytes", c.max_message_bytes, 4096, 64 << 20));
  TRY(f.Int("limits", "max_outbox", c.max_outbox, 1, 100'000'000));
  TRY(f.Int("limits", "held_per_sender", c.held_per_sender, 1, 100'000'000));
  TRY(f.Int("limits", "held_per_recipient", c.held_per_recipient, 1, 100'000'000));
  TRY(f.Int("limits", "open_requests_per_peer", c.open_requests_per_peer, 1, 100'000'000));
  TRY(f.Int("limits", "resident_messages_per_peer", c.resident_messages_per_peer, 16, 10'000'000));
  TRY(f.Int("limits", "clock_skew_seconds", c.clock_skew_seconds, 0, 86400));
  TRY(f.Int("limits", "message_ttl_hours", c.message_ttl_hours, 1, 24 * 365));
  TRY(f.Int("limits", "message_ttl_seconds", c.message_ttl_seconds, 1, 3600 * 24 * 365));
  TRY(f.Int("limits", "send_high_water", c.send_high_water, 1, 1'000'000));
  TRY(f.Int("limits", "batch_max", c.batch_max, 1, 100'000));

  c.data_dir = Resolve(base, c.data_dir);
  c.keys_dir = Resolve(base, c.keys_dir);
  c.peers_file = Resolve(base, c.peers_file);
  c.directory_file = Resolve(base, c.directory_file);
  // The defaults sit in data_dir, which is resolved already: resolving them again put a relative
  // config's files under its directory twice (A/A/data/api.token).
  c.api_token_file = c.api_token_file.empty() ? c.data_dir + "/api.token" : Resolve(base, c.api_token_file);
  c.api_port_file = c.api_port_file.empty() ? c.data_dir + "/api.port" : Resolve(base, c.api_port_file);
  if (c.directory_file.empty()) {
    auto peers = LoadPeers(c.peers_file);
    if (!peers) return peers.error();
    c.peers = std::move(peers.value());
  }
  return c;
}

}  // namespace tracenet::config
