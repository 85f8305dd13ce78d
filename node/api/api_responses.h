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

}  // namespace tracenet::api
