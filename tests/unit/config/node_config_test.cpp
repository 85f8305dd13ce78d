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
