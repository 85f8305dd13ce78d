// Operations endpoints of running nodes: /readyz answers without a token, /metrics (with one)
// is valid Prometheus text and says what an operator watches: queue depth and the age of the
// oldest queued message per peer, commit and registry latency, overdue cases.
#include <regex>
#include <thread>
#include <sstream>

#include "federation_fixture.h"

namespace tracenet::e2e {
namespace {

// The value of the sample `name{labels}` in Prometheus text, or -1 when absent.
double Sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  return -1;
}

TEST(OpsTest, ReadyzAndMetricsTellAnOperatorWhatIsQueuedHowOldAndHowFast) {
  Federation f({{"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "generate"}});
  f.Start("MEX-FGR");
  EXPECT_TRUE(f.Api("MEX-FGR").GetText("/readyz", /*authorised=*/false)) << "readiness needs no token";
  EXPECT_FALSE(f.Api("MEX-FGR").GetText("/metrics", /*authorised=*/false)) << "metrics need the token";

  // USA-ATF is down: the trace waits in MEX-FGR's queue and ages.
  const auto& w = f.known_weapon();
  std::string id = f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  std::string text = f.Api("MEX-FGR").GetText("/metrics").value();
  std::regex line_format(R"(^(# (HELP|TYPE) .*|[a-z_]+(\{([a-z_]+="[^"]*",?)*\})? -?[0-9.e+-]+|)$)");
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) EXPECT_TRUE(std::regex_match(line, line_format)) << line;
  EXPECT_EQ(Sample(text, "tracenet_peer_queue_messages{peer=\"USA-ATF\"}"), 1);
  EXPECT_GE(Sample(text, "tracenet_peer_oldest_message_age_seconds{peer=\"USA-ATF\"}"), 1.0);
  EXPECT_EQ(Sample(text, "tracenet_peer_link_up{peer=\"USA-ATF\"}"), 0);
  EXPECT_GE(Sample(text, "tracenet_commit_latency_seconds_count"), 1);
  EXPECT_EQ(Sample(text, "tracenet_cases_overdue"), 0);

  f.Start("USA-ATF");
  f.WaitCase("MEX-FGR", id, [](const Json& c) { return c["state"] == "answered"; });
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // the next status turn
  text = f.Api("MEX-FGR").GetText("/metrics").value();
  EXPECT_EQ(Sample(text, "tracenet_peer_queue_messages{peer=\"USA-ATF\"}"), 0);
  EXPECT_EQ(Sample(text, "tracenet_peer_oldest_message_age_seconds{peer=\"USA-ATF\"}"), 0);
  std::string usa = f.Api("USA-ATF").GetText("/metrics").value();
  EXPECT_EQ(Sample(usa, "tracenet_registry_lookups_total"), 1);
  EXPECT_EQ(Sample(usa, "tracenet_registry_lookup_latency_seconds_count"), 1);
  EXPECT_EQ(Sample(usa, "tracenet_registry_lookup_latency_seconds_bucket{le=\"+Inf\"}"), 1);
}

}  // namespace
}  // namespace tracenet::e2e
