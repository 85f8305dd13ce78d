// The audit log of a running node: a trace's events are in it as they happen, `tracenet audit
// verify` checks it in place, and an exported bundle is checked by `tracenet audit verify-bundle`
// with nothing but the node's public signing key from its peer entry — and fails with another
// member's key or after one field is edited.
#include <fstream>
#include <regex>
#include <thread>

#include "federation_fixture.h"

namespace tracenet::e2e {
namespace {

std::string SignKeyOf(const demo::NodeLayout& layout) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(layout.public_entry, m, std::regex("sign_key = \"([0-9a-f]{64})\""))) << layout.public_entry;
  return m.size() > 1 ? m[1].str() : "";
}

int Tracenet(const std::string& args) { return std::system((std::string(TRACENET_BINARY) + " " + args + " > /dev/null 2>&1").c_str()); }

TEST(AuditTest, ATracesEventsAreInTheLogAndAnExportVerifiesWithThePublicKeyAlone) {
  Federation f({{"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "generate"}});
  f.Start("MEX-FGR");
  f.Start("USA-ATF");
  const auto& w = f.known_weapon();
  std::string id = f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer);
  f.WaitCase("MEX-FGR", id, [](const Json& c) { return c["state"] == "answered"; });

  std::string config = f.layout("MEX-FGR").config_path;
  EXPECT_EQ(Tracenet("audit verify --config " + config), 0);
  // --config goes before or after the subcommand, as the README prints it.
  EXPECT_EQ(Tracenet("trace list --config " + config), 0);
  EXPECT_EQ(Tracenet("trace --config " + config + " show " + id), 0);
  EXPECT_EQ(Tracenet("quarantine list --config " + config), 0);
  std::string bundle = f.root() + "/mex-audit.json";
  ASSERT_EQ(Tracenet("audit export --config " + config + " --out " + bundle), 0);
  Json exported = Json::parse(std::ifstream(bundle));
  std::set<std::string> events;
  for (const Json& e : exported["entries"])
    if (e["subject"].get<std::string>().find(id) != std::string::npos) events.insert(e["event"]);
  for (const char* e : {"submitted", "sent", "acknowledged", "answered"})
    EXPECT_TRUE(events.count(e)) << e << " missing from " << exported["entries"].dump();

  std::string mex_key = SignKeyOf(f.layout("MEX-FGR")), usa_key = SignKeyOf(f.layout("USA-ATF"));
  EXPECT_EQ(Tracenet("audit verify-bundle " + bundle + " --public-key " + mex_key), 0);
  EXPECT_NE(Tracenet("audit verify-bundle " + bundle + " --public-key " + usa_key), 0) << "another member's key";
  exported["entries"][1]["actor"] = "USA-ATF";
  std::ofstream(bundle + ".edited") << exported.dump();
  EXPECT_NE(Tracenet("audit verify-bundle " + bundle + ".edited --public-key " + mex_key), 0) << "one field edited";
}

// A peer's witness of a node's log goes from one CLI to the other: `audit witnesses` on USA-ATF
// writes what MEX-FGR's receipts told it, and `audit verify --witness` on MEX-FGR checks against it
// (a cut-off log failing that check is shown in tests/unit/audit/audit_witness_test.cpp).
TEST(AuditTest, APeersWitnessFileChecksTheNodesLogFromTheCommandLine) {
  Federation f({{"MEX-FGR", "MEX", ""}, {"USA-ATF", "USA", "generate"}});
  f.Start("MEX-FGR");
  f.Start("USA-ATF");
  const auto& w = f.known_weapon();
  for (int i = 0; i < 2; ++i) {  // the second request's answer is receipted with a checkpoint
    std::string id = f.Submit("MEX-FGR", "USA-ATF", w.serial, w.manufacturer);
    f.WaitCase("MEX-FGR", id, [](const Json& c) { return c["state"] == "answered"; });
  }
  std::string witnesses = f.root() + "/usa-witnesses.json";
  Json listed;
  for (int i = 0; i < 100; ++i) {  // the receipt reaches USA-ATF a moment after the answer lands
    ASSERT_EQ(Tracenet("audit witnesses --config " + f.layout("USA-ATF").config_path + " --member MEX-FGR --out " +
                       witnesses), 0);
    listed = Json::parse(std::ifstream(witnesses));
    if (!listed["witnesses"].empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(listed["witnesses"].size(), 1u) << listed.dump();
  EXPECT_EQ(listed["witnesses"][0]["member"], "MEX-FGR");
  EXPECT_EQ(Tracenet("audit verify --config " + f.layout("MEX-FGR").config_path + " --witness " + witnesses), 0);
  EXPECT_NE(Tracenet("audit verify --config " + f.layout("USA-ATF").config_path + " --witness " + witnesses), 0)
      << "a file with no witness for this node checks nothing and says so";
}

}  // namespace
}  // namespace tracenet::e2e
