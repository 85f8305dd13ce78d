// A request that expires undelivered becomes a dead letter on its case; resent under the same
// message id once the recipient is back, it is delivered and answered exactly once.
#include <thread>

#include "federation_fixture.h"

namespace tracenet::e2e {
namespace {

TEST(DeadLetterTest, AnExpiredRequestIsADeadLetterAndResendingItDeliversItOnce) {
  Federation f({{"MEX-FGR", "MEX", "", false, "\n[limits]\nmessage_ttl_seconds = 3\n"}, {"USA-ATF", "USA", "generate"}});
  f.Start("MEX-FGR");  // USA-ATF stays down past the request's time to live
  const auto& w = f.known_weapon();
  std::string id = f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer);
  Json c = f.WaitCase("MEX-FGR", id, [](const Json& c) { return c["state"] == "undeliverable"; });
  EXPECT_NE(c["timeline"].back()["detail"].get<std::string>().find("expired"), std::string::npos) << c.dump();

  Json letters = f.Api("MEX-FGR").Get("/v1/dead-letters").value()["dead_letters"];
  ASSERT_EQ(letters.size(), 1u) << letters.dump();
  EXPECT_EQ(letters[0]["message_id"], id);
  EXPECT_EQ(letters[0]["recipient"], "USA-ATF");
  EXPECT_EQ(letters[0]["kind"], "TraceRequest");
  EXPECT_NE(letters[0]["reason"].get<std::string>().find("expired undelivered"), std::string::npos);
  EXPECT_EQ(f.Status("MEX-FGR")["counters"]["dead_letters"], 1);

  f.Start("USA-ATF");
  std::string command = std::string(TRACENET_BINARY) + " outbox --config " + f.layout("MEX-FGR").config_path +
                        " resend " + id + " > /dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0);
  Json answered = f.WaitCase("MEX-FGR", id, [](const Json& c) { return c["state"] == "answered"; });
  EXPECT_EQ(answered["outcome"], "found");
  bool resent = false;
  for (const Json& e : answered["timeline"]) resent = resent || e["event"] == "resent";
  EXPECT_TRUE(resent) << answered["timeline"].dump();
  EXPECT_TRUE(f.Api("MEX-FGR").Get("/v1/dead-letters").value()["dead_letters"].empty());
  EXPECT_EQ(f.Cases("USA-ATF").size(), 1u);  // one effect at the recipient
  // Nothing left to resend.
  EXPECT_NE(std::system(command.c_str()), 0);
}

}  // namespace
}  // namespace tracenet::e2e
