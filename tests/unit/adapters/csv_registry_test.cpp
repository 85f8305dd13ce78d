// The CSV adapter on real files: quoting, malformed rows, header mapping errors, reloading.
#include "adapters/csv/csv_registry.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/unit/adapters/adapter_test_support.h"

namespace tracenet::adapters {
namespace {

using namespace test_support;

constexpr const char* kHeader = "serial,manufacturer,model,role,name,date_in\n";

class CsvRegistryTest : public ::testing::Test {
 protected:
  std::string dir = tracenet::test_support::FreshTempDir("csv-registry");
  std::unique_ptr<CsvRegistry> Open(const std::string& text, int reload_ms = 0) {
    WriteText(dir + "/registry.csv", text);
    auto reg = CsvRegistry::Open({dir + "/registry.csv", false, ',', reload_ms, {}, {}});
    EXPECT_TRUE(reg) << reg.error().message;
    return reg ? std::move(reg.value()) : nullptr;
  }
};

TEST_F(CsvRegistryTest, QuotedFieldsKeepCommasQuotesAndLineBreaks) {
  auto reg = Open(std::string(kHeader) +
                  "Q-1,Glock,G17,manufacturer,\"Glock, \"\"Ges.m.b.H.\"\"\",2015-01-01\n"
                  "Q-1,Glock,G17,last_known_legal_holder,\"Line one\nline two\",2016-01-01\r\n"
                  "Q-2,Glock,G19,manufacturer,Plain,2017-01-01");  // no final newline
  ASSERT_TRUE(reg);
  auto found = reg->Lookup({"Q-1", "Glock"});
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->chain.size(), 2u);
  EXPECT_EQ(found->chain[0].name, "Glock, \"Ges.m.b.H.\"");
  EXPECT_EQ(found->chain[1].name, "Line one\nline two");
  EXPECT_EQ(found->outcome, FindingOutcome::kFound);
  auto last = reg->Lookup({"Q-2", "Glock"});
  ASSERT_TRUE(last);
  EXPECT_EQ(last->chain.size(), 1u);
}

TEST_F(CsvRegistryTest, RowsWithTheWrongNumberOfFieldsAreSkippedAndTheRestServed) {
  auto reg = Open(std::string(kHeader) + "S-1,Glock,G17,manufacturer,Glock GmbH,2015-01-01\n"
                                         "S-2,Glock,G17,too,many,fields,here\n"
                                         "S-3,Glock\n"
                                         "S-4,Glock,G17,manufacturer,Glock GmbH,2015-01-01\n");
  ASSERT_TRUE(reg);
  EXPECT_EQ(reg->rows(), 2u);
  EXPECT_EQ(reg->Lookup({"S-1", "Glock"})->chain.size(), 1u);
  EXPECT_EQ(reg->Lookup({"S-4", "Glock"})->chain.size(), 1u);
  EXPECT_EQ(reg->Lookup({"S-2", "Glock"})->outcome, FindingOutcome::kNoRecord);
}

TEST_F(CsvRegistryTest, BrokenQuotingIsRefusedWithTheLineNumber) {
  WriteText(dir + "/broken.csv", std::string(kHeader) + "B-1,Glock,G17,manufacturer,\"unterminated\"x,2015\n");
  auto reg = CsvRegistry::Open({dir + "/broken.csv", false, ',', 0, {}, {}});
  ASSERT_FALSE(reg);
  EXPECT_NE(reg.error().message.find("line 2"), std::string::npos) << reg.error().message;
  EXPECT_NE(reg.error().message.find("malformed CSV"), std::string::npos) << reg.error().message;
}

TEST_F(CsvRegistryTest, AMappedColumnMissingFromTheHeaderIsNamed) {
  WriteText(dir + "/registry.csv", kHeader);
  auto reg = CsvRegistry::Open({dir + "/registry.csv", false, ',', 0, {{"serial", "Serial No."}}, {}});
  ASSERT_FALSE(reg);
  EXPECT_NE(reg.error().message.find("no column \"Serial No.\" (mapped to serial)"), std::string::npos)
      << reg.error().message;
}

TEST_F(CsvRegistryTest, UnknownSettingsAndBadEncodingsAreConfigErrors) {
  WriteText(dir + "/registry.csv", kHeader);
  auto typo = CreateAdapter(Config("csv", {{"path", "registry.csv"}, {"encodng", "latin-1"}}, dir), {});
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.error().message.find("[registry.csv] encodng is not a setting"), std::string::npos) << typo.error().message;
  auto encoding = CreateAdapter(Config("csv", {{"path", "registry.csv"}, {"encoding", "cp1252"}}, dir), {});
  ASSERT_FALSE(encoding);
  EXPECT_NE(encoding.error().message.find("must be \"utf-8\" or \"latin-1\""), std::string::npos);
}

TEST_F(CsvRegistryTest, AChangedFileIsReloadedAndABrokenOneLeavesTheLastGoodIndexServing) {
  auto reg = Open(std::string(kHeader) + "R-1,Glock,G17,manufacturer,Glock GmbH,2015-01-01\n", 50);
  ASSERT_TRUE(reg);
  EXPECT_EQ(reg->Lookup({"R-2", "Glock"})->outcome, FindingOutcome::kNoRecord);

  // An integrator's new export, written beside the old one and renamed into place.
  WriteText(dir + "/next.csv", std::string(kHeader) + "R-1,Glock,G17,manufacturer,Glock GmbH,2015-01-01\n"
                                                      "R-2,Glock,G19,manufacturer,Glock GmbH,2016-01-01\n");
  std::filesystem::rename(dir + "/next.csv", dir + "/registry.csv");
  for (int i = 0; i < 100 && reg->reloads() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(reg->reloads(), 1u);
  EXPECT_EQ(reg->Lookup({"R-2", "Glock"})->chain.size(), 1u);
  EXPECT_TRUE(reg->Health().ok());

  // A broken export: lookups keep being answered from the last good copy; Health says why.
  WriteText(dir + "/next.csv", "serial,manufacturer\n\"R-3,Glock\n");
  std::filesystem::rename(dir + "/next.csv", dir + "/registry.csv");
  Status health = Status::Ok();
  for (int i = 0; i < 100 && (health = reg->Health()).ok(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_FALSE(health.ok());
  EXPECT_NE(health.error().message.find("serving the last good copy"), std::string::npos) << health.error().message;
  EXPECT_EQ(reg->Lookup({"R-2", "Glock"})->chain.size(), 1u);
  EXPECT_EQ(reg->reloads(), 1u);
}

}  // namespace
}  // namespace tracenet::adapters
