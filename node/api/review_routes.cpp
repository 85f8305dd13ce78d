// The responder's inbox: incoming traces awaiting review, each with the draft answer the
// registry produced (when it did), and the decision on one (approve, restrict, partial,
// refuse: node/trace/review.h).

#include "node/api/api_responses.h"
#include "node/api/api_server.h"
#include "node/api/trace_json.h"
#include "node/trace/lifecycle.h"

namespace tracenet::api {

void ApiServer::ReviewRoutes() {

  Get("/v1/inbox", users::Permission::kReview, [this](const http::Request&, http::Response& res) {
    Json cases = Json::array();
    uint64_t now = m_node.clock().NowMs();
    Status st = m_node.Read([&](store::Txn& txn, trace::CaseStore& store) -> Status {
      Status inner = Status::Ok();
      Status scan = store.ListInState(txn, trace::state::kAwaitingReview, [&](const trace::CaseRecord& r) {
        auto draft = store.GetDocument(txn, r.case_id, trace::CaseStore::Document::kDraft);
        auto request = store.GetDocument(txn, r.case_id, trace::CaseStore::Document::kRequest);
        if (!draft || !request) {
          inner = !draft ? draft.error() : request.error();
          return false;
        }
        Json j = CaseWithTimelineToJson(r, now, std::nullopt, *request);
        j["draft"] = *draft ? ResponseToJson(**draft) : Json(nullptr);
        cases.push_back(std::move(j));
        return true;
      });
      if (!scan) return scan;
      if (!inner) return inner;
      return Status::Ok();
    });
    if (!st) return SendError(res, st.error());
    SendJson(res, 200, {{"cases", cases}});
  });

  Post(R"(/v1/traces/([0-9a-fA-F]{32})/review)", users::Permission::kReview, [this](const http::Request& req, http::Response& res) {
    Json body = Json::parse(req.body, nullptr, false);
    if (body.is_discarded()) return SendError(res, 400, "bad_json", "request body is not valid JSON");
    auto decision = ReviewDecisionFromJson(body);
    if (!decision) return SendError(res, decision.error());
    Bytes id = *FromHex(req.matches[1]);
    if (Status st = m_node.Review(id, std::move(*decision), CurrentUser()); !st) return SendError(res, st.error());
    SendJson(res, 200, {{"case_id", ToHex(id)}, {"state", trace::state::kResponded}});
  });
}

}  // namespace tracenet::api
