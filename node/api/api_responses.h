// How every API route answers: JSON bodies, and errors as {"error": {"code", "message"}} with a
// stable code and a message a person can act on. Thread-safety: free functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "node/api/route_table.h"
#include "node/common/result.h"

namespace tracenet::api {

void SendError(http::Response& res, int http_status, std::string_view code, const std::string& message);
void SendError(http::Response& res, const Error& error);  // the status and code that fit error.code
int HttpStatusFor(Errc code);
void SendJson(http::Response& res, int status, const nlohmann::json& body);

// The largest body a POST route takes: 8 MiB on the routes that carry photos, import batches or a
// directory, 1 MiB on every other.
size_t MaxBodyFor(const std::string& pattern);

}  // namespace tracenet::api
