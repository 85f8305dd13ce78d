#include "node/crypto/identity.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstring>
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

TEST(IdentityTest, RotationKeepsTheOldKeysAsPreviousAndTheStorageKey) {
  ASSERT_TRUE(Init());
  std::string dir = FreshTempDir("identity_rotate");
  Identity old = GenerateIdentity();
  ASSERT_TRUE(WriteIdentity(dir, old));
  auto rotated = RotateIdentity(dir);
  ASSERT_TRUE(rotated) << rotated.error().message;
  auto current = LoadIdentity(dir);
  auto previous = LoadIdentity(dir + "/previous");
  ASSERT_TRUE(current && previous);
  EXPECT_EQ(current->pub.sign_public, rotated->pub.sign_public);
  EXPECT_NE(current->pub.sign_public, old.pub.sign_public);
  EXPECT_NE(current->pub.enc_public, old.pub.enc_public);
  EXPECT_NE(current->pub.transport_public, old.pub.transport_public);
  EXPECT_EQ(previous->pub.enc_public, old.pub.enc_public);
  EXPECT_EQ(0, std::memcmp(current->storage_key.data(), old.storage_key.data(), 32)) << "stored data stays readable";
  EXPECT_FALSE(std::filesystem::exists(dir + "/.rotating"));

  // A second rotation while previous/ still holds the first's keys is refused and changes nothing.
  auto again = RotateIdentity(dir);
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("previous"), std::string::npos);
  EXPECT_EQ(LoadIdentity(dir)->pub.sign_public, rotated->pub.sign_public);
  EXPECT_EQ(LoadIdentity(dir + "/previous")->pub.sign_public, old.pub.sign_public);
}

TEST(IdentityTest, ARotationInterruptedWhileInstallingFinishesWithTheStagedKeys) {
  ASSERT_TRUE(Init());
  std::string dir = FreshTempDir("identity_rotate_half");
  Identity old = GenerateIdentity();
  ASSERT_TRUE(WriteIdentity(dir, old));
  Identity staged = GenerateIdentity();
  staged.storage_key = old.storage_key;
  ASSERT_TRUE(WriteIdentity(dir + "/previous", old));
  ASSERT_TRUE(WriteIdentity(dir + "/.rotating", staged));
  // The sign key was already installed when the process died.
  std::filesystem::rename(dir + "/.rotating/sign.key", dir + "/sign.key");
  auto rotated = RotateIdentity(dir);
  ASSERT_TRUE(rotated) << rotated.error().message;
  EXPECT_EQ(rotated->pub.sign_public, staged.pub.sign_public);
  EXPECT_EQ(rotated->pub.enc_public, staged.pub.enc_public);
  EXPECT_EQ(rotated->pub.transport_public, staged.pub.transport_public);
  EXPECT_EQ(LoadIdentity(dir + "/previous")->pub.enc_public, old.pub.enc_public);
}

TEST(IdentityTest, AnUnreadablePreviousKeyDirectoryStopsARotation) {
  ASSERT_TRUE(Init());
  std::string dir = FreshTempDir("identity_rotate_bad_previous");
  Identity old = GenerateIdentity();
  ASSERT_TRUE(WriteIdentity(dir, old));
  std::filesystem::create_directories(dir + "/previous");  // empty: its keys are gone
  auto rotated = RotateIdentity(dir);
  ASSERT_FALSE(rotated);
  EXPECT_NE(rotated.error().message.find("previous"), std::string::npos) << rotated.error().message;
  EXPECT_EQ(LoadIdentity(dir)->pub.sign_public, old.pub.sign_public);  // the current keys are untouched
}

TEST(IdentityTest, ARotationInterruptedAfterSavingThePreviousKeysCanBeRunAgain) {
  ASSERT_TRUE(Init());
  std::string dir = FreshTempDir("identity_rotate_resume");
  Identity old = GenerateIdentity();
  ASSERT_TRUE(WriteIdentity(dir, old));
  ASSERT_TRUE(WriteIdentity(dir + "/previous", old));  // the state a crash after step 2 leaves
  ASSERT_TRUE(WriteIdentity(dir + "/.rotating", GenerateIdentity()));
  auto rotated = RotateIdentity(dir);
  ASSERT_TRUE(rotated) << rotated.error().message;
  EXPECT_NE(LoadIdentity(dir)->pub.sign_public, old.pub.sign_public);
  EXPECT_EQ(LoadIdentity(dir + "/previous")->pub.sign_public, old.pub.sign_public);
}

}  // namespace
}  // namespace tracenet::crypto
