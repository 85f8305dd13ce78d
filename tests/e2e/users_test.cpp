// Local users and roles on a real node: the operator adds a user of each role; each token opens
// what its role allows and gets 403 (recorded in the audit log) for the rest; a revoked token
// opens nothing; the store keeps no token, only hashes; actions are attributed to their users.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "federation_fixture.h"

namespace tracenet::e2e {
namespace {

int StatusOf(const Result<Json>& r) {
  if (r) return 200;
  switch (r.error().code) {
    case Errc::kUnauthenticated: return 401;
    case Errc::kForbidden: return 403;
    default: return 0;  // some other refusal: the call got past the role check
  }
}

TEST(UsersTest, EachRoleOpensWhatItMayAndNothingElse) {
  Federation f({{"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "generate", /*hold_for_review=*/true}});
  f.Start("MEX-FGR");
  f.Start("USA-ATF");
  int port = 0;
  std::ifstream(f.layout("MEX-FGR").dir + "/data/api.port") >> port;
  ASSERT_GT(port, 0);
  api::ApiClient op = f.Api("MEX-FGR");
  std::map<std::string, std::string> tokens;
  for (const char* role : {"submitter", "responder", "auditor", "admin"}) {
    auto r = op.Post("/v1/users", {{"name", std::string("u-") + role}, {"role", role}});
    ASSERT_TRUE(r) << r.error().message;
    tokens[role] = (*r)["token"];
  }
  auto dup = op.Post("/v1/users", {{"name", "u-admin"}, {"role", "admin"}});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::kConflict);
  EXPECT_FALSE(op.Post("/v1/users", {{"name", "bad name!"}, {"role", "admin"}}));
  EXPECT_FALSE(op.Post("/v1/users", {{"name", "x"}, {"role", "overlord"}}));
  auto as = [&](const std::string& role) { return api::ApiClient("127.0.0.1", port, tokens.at(role)); };

  const std::string id(32, '0');
  Json trace = f.TraceRequest("USA-ATF", "RT-1", "Glock");
  struct Call {
    std::string name;
    std::function<Result<Json>(api::ApiClient&)> run;
    std::set<std::string> allowed;
  };
  std::vector<Call> calls = {
      {"list traces", [](api::ApiClient& c) { return c.Get("/v1/traces"); }, {"submitter", "responder", "auditor", "admin"}},
      {"submit", [&](api::ApiClient& c) { return c.Post("/v1/traces", trace); }, {"submitter", "admin"}},
      {"inbox", [](api::ApiClient& c) { return c.Get("/v1/inbox"); }, {"responder", "admin"}},
      {"review", [&](api::ApiClient& c) { return c.Post("/v1/traces/" + id + "/review", {{"action", "approve"}}); }, {"responder", "admin"}},
      {"stolen search", [](api::ApiClient& c) { return c.Post("/v1/stolen/searches", {{"serial", "GLK482913"}}); }, {"submitter", "admin"}},
      {"stolen hits", [](api::ApiClient& c) { return c.Get("/v1/stolen/hits"); }, {"submitter", "responder", "auditor", "admin"}},
      {"decide hit", [&](api::ApiClient& c) { return c.Post("/v1/stolen/hits/" + std::string(32, 'a'), {{"decision", "confirm"}}); }, {"responder", "admin"}},
      {"audit verify", [](api::ApiClient& c) { return c.Get("/v1/audit/verify"); }, {"auditor", "admin"}},
      {"users", [](api::ApiClient& c) { return c.Get("/v1/users"); }, {"admin"}},
      {"dead letters", [](api::ApiClient& c) { return c.Get("/v1/dead-letters"); }, {"admin"}},
  };
  for (const Call& call : calls)
    for (const auto& [role, token] : tokens) {
      api::ApiClient client = as(role);
      auto r = call.run(client);
      int status = StatusOf(r);
      if (call.allowed.count(role)) {
        EXPECT_NE(status, 403) << role << " " << call.name << ": " << r.error().message;
        EXPECT_NE(status, 401) << role << " " << call.name;
      } else {
        EXPECT_EQ(status, 403) << role << " " << call.name;
        if (!r) {
          EXPECT_NE(r.error().message.find("user u-" + role + " (" + role + ") may not"), std::string::npos)
              << r.error().message;
        }
      }
    }
  api::ApiClient nobody("127.0.0.1", port, "tn_" + std::string(64, 'f'));
  EXPECT_EQ(StatusOf(nobody.Get("/v1/traces")), 401);

  // Revoked: the token opens nothing; the name stays listed.
  ASSERT_TRUE(op.Post("/v1/users/u-submitter/revoke", Json::object()));
  EXPECT_EQ(StatusOf(as("submitter").Get("/v1/traces")), 401);
  Json users = op.Get("/v1/users").value()["users"];
  bool listed_revoked = false;
  for (const Json& u : users)
    if (u["name"] == "u-submitter") listed_revoked = !u["revoked_at"].is_null();
  EXPECT_TRUE(listed_revoked) << users.dump();

  // The store holds hashes, never a token.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(f.layout("MEX-FGR").dir + "/data")) {
    if (!entry.is_regular_file() || entry.path().filename() == "api.token") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    for (const auto& [role, token] : tokens)
      EXPECT_EQ(content.str().find(token), std::string::npos) << role << "'s token is in " << entry.path();
  }

  // Attributed: the user who added users, the refusals, and a submission.
  ASSERT_TRUE(as("admin").Post("/v1/users", {{"name", "u-later"}, {"role", "auditor"}}));
  Json audit = as("auditor").Get("/v1/audit/export").value();
  bool created_by_admin = false, refusal = false, submitted_by_submitter = false;
  for (const Json& e : audit["entries"]) {
    if (e["event"] == "submitted" && e["actor"] == "u-submitter") submitted_by_submitter = true;
    if (e["event"] == "user created" && e["subject"] == "u-later" && e["actor"] == "u-admin") created_by_admin = true;
    if (e["event"] == "call refused" && e["actor"] == "u-auditor" && e["subject"] == "POST /v1/traces") refusal = true;
  }
  EXPECT_TRUE(created_by_admin);
  EXPECT_TRUE(refusal);
  EXPECT_TRUE(submitted_by_submitter);
}

}  // namespace
}  // namespace tracenet::e2e

namespace tracenet::e2e {
namespace {

TEST(UsersTest, AUserOverItsRequestRateIsToldToWaitAndThenServed) {
  demo::NodeSpec mex{"MEX-FGR", "MEX", ""};
  mex.api_config = "requests_per_second = 20\n";
  Federation f({mex, {"USA-ATF", "USA", ""}});
  f.Start("MEX-FGR");
  api::ApiClient op = f.Api("MEX-FGR");
  size_t served = 0, refused = 0;
  std::string message;
  for (int i = 0; i < 60; ++i) {
    auto r = op.Get("/v1/status");
    if (r) {
      ++served;
    } else {
      ++refused;
      message = r.error().message;
    }
  }
  EXPECT_GT(refused, 0u);
  EXPECT_LT(served, 60u);
  EXPECT_NE(message.find("exceeds 20 requests per second"), std::string::npos) << message;
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_TRUE(op.Get("/v1/status"));  // the bucket refilled
}

}  // namespace
}  // namespace tracenet::e2e
