#include "node/api/api_responses.h"

#include <spdlog/spdlog.h>

#include "node/common/json_text.h"

namespace tracenet::api {

using Json = nlohmann::json;

namespace {
constexpr size_t kMaxSmallBodyBytes = 1 << 20;
constexpr size_t kMaxLargeBodyBytes = 8 << 20;  // a trace request with its photos (base64 in JSON)
}  // namespace

size_t MaxBodyFor(const std::string& pattern) {
  bool large = pattern == "/v1/traces" || pattern == "/v1/traces/batch" || pattern == "/v1/directory" ||
               pattern.find("/v1/stolen/imports") != std::string::npos;
  return large ? kMaxLargeBodyBytes : kMaxSmallBodyBytes;
}

void SendError(http::Response& res, int http_status, std::string_view code, const std::string& message) {
  // A refusal is the caller's business; a failure of the node's own is the operator's.
  if (http_status == 500) spdlog::error("event=api_error status={} code={} reason=\"{}\"", http_status, code, message);
  res.status = http_status;
  res.set_content(DumpJson(Json{{"error", {{"code", code}, {"message", message}}}}), "application/json");
}

int HttpStatusFor(Errc code) {
  switch (code) {
    case Errc::kInvalidArgument: return 400;
    case Errc::kNotFound: return 404;
    case Errc::kBackpressure: return 503;
    case Errc::kTimeout: return 504;
    case Errc::kOversized: return 413;
    case Errc::kUnknownRecipientKey: return 409;
    case Errc::kConflict: return 409;
    case Errc::kUnauthenticated: return 401;
    case Errc::kForbidden: return 403;
    default: return 500;
  }
}

void SendJson(http::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(DumpJson(body), "application/json");
}


void SendError(http::Response& res, const Error& error) {
  SendError(res, HttpStatusFor(error.code), ErrcName(error.code), error.message);
}

}  // namespace tracenet::api
