// Two real nodes exchanging traces over CurveZMQ on 127.0.0.1, including crashes (kill -9).
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "federation_fixture.h"

namespace tracenet::e2e {
namespace {

auto Answered = [](const Json& c) { return c["state"] == "answered"; };

std::vector<demo::NodeSpec> TwoNodes() {
  return {{"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "generate"}};
}

TEST(FederationTest, FoundAndNotFoundTracesAreAnsweredWithTheirTimelines) {
  Federation f(TwoNodes());
  f.Start("MEX-FGR");
  f.Start("USA-ATF");
  const auto& w = f.known_weapon();
  std::string found = f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer);
  std::string unknown = f.Submit("MEX-FGR", "USA-ATF", "QQ-0000-NOTREAL", w.manufacturer);
  Json a = f.WaitCase("MEX-FGR", found, Answered);
  Json b = f.WaitCase("MEX-FGR", unknown, Answered);
  EXPECT_EQ(a["outcome"], "found");
  EXPECT_GE(a["response"]["custody_chain"].size(), 4u);
  EXPECT_EQ(b["outcome"], "no record");
  std::set<std::string> events;
  for (const Json& e : a["timeline"]) events.insert(e["event"]);
  for (const char* expected : {"submitted", "sent", "delivered", "acknowledged", "answered"})
    EXPECT_TRUE(events.count(expected)) << "timeline lacks " << expected << ": " << a["timeline"].dump();
  Json incoming = f.Cases("USA-ATF");
  EXPECT_EQ(incoming.size(), 2u);
  for (const Json& c : incoming) EXPECT_EQ(c["state"], "responded");
}

TEST(FederationTest, RequestSentWhileRecipientIsDownIsDeliveredWhenItStarts) {
  Federation f(TwoNodes());
  f.Start("MEX-FGR");
  const auto& w = f.known_weapon();
  std::string id = f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  Json waiting = f.Api("MEX-FGR").Get("/v1/traces/" + id).value();
  EXPECT_EQ(waiting["state"], "submitted");
  f.Start("USA-ATF");
  Json answered = f.WaitCase("MEX-FGR", id, Answered);
  EXPECT_EQ(answered["outcome"], "found");
}

TEST(FederationTest, SenderKilledAfterSubmitStillDeliversAfterRestartExactlyOnce) {
  Federation f(TwoNodes());
  f.Start("MEX-FGR");
  const auto& w = f.known_weapon();
  std::string id = f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer);
  f.Kill("MEX-FGR");  // submit returned, nothing was delivered: the recipient is not even up
  f.Start("USA-ATF");
  f.Start("MEX-FGR");
  Json answered = f.WaitCase("MEX-FGR", id, Answered);
  EXPECT_EQ(answered["outcome"], "found");
  EXPECT_EQ(f.Cases("USA-ATF").size(), 1u);
}

TEST(FederationTest, RecipientKilledAtRandomPointsStillAnswersEachOf200RequestsOnce) {
  Federation f(TwoNodes());
  f.Start("MEX-FGR");
  f.Start("USA-ATF");
  const auto& w = f.known_weapon();
  std::mt19937 rng(20261126);
  std::vector<std::string> ids;
  for (int i = 0; i < 200; ++i) {
    std::string serial = i % 2 ? w.serial : "NOREC" + std::to_string(i);
    ids.push_back(f.Submit("MEX-FGR", "USA-ATF", serial, w.manufacturer));
    if (i % 50 == 25) {
      std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 300));
      f.Kill("USA-ATF");
      f.Start("USA-ATF");
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 200));
  f.Kill("USA-ATF");
  f.Start("USA-ATF");
  for (const std::string& id : ids) {
    Json c = f.WaitCase("MEX-FGR", id, Answered, 90);
    EXPECT_TRUE(c["outcome"] == "found" || c["outcome"] == "no record");
  }
  Json incoming = f.Cases("USA-ATF");
  EXPECT_EQ(incoming.size(), 200u);
  std::set<std::string> distinct;
  for (const Json& c : incoming) distinct.insert(c["case_id"]);
  EXPECT_EQ(distinct.size(), 200u);
}

TEST(FederationTest, BatchSubmitIsAllOrNothing) {
  Federation f(TwoNodes());
  f.Start("MEX-FGR");
  f.Start("USA-ATF");
  const auto& w = f.known_weapon();
  Json good = f.TraceRequest("USA-ATF", w.serial, w.manufacturer);
  Json bad = f.TraceRequest("USA-ATF", "X1", "Glock");
  bad["weapon"]["type"] = "slingshot";
  auto refused = f.Api("MEX-FGR").Post("/v1/traces/batch", Json{{"traces", {good, bad, good}}});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("traces[1]: weapon.type must be one of"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(f.Cases("MEX-FGR").size(), 0u);  // nothing of the refused batch was kept

  auto accepted = f.Api("MEX-FGR").Post("/v1/traces/batch", Json{{"traces", {good, good, good}}});
  ASSERT_TRUE(accepted) << accepted.error().message;
  ASSERT_EQ((*accepted)["case_ids"].size(), 3u);
  for (const Json& id : (*accepted)["case_ids"]) {
    Json c = f.WaitCase("MEX-FGR", id, Answered);
    EXPECT_EQ(c["outcome"], "found");
    // Requests accepted together are acknowledged together; each case still records its own.
    bool acknowledged = false;
    for (const Json& e : c["timeline"]) acknowledged |= e["event"] == "acknowledged";
    EXPECT_TRUE(acknowledged) << c["timeline"].dump();
  }
  EXPECT_EQ(f.Cases("USA-ATF").size(), 3u);
}

// Runs `tracenet ARGS...` to completion and returns its exit code and output.
std::pair<int, std::string> RunCli(const std::string& log, const std::vector<std::string>& args) {
  auto child = ChildProcess::Start(TRACENET_BINARY, args, log);
  for (int i = 0; i < 300 && child->running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  int code = child->Stop(1000);
  std::ifstream in(log);
  std::string out((std::istreambuf_iterator<char>(in)), {});
  std::remove(log.c_str());
  return {code, out};
}

TEST(FederationTest, OfficerSubmitsListsAndReadsATraceFromTheCommandLine) {
  Federation f(TwoNodes());
  f.Start("MEX-FGR");
  f.Start("USA-ATF");
  const auto& w = f.known_weapon();
  std::string config = f.layout("MEX-FGR").config_path, log = f.root() + "/cli.log";
  auto [code, out] = RunCli(log, {"trace", "--config", config, "submit", "--to", "USA-ATF", "--serial", w.serial,
                                  "--make", w.manufacturer, "--type", w.type, "--calibre", w.calibre,
                                  "--purpose", "criminal investigation"});
  ASSERT_EQ(code, 0) << out;
  std::string case_id = out.substr(0, 32);
  f.WaitCase("MEX-FGR", case_id, Answered);
  std::tie(code, out) = RunCli(log, {"trace", "--config", config, "show", case_id});
  EXPECT_EQ(code, 0);
  EXPECT_NE(out.find("State:    answered (found)"), std::string::npos) << out;
  EXPECT_NE(out.find("first retail purchaser"), std::string::npos) << out;
  std::tie(code, out) = RunCli(log, {"trace", "--config", config, "list"});
  EXPECT_NE(out.find(case_id), std::string::npos) << out;
  std::tie(code, out) = RunCli(log, {"trace", "--config", config, "list", "--overdue"});
  EXPECT_EQ(out.find(case_id), std::string::npos) << out;  // answered: not overdue
  // A refused submission says why and exits 2, as for any invalid input.
  std::tie(code, out) = RunCli(log, {"trace", "--config", config, "submit", "--to", "USA-ATF", "--serial", "X",
                                     "--make", "Glock", "--type", "trebuchet"});
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("weapon.type must be one of"), std::string::npos) << out;
}

TEST(FederationTest, NodeStopsCleanlyOnSigterm) {
  Federation f(TwoNodes());
  f.Start("MEX-FGR");
  f.Stop("MEX-FGR");
  EXPECT_FALSE(f.Running("MEX-FGR"));
}

}  // namespace
}  // namespace tracenet::e2e
