// GET /v1/traces/summary: how many cases are in each state and how many are overdue, for the
// console's dashboard, exact however many cases the node holds: states are counted from the
// case_state index without opening a record; only open cases are read, for their deadlines.

#include "node/api/api_responses.h"
#include "node/api/api_server.h"
#include "node/api/trace_json.h"

namespace tracenet::api {

void ApiServer::SummaryRoutes() {
  Get("/v1/traces/summary", users::Permission::kReadCases, [this](const http::Request&, http::Response& res) {
    Json by_state = Json::object();
    uint64_t overdue = 0, total = 0;
    uint64_t now = m_node.clock().NowMs();
    Status st = m_node.Read([&](store::Txn& txn, trace::CaseStore& cases) -> Status {
      auto counts = cases.CountByState(txn);
      if (!counts) return counts.error();
      for (const auto& [state, n] : *counts) {
        by_state[state] = n;
        total += n;
      }
      auto late = cases.CountOverdue(txn, now);
      if (!late) return late.error();
      overdue = *late;
      return Status::Ok();
    });
    if (!st) return SendError(res, st.error());
    SendJson(res, 200, {{"total", total}, {"by_state", by_state}, {"overdue", overdue}});
  });
}

}  // namespace tracenet::api
