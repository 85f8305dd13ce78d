// Plugins through the C ABI: version checks at load, and a crashing plugin isolated in its
// host process.
#include "adapters/plugin/plugin_adapter.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <thread>

#include "tests/unit/adapters/adapter_test_support.h"

namespace tracenet::adapters {
namespace {

using namespace test_support;

TEST(PluginAdapterTest, APluginBuiltForAnotherAbiVersionIsRefusedWithBothVersions) {
  auto plugin = PluginAdapter::Load(FUTURE_ABI_PLUGIN, nlohmann::json::object());
  ASSERT_FALSE(plugin);
  EXPECT_EQ(plugin.error().code, Errc::kConfig);
  EXPECT_NE(plugin.error().message.find("built for adapter ABI version 2 and this node supports version 1"),
            std::string::npos)
      << plugin.error().message;
}

TEST(PluginAdapterTest, ALibraryOthersCanReplaceIsNotLoaded) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(::testing::TempDir()) / ("plugin-perm-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);
  fs::path copy = dir / "registry.so";
  fs::copy_file(EXAMPLE_C_PLUGIN, copy, fs::copy_options::overwrite_existing);
  fs::permissions(copy, fs::perms::owner_all | fs::perms::group_all | fs::perms::others_read);  // 0774
  auto plugin = PluginAdapter::Load(copy.string(), nlohmann::json::object());
  ASSERT_FALSE(plugin);
  EXPECT_NE(plugin.error().message.find("is writable by other users"), std::string::npos) << plugin.error().message;
  fs::permissions(copy, fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read);  // 0744
  fs::permissions(dir, fs::perms::others_write, fs::perm_options::add);
  plugin = PluginAdapter::Load(copy.string(), nlohmann::json::object());
  ASSERT_FALSE(plugin);  // its directory lets others swap it
  EXPECT_NE(plugin.error().message.find("is writable by other users"), std::string::npos) << plugin.error().message;
  fs::permissions(dir, fs::perms::others_write, fs::perm_options::remove);
  plugin = PluginAdapter::Load(copy.string(), nlohmann::json::object());  // owner-only writes: past the check
  if (!plugin) {
    EXPECT_EQ(plugin.error().message.find("writable"), std::string::npos) << plugin.error().message;
  }
  fs::remove_all(dir);
}

TEST(PluginAdapterTest, ALibraryWithoutTheEntryPointIsRefused) {
  auto plugin = PluginAdapter::Load(LIBRARY_WITHOUT_ENTRY, nlohmann::json::object());
  ASSERT_FALSE(plugin);
  EXPECT_NE(plugin.error().message.find("does not export tracenet_adapter_plugin_v1"), std::string::npos)
      << plugin.error().message;
  auto missing = PluginAdapter::Load("/nonexistent/plugin.so", nlohmann::json::object());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("cannot load adapter plugin /nonexistent/plugin.so"), std::string::npos);
}

TEST(PluginAdapterTest, ASegfaultingPluginCostsOneLookupAndItsHostIsRestarted) {
  std::string dir = tracenet::test_support::FreshTempDir("plugin-crash");
  std::filesystem::create_directories(dir);
  auto adapter = CreateAdapter(Config("plugin", {{"path", MISBEHAVING_PLUGIN}, {"processes", 1}}, dir, 2000),
                               {2000, TRACENET_BINARY});
  ASSERT_TRUE(adapter) << adapter.error().message;
  auto crashed = (*adapter)->Lookup({"SEGV", "Glock"});
  ASSERT_FALSE(crashed);
  EXPECT_EQ(crashed.error().code, Errc::kUnavailable);
  EXPECT_NE(crashed.error().message.find("killed by signal 11 (SIGSEGV)"), std::string::npos) << crashed.error().message;
  Result<Findings> next = (*adapter)->Lookup({"TNCK-1001", "Glock"});
  for (int i = 0; i < 50 && !next; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    next = (*adapter)->Lookup({"TNCK-1001", "Glock"});
  }
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(next->outcome, FindingOutcome::kFound);
  EXPECT_EQ(next->chain[0].date_out, "2016-02-20");  // filled in by the node's side
  auto failed = (*adapter)->Lookup({"FAIL", "Glock"});
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("registry database is offline"), std::string::npos) << failed.error().message;
}

}  // namespace
}  // namespace tracenet::adapters
