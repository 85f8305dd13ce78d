// JSON forms of trace requests and cases for the HTTP API and the CLI. Parsing errors name the
// field ("weapon.type must be one of pistol, revolver, ..."). Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>

#include "node/common/result.h"
#include "node/trace/case_store.h"
#include "node/trace/review.h"
#include "node/trace/findings_mapping.h"

namespace tracenet::api {

using Json = nlohmann::json;

// Parses the body of POST /v1/traces (without "recipient", which the caller takes out).
Result<trace::wire::TraceRequestT> TraceRequestFromJson(const Json& body);
// The case as listed; with `response` (a TraceResponse payload) it is the full view.
Json CaseToJson(const trace::CaseRecord& record, uint64_t now_ms);
// A TraceResponse payload (a sent answer or a draft); {"error": ...} when it does not verify.
Json ResponseToJson(const Bytes& payload);
// The body of POST /v1/traces/{id}/review.
Result<trace::ReviewDecision> ReviewDecisionFromJson(const Json& body);
// The request as sent or received (photos listed by index, media type and size, not their bytes).
Json RequestToJson(const Bytes& payload);
Json CaseWithTimelineToJson(const trace::CaseRecord& record, uint64_t now_ms, const std::optional<Bytes>& response,
                            const std::optional<Bytes>& request);

}  // namespace tracenet::api
