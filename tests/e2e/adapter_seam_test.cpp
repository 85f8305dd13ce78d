// The registry seam between real nodes: the answering node's adapter hangs, prints garbage,
// exits or (as a plugin) segfaults on some traces. The node stays up, the other traces are
// answered, and each affected case says why on its timeline.
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "adapters/conformance/fixture.h"
#include "federation_fixture.h"

namespace tracenet::e2e {
namespace {

auto Answered = [](const Json& c) { return c["state"] == "answered"; };

std::string WriteFixture(const std::string& name, adapters::conformance::FixtureFormat format) {
  std::string path = ::testing::TempDir() + "/" + name + std::to_string(::getpid());
  std::ofstream(path) << *adapters::conformance::RenderFixture(format);
  return path;
}

// Misbehaving adapters are restarted, which takes a Python start-up each time: on a loaded
// machine that is seconds, so these waits allow more than the fixture's default.
constexpr int kAdapterWaitSeconds = 90;

// Waits until the case's timeline has `event` and returns that entry's detail.
std::string WaitForEvent(Federation& f, const std::string& node, const std::string& id, const std::string& event) {
  std::string detail;
  f.WaitCase(node, id, [&](const Json& c) {
    for (const Json& e : c["timeline"])
      if (e["event"] == event) {
        detail = e["detail"];
        return true;
      }
    return false;
  }, kAdapterWaitSeconds);
  return detail;
}

TEST(AdapterSeamTest, AProcessAdapterThatHangsPrintsGarbageOrExitsNeverStopsTheNode) {
  setenv("TRACENET_EXAMPLE_ADAPTER", (std::string(TRACENET_SOURCE_DIR) + "/examples/adapters/python_process/registry_adapter.py").c_str(), 1);
  std::string csv = WriteFixture("seam-fixture.csv", adapters::conformance::FixtureFormat::kCsv);
  demo::NodeSpec usa{"USA-ATF", "USA", ""};
  usa.registry_config = "[registry]\nadapter = \"process\"\ntimeout_ms = 1500\nretry_ms = 1000\n\n"
                        "[registry.process]\ncommand = [\"python3\", \"" TRACENET_SOURCE_DIR
                        "/tests/unit/adapters/scripts/misbehaving_adapter.py\"]\nprocesses = 2\n"
                        "pass_env = [\"TRACENET_EXAMPLE_ADAPTER\"]\n"
                        "settings = { data = \"" + csv + "\" }\n";
  Federation f({{"MEX-FGR", "MEX", ""}, usa});
  f.Start("MEX-FGR");
  f.Start("USA-ATF");

  std::string hang = f.Submit("MEX-FGR", "USA-ATF", "HANG-1", "Glock");
  std::string garbage = f.Submit("MEX-FGR", "USA-ATF", "GARBAGE-1", "Glock");
  std::string exits = f.Submit("MEX-FGR", "USA-ATF", "EXIT-1", "Glock");
  std::string found = f.Submit("MEX-FGR", "USA-ATF", "TNCK-1001", "Glock");
  std::string partial = f.Submit("MEX-FGR", "USA-ATF", "TNCK-1002", "S&W");

  EXPECT_EQ(f.WaitCase("MEX-FGR", found, Answered, kAdapterWaitSeconds)["outcome"], "found");
  EXPECT_EQ(f.WaitCase("MEX-FGR", partial, Answered, kAdapterWaitSeconds)["outcome"], "partial");
  EXPECT_NE(WaitForEvent(f, "USA-ATF", hang, "registry_delayed").find("did not answer"), std::string::npos);
  EXPECT_NE(WaitForEvent(f, "USA-ATF", garbage, "registry_error").find("malformed output"), std::string::npos);
  EXPECT_NE(WaitForEvent(f, "USA-ATF", exits, "registry_error").find("exited with status 3"), std::string::npos);
  for (const std::string& id : {hang, garbage, exits})
    EXPECT_NE(f.Api("USA-ATF").Get("/v1/traces/" + id)->at("state"), "responded");

  // Still up, still answering.
  EXPECT_TRUE(f.Running("USA-ATF"));
  std::string after = f.Submit("MEX-FGR", "USA-ATF", "AB-10O7", "FN");
  EXPECT_EQ(f.WaitCase("MEX-FGR", after, Answered)["outcome"], "found");
}

TEST(AdapterSeamTest, ASegfaultingPluginCostsOneCaseNotTheNode) {
  demo::NodeSpec usa{"USA-ATF", "USA", ""};
  usa.registry_config = "[registry]\nadapter = \"plugin\"\ntimeout_ms = 2000\nretry_ms = 600000\n\n"
                        "[registry.plugin]\npath = \"" MISBEHAVING_PLUGIN "\"\n";
  Federation f({{"MEX-FGR", "MEX", ""}, usa});
  f.Start("MEX-FGR");
  f.Start("USA-ATF");
  std::string crash = f.Submit("MEX-FGR", "USA-ATF", "SEGV", "Glock");
  std::string found = f.Submit("MEX-FGR", "USA-ATF", "TNCK-1001", "Glock");
  EXPECT_EQ(f.WaitCase("MEX-FGR", found, Answered)["outcome"], "found");
  EXPECT_NE(WaitForEvent(f, "USA-ATF", crash, "registry_error").find("killed by signal 11 (SIGSEGV)"), std::string::npos);
  EXPECT_TRUE(f.Running("USA-ATF"));
}

}  // namespace
}  // namespace tracenet::e2e
