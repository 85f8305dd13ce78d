// The API against its OpenAPI document (node/api/openapi.yaml), on a live node: the contract
// check (tests/api/openapi_contract.py) calls every documented operation, successes and
// refusals, and validates each status and body against the document.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "federation_fixture.h"

namespace tracenet::e2e {
namespace {

TEST(OpenApiTest, TheLiveServerAnswersAsItsDocumentSays) {
  Federation f({{"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "generate", /*hold_for_review=*/true}});
  f.Start("MEX-FGR");
  f.Start("USA-ATF");
  f.Submit("MEX-FGR", "USA-ATF", f.known_weapon().serial, f.known_weapon().manufacturer);
  std::string held;
  for (int i = 0; i < 300 && held.empty(); ++i) {
    auto inbox = f.Api("USA-ATF").Get("/v1/inbox");
    if (inbox && !(*inbox)["cases"].empty()) held = (*inbox)["cases"][0]["case_id"];
    else std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(held.empty()) << "no trace was held for review";
  const std::string dir = f.layout("USA-ATF").dir;
  int port = 0;
  std::string token;
  std::ifstream(dir + "/data/api.port") >> port;
  std::ifstream(dir + "/data/api.token") >> token;
  std::string out = f.root() + "/openapi_contract.out";
  std::string command = "python3 " TRACENET_SOURCE_DIR "/tests/api/openapi_contract.py " TRACENET_SOURCE_DIR
                        "/node/api/openapi.yaml --port " + std::to_string(port) + " --token " + token +
                        " --peer MEX-FGR --held-case " + held + " > " + out + " 2>&1";
  int status = std::system(command.c_str());
  std::stringstream report;
  report << std::ifstream(out).rdbuf();
  EXPECT_EQ(status, 0) << report.str();
  EXPECT_NE(report.str().find("40 operations called, 0 failures"), std::string::npos) << report.str();
}

}  // namespace
}  // namespace tracenet::e2e
