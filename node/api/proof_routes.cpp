// A case's proof bundle for a third party (node/proof/proof_bundle.h): every message of the case
// disclosed, or only those named in ?disclose=ID,ID (each 32 hex), as a file to save.
#include "node/api/api_responses.h"
#include "node/api/api_server.h"

namespace tracenet::api {

void ApiServer::ProofRoutes() {
  Get(R"(/v1/traces/([0-9a-fA-F]{32})/proof)", users::Permission::kReadCases, [this](const http::Request& req, http::Response& res) {
    Bytes case_id = *FromHex(req.matches[1]);
    std::vector<Bytes> disclose;
    std::string list = req.has_param("disclose") ? req.get_param_value("disclose") : "";
    for (size_t start = 0; start < list.size();) {
      size_t end = std::min(list.find(',', start), list.size());
      auto id = FromHex(std::string_view(list).substr(start, end - start));
      if (!id || id->size() != 16)
        return SendError(res, 400, "invalid_argument", "disclose lists message ids (32 hex characters) separated by commas");
      disclose.push_back(std::move(*id));
      start = end + 1;
    }
    auto bundle = m_node.ProveCase(case_id, disclose);
    if (!bundle) return SendError(res, bundle.error());
    res.set_header("Content-Disposition", "attachment; filename=\"proof-" + req.matches[1] + ".json\"");
    SendJson(res, 200, *bundle);
  });
}

}  // namespace tracenet::api
