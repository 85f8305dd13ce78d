// The node's TOML configuration and its static peer list. Every error names the file and the
// field, and says what a valid value looks like. Relative paths are resolved against the
// directory of the file that names them.
// Thread-safety: value types.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "adapters/catalogue/adapter_catalogue.h"
#include "node/common/result.h"
#include "node/protocol/keyring.h"

namespace tracenet::config {

struct NodeConfig {
  // [node]
  std::string id;          // member id, e.g. "MEX-FGR"
  std::string country;     // ISO 3166-1 alpha-3
  std::string role = "national";
  std::string data_dir;    // LMDB environment
  std::string keys_dir;    // secret key files (mode 0600)
  std::string listen;      // ZeroMQ endpoint, e.g. "tcp://127.0.0.1:7401"
  std::string peers_file;  // static peer list (TOML); or a signed directory:
  // [directory]
  std::string directory_file;                           // signed directory (tracenet directory ...)
  std::string directory_federation;
  std::vector<crypto::PublicKey32> directory_authorities;  // pinned authority keys (n)
  size_t directory_threshold = 0;                       // signatures required (k)
  // [api]
  std::string api_listen = "127.0.0.1:0";  // host:port, loopback only
  std::string api_token_file;              // created at first start, mode 0600
  uint64_t api_requests_per_second = 10'000;  // per user; more get 429 with Retry-After
  std::string api_port_file;               // where the bound port is written (for port 0)
  // [registry] and [registry.<adapter>] (adapters/README.md)
  adapters::RegistryConfig registry;
  // [trace]
  // [review]: whose traces' registry answers wait for a responder instead of going out at once.
  bool review_hold_by_default = false;
  std::map<std::string, bool> review_hold_for;  // requesting member -> hold (true) or answer at once
  uint64_t routine_deadline_hours = 168;
  uint64_t urgent_deadline_hours = 24;
  std::string point_of_contact;
  // [stolen] lost/stolen index (hubs host it; every member reports and searches)
  uint64_t stolen_searches_per_minute = 60;     // per searching member, at the hub
  uint64_t stolen_urgent_confirm_minutes = 10;  // the owner's deadline to confirm or deny a hit
  uint64_t stolen_routine_confirm_minutes = 60;
  // [limits]
  size_t max_message_bytes = size_t{1} << 20;
  size_t max_outbox = 1'000'000;
  size_t held_per_sender = 100'000;     // a hub: messages one sender may have waiting here
  size_t held_per_recipient = 200'000;
  // A national centre: incoming traces one requesting state may have waiting here for an answer;
  // more are deferred (QuotaExceeded) until some are answered, so no one member fills the store.
  size_t open_requests_per_peer = 20'000;  // a hub: messages waiting here for one recipient
  size_t resident_messages_per_peer = 8192;  // queued messages per next hop kept in memory; the rest in LMDB only
  uint64_t clock_skew_seconds = 300;
  uint64_t message_ttl_hours = 720;
  uint64_t message_ttl_seconds = 0;  // when set, overrides message_ttl_hours (short-lived federations, tests)
  int send_high_water = 1000;
  size_t batch_max = 1024;

  std::vector<protocol::PeerKeys> peers;
};

Result<NodeConfig> LoadNodeConfig(const std::string& path);
Result<std::vector<protocol::PeerKeys>> LoadPeers(const std::string& path);

}  // namespace tracenet::config
