// A local caller trying the API's edges: a foreign Host (DNS rebinding), a foreign Origin, JSON
// nested to exhaust memory, an oversized body on a route that takes small ones, and a user named
// like the node itself. Each is refused with a clear error and the node keeps serving.
#include <httplib.h>

#include <fstream>

#include "federation_fixture.h"
#include "node/common/file_util.h"

namespace tracenet::e2e {
namespace {

class ApiAbuseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f = std::make_unique<Federation>(std::vector<demo::NodeSpec>{{"MEX-FGR", "MEX", ""}});
    f->Start("MEX-FGR");
    std::ifstream(f->layout("MEX-FGR").dir + "/data/api.port") >> port;
    ASSERT_GT(port, 0);
    auto token = ReadFileBytes(f->layout("MEX-FGR").dir + "/data/api.token");
    ASSERT_TRUE(token);
    std::string t(AsString(*token));
    while (!t.empty() && t.back() == '\n') t.pop_back();
    auth = {{"Authorization", "Bearer " + t}};
  }
  httplib::Result Post(const std::string& path, const std::string& body, httplib::Headers extra = {}) {
    httplib::Client c("127.0.0.1", port);
    httplib::Headers h = auth;
    h.insert(extra.begin(), extra.end());
    return c.Post(path.c_str(), h, body, "application/json");
  }
  std::unique_ptr<Federation> f;
  int port = 0;
  httplib::Headers auth;
};

TEST_F(ApiAbuseTest, AForeignHostOrOriginIsRefused) {
  httplib::Client c("127.0.0.1", port);
  httplib::Headers rebinding = auth;
  rebinding.emplace("Host", "attacker.example:8401");
  auto rebound = c.Get("/v1/status", rebinding);
  ASSERT_TRUE(rebound);
  EXPECT_EQ(rebound->status, 421) << rebound->body;
  EXPECT_NE(rebound->body.find("wrong_host"), std::string::npos);
  auto console = c.Get("/console/", {{"Host", "attacker.example"}});
  ASSERT_TRUE(console);
  EXPECT_EQ(console->status, 421);  // the console too: a rebinding page gets nothing
  auto cross = Post("/v1/users", R"({"name":"x1","role":"auditor"})", {{"Origin", "http://attacker.example"}});
  ASSERT_TRUE(cross);
  EXPECT_EQ(cross->status, 403) << cross->body;
  EXPECT_NE(cross->body.find("cross_origin"), std::string::npos);
  auto own = c.Get("/healthz", {{"Host", "localhost:" + std::to_string(port)}});
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200);
}

TEST_F(ApiAbuseTest, DeepOrOversizedBodiesAreRefusedBeforeTheyAreBuilt) {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  auto r = Post("/v1/users", deep);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_NE(r->body.find("too_deep"), std::string::npos) << r->body;
  r = Post("/v1/traces", deep);  // a photo route: large bodies allowed, deep ones still not
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  std::string big = R"({"name":"x2","role":"auditor","pad":")" + std::string(2 << 20, 'a') + "\"}";
  r = Post("/v1/users", big);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413) << r->body.substr(0, 200);
  // Nothing was created, and the node still serves.
  auto users = f->Api("MEX-FGR").Get("/v1/users");
  ASSERT_TRUE(users) << users.error().message;
  EXPECT_EQ(users->dump().find("x2"), std::string::npos);
  EXPECT_TRUE(f->Api("MEX-FGR").Get("/v1/status"));
}

TEST_F(ApiAbuseTest, AUserCannotBeNamedLikeTheNodeItself) {
  for (const char* name : {"operator", "Node", "SYSTEM"}) {
    auto r = f->Api("MEX-FGR").Post("/v1/users", {{"name", name}, {"role", "admin"}});
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
    EXPECT_NE(r.error().message.find("reserved"), std::string::npos) << r.error().message;
  }
  auto member = f->Api("MEX-FGR").Post("/v1/users", {{"name", "mex-fgr"}, {"role", "admin"}});
  ASSERT_FALSE(member);
  EXPECT_NE(member.error().message.find("is a member id"), std::string::npos) << member.error().message;
  EXPECT_TRUE(f->Api("MEX-FGR").Post("/v1/users", {{"name", "operator2"}, {"role", "auditor"}}));
}

}  // namespace
}  // namespace tracenet::e2e
