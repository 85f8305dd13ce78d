// How every API route answers: JSON bodies, and errors as {"error": {"code", "message"}} with a
// stable code and a message a person can act on. Thread-safety: free functions.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "node/common/result.h"

namespace tracenet::api {

void SendError(httplib::Response& res, int http_status, std::string_view code, const std::string& message);
void SendError(httplib::Response& res, const Error& error);  // the status and code that fit error.code
int HttpStatusFor(Errc code);
void SendJson(httplib::Response& res, int status, const nlohmann::json& body);

// Registers a POST route whose body is checked before `handler` sees it: at most 1 MiB (8 MiB on
// the routes that carry photos, import batches or a directory) and JSON nested at most
// kMaxJsonDepth deep, each refused with a clear error (413, 400 too_deep). httplib reads a body
// only after its pre-routing handler has run, so these limits live with the route.
void PostRoute(httplib::Server& server, const std::string& pattern, httplib::Server::Handler handler);

}  // namespace tracenet::api
