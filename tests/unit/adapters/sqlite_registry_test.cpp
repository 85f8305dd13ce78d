#include "adapters/sqlite/sqlite_registry.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "adapters/sdk/normalise.h"
#include "node/demo/registry_generator.h"

namespace tracenet::adapters {
namespace {

class SqliteRegistryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path = new std::string(::testing::TempDir() + "/registry" + std::to_string(::getpid()) + ".sqlite");
    auto generated = demo::GenerateRegistry(*path, {"USA", 2000, 42});
    ASSERT_TRUE(generated) << generated.error().message;
    weapon = new demo::GeneratedWeapon(*generated);
  }
  static void TearDownTestSuite() { std::filesystem::remove(*path); }
  static inline std::string* path;
  static inline demo::GeneratedWeapon* weapon;
};

TEST_F(SqliteRegistryTest, FindsAWeaponWithItsCustodyChainInOrder) {
  auto registry = SqliteRegistry::Open(*path);
  ASSERT_TRUE(registry) << registry.error().message;
  auto found = (*registry)->Lookup({weapon->serial, weapon->manufacturer});
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->outcome, FindingOutcome::kFound);
  ASSERT_GE(found->chain.size(), 4u);
  EXPECT_EQ(found->chain.front().role, "exporter");
  EXPECT_EQ(found->chain.back().role, "first_retail_purchaser");
  for (size_t i = 0; i + 1 < found->chain.size(); ++i) {
    EXPECT_LE(found->chain[i].date_in, found->chain[i + 1].date_in);
    EXPECT_EQ(found->chain[i].date_out, found->chain[i + 1].date_in);
  }
}

TEST_F(SqliteRegistryTest, FindsNormalisedSerialFormsAndMakeAliases) {
  auto registry = SqliteRegistry::Open(*path);
  std::string messy;
  for (char c : weapon->serial) messy += std::string(1, static_cast<char>(std::tolower(c))) + " ";
  auto found = (*registry)->Lookup({messy, weapon->manufacturer});
  ASSERT_TRUE(found);
  EXPECT_NE(found->outcome, FindingOutcome::kNoRecord);
  EXPECT_EQ(NormaliseMake("S&W"), NormaliseMake("Smith & Wesson"));
  EXPECT_EQ(NormaliseSerial("o12-3"), "0123");
}

TEST_F(SqliteRegistryTest, UnknownSerialOrOtherMakeIsNoRecord) {
  auto registry = SqliteRegistry::Open(*path);
  EXPECT_EQ((*registry)->Lookup({"NOPE-000000", weapon->manufacturer})->outcome, FindingOutcome::kNoRecord);
  EXPECT_EQ((*registry)->Lookup({weapon->serial, "Some Other Maker"})->outcome, FindingOutcome::kNoRecord);
  EXPECT_EQ((*registry)->Lookup({"", ""})->outcome, FindingOutcome::kNoRecord);
}

TEST_F(SqliteRegistryTest, InjectionLikeInputIsTreatedAsData) {
  auto registry = SqliteRegistry::Open(*path);
  auto r = (*registry)->Lookup({"' OR 1=1 --", "x'; DROP TABLE weapons; --"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, FindingOutcome::kNoRecord);
  EXPECT_TRUE((*registry)->Health());
}

TEST_F(SqliteRegistryTest, DatabaseWithoutTheDocumentedTablesIsAConfigError) {
  std::string empty = ::testing::TempDir() + "/empty" + std::to_string(::getpid()) + ".sqlite";
  std::filesystem::remove(empty);
  sqlite3* db = nullptr;
  sqlite3_open(empty.c_str(), &db);
  sqlite3_exec(db, "CREATE TABLE unrelated (x)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto registry = SqliteRegistry::Open(empty);
  ASSERT_FALSE(registry);
  EXPECT_EQ(registry.error().code, Errc::kConfig);
  EXPECT_FALSE(SqliteRegistry::Open("/nonexistent/registry.sqlite"));
}

}  // namespace
}  // namespace tracenet::adapters
