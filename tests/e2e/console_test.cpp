// The web console in a real browser: tests/console/console_flow.mjs drives Debian's Chromium
// (Playwright) against two live nodes: an officer at MEX-FGR files a trace with a photo, a
// responder at USA-ATF (review policy: hold) approves the registry's draft, and MEX-FGR's console
// shows the answer and the timeline. Screenshots are kept in <build>/artifacts/console.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "federation_fixture.h"

namespace tracenet::e2e {
namespace {

struct Endpoint {
  std::string url;
  std::string token;
};

Endpoint WithUser(Federation& f, const std::string& node, const std::string& name, const std::string& role) {
  auto created = f.Api(node).Post("/v1/users", {{"name", name}, {"role", role}});
  EXPECT_TRUE(created) << (created ? "" : created.error().message);
  int port = 0;
  std::ifstream(f.layout(node).dir + "/data/api.port") >> port;
  return {"http://127.0.0.1:" + std::to_string(port), created ? (*created)["token"].get<std::string>() : ""};
}

TEST(ConsoleTest, AnOfficerFilesATraceAndSeesTheReviewedAnswerInTheBrowser) {
  Federation f({{"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "generate", /*hold_for_review=*/true}});
  f.Start("MEX-FGR");
  f.Start("USA-ATF");
  Endpoint officer = WithUser(f, "MEX-FGR", "insp.ramos", "submitter");
  Endpoint responder = WithUser(f, "USA-ATF", "agent.cole", "responder");
  const std::string artifacts = TRACENET_BINARY_DIR "/artifacts/console";
  std::string out = f.root() + "/console_flow.out";
  std::string command = "cd " TRACENET_SOURCE_DIR "/tests/console && A_URL=" + officer.url + " A_TOKEN=" + officer.token +
                        " B_URL=" + responder.url + " B_TOKEN=" + responder.token + " B_ID=USA-ATF SERIAL='" +
                        f.known_weapon().serial + "' MAKE='" + f.known_weapon().manufacturer + "' ARTIFACTS=" + artifacts +
                        " node console_flow.mjs > " + out + " 2>&1";
  int status = std::system(command.c_str());
  std::stringstream report;
  report << std::ifstream(out).rdbuf();
  std::cout << report.str();
  EXPECT_EQ(status, 0) << report.str() << "\nscreenshots: " << artifacts;
  EXPECT_NE(report.str().find("console flow passed"), std::string::npos) << report.str();

  // What the browser did is what the nodes recorded: the case answered at MEX-FGR, the approval
  // attributed to the responder at USA-ATF.
  Json cases = f.Cases("MEX-FGR");
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0]["state"], "answered");
  auto incoming = f.Api("USA-ATF").Get("/v1/traces/" + cases[0]["case_id"].get<std::string>());
  ASSERT_TRUE(incoming);
  EXPECT_NE((*incoming)["timeline"].dump().find("agent.cole"), std::string::npos) << incoming->dump(2);
  ASSERT_EQ((*incoming)["request"]["photos"].size(), 1u);
  EXPECT_EQ((*incoming)["request"]["photos"][0]["media_type"], "image/png");
}

}  // namespace
}  // namespace tracenet::e2e
