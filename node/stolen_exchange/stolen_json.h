// Lost/stolen records, searches and hits as JSON: what the API and the CLI exchange, and how a
// member keeps its searches and the hits on its records. Field names follow DOMAIN.md §5.
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "node/common/result.h"
#include "node/protocol/wire.h"
#include "node/stolen/candidate_match.h"
#include "node/stolen/stolen_record.h"

namespace tracenet::stolen {

using Json = nlohmann::json;

Json RecordToJson(const StolenRecord& r);
// The owner is not taken from the body: it is the node's own id. kInvalidArgument names the field.
Result<StolenRecord> RecordFromJson(const Json& body, const std::string& owner);

// A search as the API takes it: {"serial", "make", "calibre", "type", "narrow_by": [...],
// "approximate", "priority", "case_reference", "seizure_date", "seizure_place", "circumstances",
// "officer"}.
Result<protocol::wire::StolenSearchT> SearchFromJson(const Json& body);
Json SearchToJson(const protocol::wire::StolenSearchT& s);
// The matcher's query for a search; kInvalidArgument when the serial does not normalise.
Result<SearchQuery> QueryOf(const protocol::wire::StolenSearchT& s);

}  // namespace tracenet::stolen
