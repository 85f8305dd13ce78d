// Follow-ups between two real nodes (DOMAIN.md §4): USA-ATF holds MEX-FGR's traces for review,
// asks MEX-FGR a question about one and sees the answer; MEX-FGR cancels another, which then
// leaves USA-ATF's inbox and can no longer be answered. Each side of the conversation is
// refused what belongs to the other side, and a cancellation that returned survives a kill -9.
#include <fstream>

#include "federation_fixture.h"

namespace tracenet::e2e {
namespace {

Json WaitIncoming(Federation& f, const std::string& case_id, const std::function<bool(const Json&)>& done) {
  return f.WaitCase("USA-ATF", case_id, done);
}

bool HasEvent(const Json& c, const std::string& event, const std::string& text) {
  for (const Json& e : c["timeline"])
    if (e["event"] == event && e["detail"].get<std::string>().find(text) != std::string::npos) return true;
  return false;
}

class FollowUpTest : public ::testing::Test {
 protected:
  FollowUpTest() : f({{"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "generate", /*hold_for_review=*/true}}) {
    f.Start("MEX-FGR");
    f.Start("USA-ATF");
  }
  std::string HeldTrace() {
    std::string id = f.Submit("MEX-FGR", "USA-ATF", f.known_weapon().serial, f.known_weapon().manufacturer);
    WaitIncoming(f, id, [](const Json& c) { return c["state"] == "awaiting_review"; });
    return id;
  }
  Federation f;
};

TEST_F(FollowUpTest, TheRequestedStateAsksAndTheRequesterAnswers) {
  std::string id = HeldTrace();
  api::ApiClient mex = f.Api("MEX-FGR"), usa = f.Api("USA-ATF");
  std::string path = "/v1/traces/" + id;

  // Only the requested state asks, and only the requester answers an open question.
  auto wrong_side = mex.Post(path + "/clarification", {{"question", "why?"}});
  ASSERT_FALSE(wrong_side);
  EXPECT_EQ(wrong_side.error().code, Errc::kNotFound);
  auto nothing_asked = mex.Post(path + "/clarification/answer", {{"answer", "early"}});
  ASSERT_FALSE(nothing_asked);
  EXPECT_EQ(nothing_asked.error().code, Errc::kConflict);
  auto empty = usa.Post(path + "/clarification", Json::object());
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, Errc::kInvalidArgument);

  ASSERT_TRUE(usa.Post(path + "/clarification", {{"question", "Is the importer marking 'CAI' or 'CA1'?"}}));
  Json asked = f.WaitCase("MEX-FGR", id, [](const Json& c) { return !c["open_question"].is_null(); });
  EXPECT_NE(asked["open_question"].get<std::string>().find("CAI"), std::string::npos) << asked.dump(2);
  EXPECT_EQ(asked["state"], "acknowledged");  // a question does not move the case
  for (const Json& listed : f.Cases("MEX-FGR"))  // the case list says so too (the console flags it)
    if (listed["case_id"] == id) EXPECT_EQ(listed["open_question"], asked["open_question"]);

  ASSERT_TRUE(mex.Post(path + "/clarification/answer", {{"answer", "CAI, photo attached to the request"}}));
  Json answered_at_usa = WaitIncoming(f, id, [](const Json& c) { return HasEvent(c, "clarification_answered", "CAI, photo"); });
  EXPECT_EQ(answered_at_usa["state"], "awaiting_review");
  EXPECT_TRUE(f.WaitCase("MEX-FGR", id, [](const Json& c) { return c["open_question"].is_null(); })["open_question"].is_null());

  // The conversation done, the responder approves and the requester has its answer.
  ASSERT_TRUE(usa.Post(path + "/review", {{"action", "approve"}}));
  Json done = f.WaitCase("MEX-FGR", id, [](const Json& c) { return c["state"] == "answered"; });
  EXPECT_TRUE(HasEvent(done, "clarification_requested", "CAI"));
  EXPECT_TRUE(HasEvent(done, "clarification_answered", "operator"));
  // Nothing more is asked about an answered trace.
  auto late = usa.Post(path + "/clarification", {{"question", "one more"}});
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, Errc::kConflict);
}

TEST_F(FollowUpTest, ACancelledTraceLeavesTheInboxAndIsNeverAnswered) {
  std::string id = HeldTrace();
  std::string kept = HeldTrace();
  api::ApiClient mex = f.Api("MEX-FGR"), usa = f.Api("USA-ATF");
  std::string path = "/v1/traces/" + id;

  auto not_theirs = usa.Post(path + "/cancel", Json::object());  // only the requester cancels
  ASSERT_FALSE(not_theirs);
  EXPECT_EQ(not_theirs.error().code, Errc::kNotFound);

  ASSERT_TRUE(mex.Post(path + "/cancel", {{"reason", "weapon identified from a domestic record"}}));
  f.Kill("MEX-FGR");  // committed with its message before the call returned
  f.Start("MEX-FGR");
  EXPECT_EQ(f.WaitCase("MEX-FGR", id, [](const Json& c) { return c["state"] == "cancelled"; })["state"], "cancelled");

  Json at_usa = WaitIncoming(f, id, [](const Json& c) { return c["state"] == "cancelled"; });
  EXPECT_TRUE(HasEvent(at_usa, "cancelled", "domestic record")) << at_usa.dump(2);
  auto inbox = usa.Get("/v1/inbox");
  ASSERT_TRUE(inbox);
  ASSERT_EQ((*inbox)["cases"].size(), 1u);
  EXPECT_EQ((*inbox)["cases"][0]["case_id"], kept);
  auto approve = usa.Post(path + "/review", {{"action", "approve"}});
  ASSERT_FALSE(approve);
  EXPECT_EQ(approve.error().code, Errc::kConflict);
  auto again = f.Api("MEX-FGR").Post(path + "/cancel", Json::object());  // restarted: a new API port
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::kConflict) << again.error().message;
  // A cancelled case is settled: never overdue, and the other trace is untouched.
  EXPECT_FALSE(f.WaitCase("MEX-FGR", id, [](const Json&) { return true; })["overdue"]);
  EXPECT_EQ(WaitIncoming(f, kept, [](const Json&) { return true; })["state"], "awaiting_review");
}

TEST_F(FollowUpTest, RolesDecideWhoMayCancelAskAndAnswer) {
  std::string id = HeldTrace();
  auto responder = f.Api("MEX-FGR").Post("/v1/users", {{"name", "r"}, {"role", "responder"}});
  auto submitter = f.Api("USA-ATF").Post("/v1/users", {{"name", "s"}, {"role", "submitter"}});
  ASSERT_TRUE(responder && submitter);
  int mex_port = 0, usa_port = 0;
  std::ifstream(f.layout("MEX-FGR").dir + "/data/api.port") >> mex_port;
  std::ifstream(f.layout("USA-ATF").dir + "/data/api.port") >> usa_port;
  api::ApiClient mex_responder("127.0.0.1", mex_port, (*responder)["token"]);
  api::ApiClient usa_submitter("127.0.0.1", usa_port, (*submitter)["token"]);
  auto cancel = mex_responder.Post("/v1/traces/" + id + "/cancel", Json::object());
  ASSERT_FALSE(cancel);
  EXPECT_EQ(cancel.error().code, Errc::kForbidden);
  auto ask = usa_submitter.Post("/v1/traces/" + id + "/clarification", {{"question", "?"}});
  ASSERT_FALSE(ask);
  EXPECT_EQ(ask.error().code, Errc::kForbidden);
  EXPECT_EQ(f.WaitCase("MEX-FGR", id, [](const Json&) { return true; })["state"], "acknowledged");
}

}  // namespace
}  // namespace tracenet::e2e
