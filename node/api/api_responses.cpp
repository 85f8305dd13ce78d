#include "node/api/api_responses.h"

#include <spdlog/spdlog.h>

#include "node/api/json_limits.h"
#include "node/common/json_text.h"

namespace tracenet::api {

using Json = nlohmann::json;

namespace {
constexpr size_t kMaxSmallBodyBytes = 1 << 20;

bool TakesLargeBodies(const std::string& pattern) {
  return pattern == "/v1/traces" || pattern == "/v1/traces/batch" || pattern == "/v1/directory" ||
         pattern.rfind("/v1/stolen/imports", 0) == 0;
}
}  // namespace

void PostRoute(httplib::Server& server, const std::string& pattern, httplib::Server::Handler handler) {
  bool large = TakesLargeBodies(pattern);
  server.Post(pattern, [large, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    if (!large && req.body.size() > kMaxSmallBodyBytes)
      return SendError(res, 413, "payload_too_large", "a body for " + req.path + " is at most " +
                                                          std::to_string(kMaxSmallBodyBytes >> 10) + " KiB");
    if (!JsonDepthWithin(req.body))
      return SendError(res, 400, "too_deep", "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    handler(req, res);
  });
}

void SendError(httplib::Response& res, int http_status, std::string_view code, const std::string& message) {
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

void SendJson(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(DumpJson(body), "application/json");
}


void SendError(httplib::Response& res, const Error& error) {
  SendError(res, HttpStatusFor(error.code), ErrcName(error.code), error.message);
}

}  // namespace tracenet::api
