// The web console in a real browser: tests/console/console_flow.mjs drives Debian's Chromium
// (Playwright) against two live nodes: an officer at MEX-FGR files a trace with a photo, a
// responder at USA-ATF (review policy: hold) approves the registry's draft, and MEX-FGR's console
// shows the answer and the timeline; and the lost/stolen page between two members and their hub.
// Screenshots are kept in <build>/artifacts/console.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "directory_federation.h"

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

// Runs one of tests/console's flows with `env` (NAME=value ...); its report is in the failure.
void RunFlow(const std::string& script, const std::string& env, const std::string& out, const std::string& passed) {
  std::string command = "cd " TRACENET_SOURCE_DIR "/tests/console && " + env + " ARTIFACTS=" TRACENET_BINARY_DIR
                        "/artifacts/console node " + script + " > " + out + " 2>&1";
  int status = std::system(command.c_str());
  std::stringstream report;
  report << std::ifstream(out).rdbuf();
  std::cout << report.str();
  EXPECT_EQ(status, 0) << report.str() << "\nscreenshots: " TRACENET_BINARY_DIR "/artifacts/console";
  EXPECT_NE(report.str().find(passed), std::string::npos) << report.str();
}

TEST(ConsoleTest, AnOfficerFilesATraceAndSeesTheReviewedAnswerInTheBrowser) {
  Federation f({{"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "generate", /*hold_for_review=*/true}});
  f.Start("MEX-FGR");
  f.Start("USA-ATF");
  Endpoint officer = WithUser(f, "MEX-FGR", "insp.ramos", "submitter");
  Endpoint responder = WithUser(f, "USA-ATF", "agent.cole", "responder");
  RunFlow("console_flow.mjs",
          "A_URL=" + officer.url + " A_TOKEN=" + officer.token + " B_URL=" + responder.url + " B_TOKEN=" + responder.token +
              " B_ID=USA-ATF SERIAL='" + f.known_weapon().serial + "' MAKE='" + f.known_weapon().manufacturer + "'",
          f.root() + "/console_flow.out", "console flow passed");

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

TEST(ConsoleTest, AStolenWeaponReportedInOneConsoleIsFoundAndConfirmedFromAnother) {
  DirectoryFederation d({{"HUB-LYON", "FRA", ""}, {"KEN-NFB", "KEN", ""}, {"MEX-FGR", "MEX", ""}},
                        {{"HUB-LYON", {"hub", false, {}}},
                         {"KEN-NFB", {"national", true, {"HUB-LYON"}}},
                         {"MEX-FGR", {"national", true, {"HUB-LYON"}}}});
  d.Publish(d.Sign(d.base, {0, 1}));
  for (const char* id : {"HUB-LYON", "KEN-NFB", "MEX-FGR"}) d.f.Start(id);
  Endpoint owner = WithUser(d.f, "KEN-NFB", "sgt.otieno", "submitter");
  Endpoint responder = WithUser(d.f, "KEN-NFB", "insp.wanjiru", "responder");
  Endpoint searcher = WithUser(d.f, "MEX-FGR", "insp.ramos", "submitter");
  RunFlow("stolen_flow.mjs",
          "OWNER_URL=" + owner.url + " OWNER_TOKEN=" + owner.token + " RESPONDER_TOKEN=" + responder.token +
              " SEARCH_URL=" + searcher.url + " SEARCH_TOKEN=" + searcher.token,
          d.f.root() + "/stolen_flow.out", "stolen flow passed");

  // The decision the browser made is the one the searcher's node holds, attributed in the audit log.
  auto hits = d.f.Api("KEN-NFB").Get("/v1/stolen/hits");
  ASSERT_TRUE(hits);
  ASSERT_EQ((*hits)["hits"].size(), 1u);
  EXPECT_TRUE((*hits)["hits"][0]["decision"]["confirmed"].get<bool>()) << hits->dump(2);
  auto audit = d.f.Api("KEN-NFB").Get("/v1/audit/export");
  ASSERT_TRUE(audit);
  EXPECT_NE(audit->dump().find("insp.wanjiru"), std::string::npos);
}

}  // namespace
}  // namespace tracenet::e2e
