// The conformance battery against every built-in adapter on real storage and both examples.
// (PostgreSQL: tests/unit/adapters/postgres_registry_test.cpp, against a real server.)
#include <gtest/gtest.h>

#include "adapters/sqlite/sqlite_registry.h"
#include "tests/unit/adapters/adapter_test_support.h"

namespace tracenet::adapters {
namespace {

using namespace test_support;
using conformance::FixtureFormat;

class ConformanceTest : public ::testing::Test {
 protected:
  std::string dir = tracenet::test_support::FreshTempDir("conformance");
};

TEST_F(ConformanceTest, SqliteAdapterOnTheDocumentedSchema) {
  std::string db = FixtureSqlite(dir);
  auto adapter = Create(Config("sqlite", {{"path", "fixture.sqlite"}}, dir));
  ASSERT_TRUE(adapter);
  ExpectConformant(*adapter);
}

TEST_F(ConformanceTest, CsvAdapterOnAUtf8Export) {
  WriteText(dir + "/fixture.csv", FixtureText(FixtureFormat::kCsv));
  auto adapter = Create(Config("csv", {{"path", "fixture.csv"}}, dir));
  ASSERT_TRUE(adapter);
  ExpectConformant(*adapter);
}

TEST_F(ConformanceTest, CsvAdapterOnALatin1Export) {
  WriteText(dir + "/fixture-latin1.csv", FixtureText(FixtureFormat::kCsv, true));
  auto adapter = Create(Config("csv", {{"path", "fixture-latin1.csv"}, {"encoding", "latin-1"}}, dir));
  ASSERT_TRUE(adapter);
  ExpectConformant(*adapter);
}

TEST_F(ConformanceTest, CsvAdapterOnASemicolonExportWithItsOwnHeadersAndRoleCodes) {
  // A registry export as a legacy system writes it: its own column names, ';' and role codes.
  std::string csv = FixtureText(FixtureFormat::kCsv);
  std::string header = csv.substr(0, csv.find('\n'));
  std::string body = csv.substr(csv.find('\n'));
  for (auto [from, to] : {std::pair{"\"serial\"", "\"Serial No.\""}, {"\"manufacturer\"", "\"Make\""},
                          {"\"role\"", "\"Event\""}, {"\"date_in\"", "\"Date\""}})
    header.replace(header.find(from), std::string(from).size(), to);
  for (auto [from, to] : {std::pair{"\"exporter\"", "\"EXP\""}, {"\"importer\"", "\"IMP\""}}) {
    for (size_t at; (at = body.find(from)) != std::string::npos;) body.replace(at, std::string(from).size(), to);
  }
  std::string text = header + body;
  for (size_t at = 0; (at = text.find("\",\"", at)) != std::string::npos; at += 3) text.replace(at, 3, "\";\"");
  WriteText(dir + "/legacy.csv", text);
  auto adapter = Create(Config("csv",
                               {{"path", "legacy.csv"},
                                {"delimiter", ";"},
                                {"columns", {{"serial", "Serial No."}, {"manufacturer", "Make"}, {"role", "Event"}, {"date_in", "Date"}}},
                                {"roles", {{"EXP", "exporter"}, {"IMP", "importer"}}}},
                               dir));
  ASSERT_TRUE(adapter);
  ExpectConformant(*adapter);
}

TEST_F(ConformanceTest, PythonExampleProcessAdapter) {
  WriteText(dir + "/fixture.csv", FixtureText(FixtureFormat::kCsv));
  auto adapter = Create(Config("process",
                               {{"command", {"python3", ExampleProcessAdapter()}},
                                {"settings", {{"data", dir + "/fixture.csv"}}}},
                               dir));
  ASSERT_TRUE(adapter);
  ExpectConformant(*adapter);
}

TEST_F(ConformanceTest, CExamplePluginInItsOwnHostProcess) {
  WriteText(dir + "/fixture.tsv", FixtureText(FixtureFormat::kTsv));
  auto adapter = Create(Config("plugin", {{"path", EXAMPLE_C_PLUGIN}, {"settings", {{"data", dir + "/fixture.tsv"}}}}, dir));
  ASSERT_TRUE(adapter);
  ExpectConformant(*adapter);
}

TEST_F(ConformanceTest, CExamplePluginInProcess) {
  WriteText(dir + "/fixture.tsv", FixtureText(FixtureFormat::kTsv));
  auto adapter = Create(Config("plugin",
                               {{"path", EXAMPLE_C_PLUGIN}, {"isolation", "in-process"}, {"settings", {{"data", dir + "/fixture.tsv"}}}},
                               dir));
  ASSERT_TRUE(adapter);
  ExpectConformant(*adapter);
}

TEST_F(ConformanceTest, TheCheckCommandPrintsATableAndFailsForABrokenRegistry) {
  std::string db = FixtureSqlite(dir);
  WriteText(dir + "/check.toml", "[registry]\nadapter = \"sqlite\"\n[registry.sqlite]\npath = \"fixture.sqlite\"\n");
  std::string command = std::string(TRACENET_BINARY) + " adapter check --config " + dir + "/check.toml > " + dir + "/out.txt 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0);
  std::ifstream out(dir + "/out.txt");
  std::string report((std::istreambuf_iterator<char>(out)), {});
  EXPECT_NE(report.find("10 of 10 checks passed"), std::string::npos) << report;
  EXPECT_NE(report.find("injection-like input treated as data  PASS"), std::string::npos) << report;

  // An empty registry: the known records are missing and the table says so.
  sqlite3* empty = nullptr;
  sqlite3_open((dir + "/empty.sqlite").c_str(), &empty);
  ASSERT_TRUE(CreateRegistrySchema(empty).ok());
  sqlite3_close(empty);
  WriteText(dir + "/check.toml", "[registry]\nadapter = \"sqlite\"\n[registry.sqlite]\npath = \"empty.sqlite\"\n");
  EXPECT_NE(std::system(command.c_str()), 0);
  std::ifstream out2(dir + "/out.txt");
  std::string failed((std::istreambuf_iterator<char>(out2)), {});
  EXPECT_NE(failed.find("known records, full chain             FAIL  TNCK-1001 (Glock): outcome no record, expected found"),
            std::string::npos)
      << failed;
}

}  // namespace
}  // namespace tracenet::adapters
