// The external-process adapter protocol (adapters/process/PROTOCOL.md): JSON objects, one per
// line, between the node and a program in any language. These functions encode what the node
// sends and decode, strictly, what the program answers: anything malformed is an Error that
// says what was wrong, never a guess.
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "adapters/sdk/registry_adapter.h"

namespace tracenet::adapters::protocol {

inline constexpr int kVersion = 1;
inline constexpr size_t kMaxLineBytes = size_t{1} << 20;
inline constexpr size_t kMaxChainLength = 1000;

// Encoders produce one line without its newline. Bytes that are not UTF-8 in a query are
// replaced by U+FFFD: JSON carries text only.
std::string HelloRequest(const nlohmann::json& settings);
std::string LookupRequest(uint64_t id, const WeaponQuery& query);
std::string HealthRequest(uint64_t id);
std::string Dump(const nlohmann::json& message);

// Parses one line into an object with a string "type"; kMalformed otherwise.
Result<nlohmann::json> ParseMessage(std::string_view line);
// The version an adapter's hello reply accepts (must be kVersion).
Result<int> ReadHelloReply(const nlohmann::json& message);
// A lookup reply for request `id`: findings, or the adapter's own error (kUnavailable,
// kTimeout or kIo as its code says).
Result<Findings> ReadLookupReply(const nlohmann::json& message, uint64_t id);
Status ReadHealthReply(const nlohmann::json& message, uint64_t id);

// The adapter side (tracenet adapter serve, tests, SDK users writing a host in C++).
Result<WeaponQuery> QueryFromJson(const nlohmann::json& query);
nlohmann::json FindingsToJson(const Findings& findings);
nlohmann::json ErrorToJson(uint64_t id, const Error& error);

}  // namespace tracenet::adapters::protocol
