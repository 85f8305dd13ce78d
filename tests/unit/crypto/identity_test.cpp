#include "node/crypto/identity.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "tests/support/temp_dir.h"

#include "node/crypto/primitives.h"

namespace tracenet::crypto {
namespace {

using ::tracenet::test_support::FreshTempDir;

TEST(IdentityTest, WritesOwnerOnlyFilesAndLoadsTheSameKeys) {
  ASSERT_TRUE(Init());
  std::string dir = FreshTempDir("identity_roundtrip");
  Identity id = GenerateIdentity();
  ASSERT_TRUE(WriteIdentity(dir, id));
  struct stat st {};
  ASSERT_EQ(0, ::stat((dir + "/sign.key").c_str(), &st));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = LoadIdentity(dir);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->pub.sign_public, id.pub.sign_public);
  EXPECT_EQ(loaded->pub.enc_public, id.pub.enc_public);
  EXPECT_EQ(loaded->pub.transport_public, id.pub.transport_public);
  EXPECT_EQ(loaded->pub.sign_key_id, id.pub.sign_key_id);
}

TEST(IdentityTest, RefusesAKeyFileThatOthersCanRead) {
  ASSERT_TRUE(Init());
  std::string dir = FreshTempDir("identity_perm");
  ASSERT_TRUE(WriteIdentity(dir, GenerateIdentity()));
  ::chmod((dir + "/enc.key").c_str(), 0644);
  auto loaded = LoadIdentity(dir);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, Errc::kPermission);
  EXPECT_NE(loaded.error().message.find("enc.key"), std::string::npos);
  EXPECT_NE(loaded.error().message.find("0644"), std::string::npos);
}

TEST(IdentityTest, RefusesToOverwriteExistingKeys) {
  ASSERT_TRUE(Init());
  std::string dir = FreshTempDir("identity_overwrite");
  Identity first = GenerateIdentity();
  ASSERT_TRUE(WriteIdentity(dir, first));
  EXPECT_FALSE(WriteIdentity(dir, GenerateIdentity()));
  EXPECT_EQ(LoadIdentity(dir)->pub.sign_public, first.pub.sign_public);
}

TEST(IdentityTest, RefusesAMalformedKeyFile) {
  ASSERT_TRUE(Init());
  std::string dir = FreshTempDir("identity_malformed");
  ASSERT_TRUE(WriteIdentity(dir, GenerateIdentity()));
  FILE* f = std::fopen((dir + "/sign.key").c_str(), "w");
  std::fputs("ed25519-secret nothex\n", f);
  std::fclose(f);
  auto loaded = LoadIdentity(dir);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("sign.key"), std::string::npos);
}

}  // namespace
}  // namespace tracenet::crypto
