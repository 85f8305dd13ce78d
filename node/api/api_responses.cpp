#include "node/api/api_responses.h"

namespace tracenet::api {

using Json = nlohmann::json;

void SendError(httplib::Response& res, int http_status, std::string_view code, const std::string& message) {
  res.status = http_status;
  res.set_content(Json{{"error", {{"code", code}, {"message", message}}}}.dump(), "application/json");
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
  res.set_content(body.dump(), "application/json");
}


void SendError(httplib::Response& res, const Error& error) {
  SendError(res, HttpStatusFor(error.code), ErrcName(error.code), error.message);
}

}  // namespace tracenet::api
