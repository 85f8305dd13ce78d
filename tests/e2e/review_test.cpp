// Review policy between two real nodes: USA-ATF holds the registry's answers to MEX-FGR's
// traces as drafts; a responder approves one, restricts another with an ITI reason, and MEX-FGR
// sees each answer as decided. Bad decisions are refused without touching the case, and an
// approval that returned survives a kill -9 of the responding node.
#include <fstream>

#include "federation_fixture.h"

namespace tracenet::e2e {
namespace {

auto Answered = [](const Json& c) { return c["state"] == "answered"; };

Json Inbox(Federation& f, size_t expected) {
  Json cases;
  for (int i = 0; i < 300; ++i) {
    auto r = f.Api("USA-ATF").Get("/v1/inbox");
    if (r && (*r)["cases"].size() >= expected) return (*r)["cases"];
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "the inbox never held " << expected << " cases";
  return Json::array();
}

TEST(ReviewTest, HeldDraftsWaitForAResponderWhoseDecisionTheRequesterSees) {
  Federation f({{"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "generate", /*hold_for_review=*/true}});
  f.Start("MEX-FGR");
  f.Start("USA-ATF");
  const auto& w = f.known_weapon();
  std::string first = f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer);
  std::string second = f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer);
  Json inbox = Inbox(f, 2);
  ASSERT_EQ(inbox.size(), 2u);
  for (const Json& c : inbox) {
    EXPECT_EQ(c["state"], "awaiting_review");
    EXPECT_EQ(c["draft"]["outcome"], "found");
    EXPECT_GE(c["draft"]["custody_chain"].size(), 4u);
  }
  // Held: the requester has its acknowledgement but no answer.
  Json waiting = f.WaitCase("MEX-FGR", first, [](const Json& c) { return c["state"] == "acknowledged"; });
  EXPECT_FALSE(waiting.contains("response"));

  api::ApiClient usa = f.Api("USA-ATF");
  std::string path1 = "/v1/traces/" + first + "/review", path2 = "/v1/traces/" + second + "/review";
  // Bad decisions: refused, naming what is missing; the case still waits.
  auto no_reason = usa.Post(path2, {{"action", "refuse"}});
  ASSERT_FALSE(no_reason);
  EXPECT_EQ(no_reason.error().code, Errc::kInvalidArgument);
  EXPECT_NE(no_reason.error().message.find("give its reason"), std::string::npos) << no_reason.error().message;
  auto bad_action = usa.Post(path2, {{"action", "ignore"}});
  ASSERT_FALSE(bad_action);
  EXPECT_NE(bad_action.error().message.find("approve, restrict, partial, refuse"), std::string::npos);
  auto unknown = usa.Post("/v1/traces/00000000000000000000000000000000/review", {{"action", "approve"}});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::kNotFound);
  EXPECT_EQ(Inbox(f, 2).size(), 2u);

  ASSERT_TRUE(usa.Post(path1, {{"action", "approve"}}));
  // Committed before the call returned: a crash right after loses nothing.
  f.Kill("USA-ATF");
  f.Start("USA-ATF");
  Json approved = f.WaitCase("MEX-FGR", first, Answered);
  EXPECT_EQ(approved["outcome"], "found");
  EXPECT_GE(approved["response"]["custody_chain"].size(), 4u);

  auto again = f.Api("USA-ATF").Post(path1, {{"action", "approve"}});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::kConflict);
  EXPECT_NE(again.error().message.find("not awaiting review"), std::string::npos);

  // A named responder decides the second, and the timeline says so.
  auto added = f.Api("USA-ATF").Post("/v1/users", {{"name", "j.smith"}, {"role", "responder"}});
  ASSERT_TRUE(added) << added.error().message;
  int port = 0;
  std::ifstream(f.layout("USA-ATF").dir + "/data/api.port") >> port;
  api::ApiClient responder("127.0.0.1", port, (*added)["token"]);
  ASSERT_TRUE(responder.Post(path2, {{"action", "restrict"},
                                            {"reason", "ongoing_investigation"},
                                            {"withhold_custody", true},
                                            {"use_restrictions", "for the investigating magistrate only"}}));
  Json restricted = f.WaitCase("MEX-FGR", second, Answered);
  EXPECT_EQ(restricted["outcome"], "restricted");
  EXPECT_EQ(restricted["response"]["reason"], "ongoing_investigation");
  EXPECT_TRUE(restricted["response"]["custody_chain"].empty());
  EXPECT_EQ(restricted["response"]["use_restrictions"], "for the investigating magistrate only");

  auto shown = f.Api("USA-ATF").Get("/v1/traces/" + second);
  ASSERT_TRUE(shown);
  EXPECT_EQ((*shown)["state"], "responded");
  std::string decided;
  for (const Json& e : (*shown)["timeline"])
    if (e["event"] == "responded") decided = e["detail"];
  EXPECT_NE(decided.find("restricted by j.smith: restricted, reason OngoingInvestigation"), std::string::npos)
      << (*shown)["timeline"].dump();
  EXPECT_TRUE(f.Api("USA-ATF").Get("/v1/inbox").value()["cases"].empty());
}

}  // namespace
}  // namespace tracenet::e2e
