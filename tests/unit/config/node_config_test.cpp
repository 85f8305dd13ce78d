#include "node/config/node_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace tracenet::config {
namespace {

std::string Write(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

const char* kValid = R"(
[node]
id = "MEX-FGR"
country = "MEX"
data_dir = "data"
keys_dir = "keys"
peers_file = "peers.toml"
listen = "tcp://127.0.0.1:7401"
)";

TEST(NodeConfigTest, LoadsAValidConfigAndResolvesPathsBesideIt) {
  Write("peers.toml", "");
  auto c = LoadNodeConfig(Write("valid.toml", kValid));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->id, "MEX-FGR");
  EXPECT_EQ(c->data_dir, (std::filesystem::path(::testing::TempDir()) / "data").lexically_normal().string());
  EXPECT_TRUE(c->peers.empty());
}

TEST(NodeConfigTest, ARelativeConfigPathPutsTheApiFilesInItsDataDirOnce) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(::testing::TempDir()) / "relative-config";
  fs::create_directories(dir);
  std::ofstream(dir / "peers.toml") << "";
  std::ofstream(dir / "node.toml") << kValid;
  fs::path relative = fs::relative(dir / "node.toml", fs::current_path());
  ASSERT_TRUE(relative.is_relative());
  auto c = LoadNodeConfig(relative.string());
  ASSERT_TRUE(c) << c.error().message;
  fs::path data = (relative.parent_path() / "data").lexically_normal();
  EXPECT_EQ(fs::path(c->data_dir).lexically_normal(), data);
  EXPECT_EQ(fs::path(c->api_token_file).lexically_normal(), data / "api.token");
  EXPECT_EQ(fs::path(c->api_port_file).lexically_normal(), data / "api.port");
}

TEST(NodeConfigTest, MissingFieldIsNamed) {
  std::string text = kValid;
  text.replace(text.find("id = \"MEX-FGR\"\n"), 15, "");
  auto c = LoadNodeConfig(Write("missing.toml", text));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Errc::kConfig);
  EXPECT_NE(c.error().message.find("[node] id is missing"), std::string::npos) << c.error().message;
}

TEST(NodeConfigTest, WrongTypeAndOutOfRangeValuesAreNamed) {
  Write("peers.toml", "");
  auto c = LoadNodeConfig(Write("wrongtype.toml", std::string(kValid) + "[limits]\nmax_message_bytes = \"big\"\n"));
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("[limits] max_message_bytes must be a whole number"), std::string::npos);
  c = LoadNodeConfig(Write("public_api.toml", std::string(kValid) + "[api]\nlisten = \"0.0.0.0:8080\"\n"));
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("[api] listen"), std::string::npos);
}

TEST(NodeConfigTest, SyntaxErrorsGiveTheLine) {
  auto c = LoadNodeConfig(Write("syntax.toml", "[node]\nid = \n"));
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("line 2"), std::string::npos) << c.error().message;
}

TEST(NodeConfigTest, PeerWithABadKeyIsNamed) {
  std::string peers = Write("badpeers.toml", "[[peer]]\nid = \"USA-ATF\"\nsign_key = \"00\"\n");
  auto p = LoadPeers(peers);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("USA-ATF.sign_key must be 64 hex digits"), std::string::npos) << p.error().message;
}

}  // namespace
}  // namespace tracenet::config

namespace tracenet::config {
namespace {

TEST(NodeConfigTest, ReviewPolicyHasADefaultAndPerStateExceptions) {
  Write("peers.toml", "");
  auto c = LoadNodeConfig(Write("review.toml", std::string(kValid) +
                                                   "\n[review]\ndefault = \"hold\"\nauto = [\"USA-ATF\"]\nhold = [\"COL-DIJIN\"]\n"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->review_hold_by_default);
  EXPECT_FALSE(c->review_hold_for.at("USA-ATF"));
  EXPECT_TRUE(c->review_hold_for.at("COL-DIJIN"));

  auto bad = LoadNodeConfig(Write("review-bad.toml", std::string(kValid) + "\n[review]\ndefault = \"sometimes\"\n"));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("[review] default must be \"auto\" or \"hold\""), std::string::npos) << bad.error().message;
  auto both = LoadNodeConfig(Write("review-both.toml", std::string(kValid) + "\n[review]\nhold = [\"A\"]\nauto = [\"A\"]\n"));
  ASSERT_FALSE(both);
  EXPECT_NE(both.error().message.find("names A twice or in both"), std::string::npos) << both.error().message;
  auto old = LoadNodeConfig(Write("review-old.toml", std::string(kValid) + "\n[trace]\nauto_answer = false\n"));
  ASSERT_FALSE(old);
  EXPECT_NE(old.error().message.find("replaced by [review] default"), std::string::npos) << old.error().message;
}

}  // namespace
}  // namespace tracenet::config
