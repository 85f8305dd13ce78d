// Follow-ups on an open trace: the requester cancels it or answers a question; the requested
// state asks one (node/trace/trace_follow_up.cpp). Each is committed with its message in the
// outbox before the call returns.

#include "node/api/api_responses.h"
#include "node/api/api_server.h"
#include "node/api/trace_json.h"
#include "node/trace/lifecycle.h"

namespace tracenet::api {

void ApiServer::FollowUpRoutes() {
  using Kind = trace::wire::FollowUpKind;
  // field: the body's text field; required: whether it may be left out.
  auto route = [this](Kind kind, const char* field, bool required, std::string_view event) {
    return [this, kind, field, required, event](const http::Request& req, http::Response& res) {
      Json body = req.body.empty() ? Json::object() : Json::parse(req.body, nullptr, false);
      if (body.is_discarded() || !body.is_object()) return SendError(res, 400, "bad_json", "request body is not a JSON object");
      if (body.contains(field) && !body[field].is_string())
        return SendError(res, 400, "invalid_argument", std::string(field) + " must be a string");
      std::string text = body.value(field, "");
      if (required && text.empty()) return SendError(res, 400, "invalid_argument", std::string(field) + " is required");
      Bytes id = *FromHex(req.matches[1]);
      if (Status st = m_node.FollowUp(id, kind, std::move(text), CurrentUser()); !st) return SendError(res, st.error());
      SendJson(res, 200, {{"case_id", ToHex(id)}, {"event", event}});
    };
  };
  Post(R"(/v1/traces/([0-9a-fA-F]{32})/cancel)", users::Permission::kSubmit, route(Kind::Cancel, "reason", false, trace::state::kCancelled));
  Post(R"(/v1/traces/([0-9a-fA-F]{32})/clarification)", users::Permission::kReview,
         route(Kind::ClarificationRequest, "question", true, trace::state::kClarificationRequested));
  Post(R"(/v1/traces/([0-9a-fA-F]{32})/clarification/answer)", users::Permission::kSubmit,
         route(Kind::ClarificationAnswer, "answer", true, trace::state::kClarificationAnswered));
}

}  // namespace tracenet::api
