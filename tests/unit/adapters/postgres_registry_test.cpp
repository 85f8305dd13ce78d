// The PostgreSQL adapter against a real server (started by tests/support/postgres_server.sh
// as a CTest fixture): the conformance battery, a custom mapping, mapping errors, and a server
// restart under the connection pool.
#include "adapters/postgres/postgres_registry.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <fstream>

#include "tests/unit/adapters/adapter_test_support.h"

namespace tracenet::adapters {
namespace {

using namespace test_support;

std::string ServerDir() { return std::string(TRACENET_BUILD_DIR) + "/postgres-test"; }

std::string Conninfo() {
  std::ifstream in(ServerDir() + "/conninfo");
  std::string line;
  std::getline(in, line);
  return line;
}

void Exec(const std::string& sql) {
  PGconn* c = PQconnectdb(Conninfo().c_str());
  ASSERT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
  PGresult* r = PQexec(c, sql.c_str());
  EXPECT_TRUE(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK) << PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
}

class PostgresRegistryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_FALSE(Conninfo().empty()) << "no PostgreSQL test server: run tests through ctest (fixture postgres)";
    Exec("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
    Exec(FixtureText(conformance::FixtureFormat::kSql));
  }
  std::string dir = tracenet::test_support::FreshTempDir("postgres");
};

TEST_F(PostgresRegistryTest, PassesTheConformanceBattery) {
  auto adapter = Create(Config("postgres", {{"conninfo", Conninfo()}, {"pool_size", 4}}, dir));
  ASSERT_TRUE(adapter);
  ExpectConformant(*adapter);
}

TEST_F(PostgresRegistryTest, AnIntegratorsOwnSchemaIsMappedWithParameterisedSql) {
  Exec("DROP TABLE IF EXISTS legacy_guns, legacy_moves;"
       "CREATE TABLE legacy_guns (gun_no serial PRIMARY KEY, sn text, sn_clean text, maker text, mdl text);"
       "CREATE TABLE legacy_moves (gun_no int, seq int, kind text, holder text, on_date date);"
       "INSERT INTO legacy_guns (sn, sn_clean, maker, mdl) VALUES ('LG-77', 'LG77', 'GLOCK', 'G26');"
       "INSERT INTO legacy_moves VALUES (1, 1, 'MFR', 'Glock GmbH', '2019-01-02'),"
       "                                (1, 2, 'OWN', 'Police HQ', '2019-03-04');");
  nlohmann::json settings{
      {"conninfo", Conninfo()},
      {"weapon_sql", "SELECT gun_no AS weapon_key, maker AS manufacturer, mdl AS model FROM legacy_guns "
                     "WHERE sn_clean = $1 AND upper(maker) = $2"},
      {"weapon_params", {"serial_norm", "manufacturer_norm"}},
      {"custody_sql", "SELECT kind AS role, holder AS name, to_char(on_date, 'YYYY-MM-DD') AS date_in "
                      "FROM legacy_moves WHERE gun_no = $1::int ORDER BY seq"},
      {"custody_params", {"weapon_key"}},
      {"roles", {{"MFR", "manufacturer"}, {"OWN", "government_stock"}}}};
  auto adapter = Create(Config("postgres", settings, dir));
  ASSERT_TRUE(adapter);
  auto found = adapter->Lookup({"lg 77", "Glock"});
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->outcome, FindingOutcome::kFound);
  ASSERT_EQ(found->chain.size(), 2u);
  EXPECT_EQ(found->chain[0].role, "manufacturer");
  EXPECT_EQ(found->chain[0].date_out, "2019-03-04");
  EXPECT_EQ(found->chain[1].role, "government_stock");
  EXPECT_EQ(adapter->Lookup({"LG77' OR 1=1 --", "Glock"})->outcome, FindingOutcome::kNoRecord);
}

TEST_F(PostgresRegistryTest, MappingMistakesAreConfigErrorsThatSayWhat) {
  auto missing_key = CreateAdapter(Config("postgres", {{"conninfo", Conninfo()}, {"weapon_sql", "SELECT id FROM weapons WHERE serial_norm = $1 AND manufacturer_norm = $2"}}, dir), {});
  ASSERT_FALSE(missing_key);
  EXPECT_NE(missing_key.error().message.find("weapon_sql must return a column named weapon_key"), std::string::npos)
      << missing_key.error().message;
  auto bad_table = CreateAdapter(Config("postgres", {{"conninfo", Conninfo()}, {"custody_sql", "SELECT role, name FROM nowhere WHERE id = $1"}}, dir), {});
  ASSERT_FALSE(bad_table);
  EXPECT_NE(bad_table.error().message.find("relation \"nowhere\" does not exist"), std::string::npos)
      << bad_table.error().message;
  auto bad_param = CreateAdapter(Config("postgres", {{"conninfo", Conninfo()}, {"weapon_params", {"serial_norm", "colour"}}}, dir), {});
  ASSERT_FALSE(bad_param);
  EXPECT_NE(bad_param.error().message.find("names \"colour\""), std::string::npos) << bad_param.error().message;
  auto unreachable = CreateAdapter(Config("postgres", {{"conninfo", "host=127.0.0.1 port=1 dbname=x connect_timeout=2"}}, dir), {});
  ASSERT_FALSE(unreachable);
  EXPECT_NE(unreachable.error().message.find("cannot connect to the PostgreSQL registry"), std::string::npos)
      << unreachable.error().message;
}

TEST_F(PostgresRegistryTest, LookupsResumeAfterTheServerRestarts) {
  auto adapter = Create(Config("postgres", {{"conninfo", Conninfo()}, {"pool_size", 2}}, dir));
  ASSERT_TRUE(adapter);
  ASSERT_TRUE(adapter->Lookup({"TNCK-1001", "Glock"}));
  std::string restart = std::string(TRACENET_SOURCE_DIR) + "/tests/support/postgres_server.sh restart " + ServerDir() +
                        " " + Conninfo().substr(Conninfo().find("port=") + 5, 5);
  ASSERT_EQ(std::system(restart.c_str()), 0);
  // The pool's connections broke with the restart: at most one failure each, then answers.
  int failures = 0;
  Result<Findings> found = adapter->Lookup({"TNCK-1001", "Glock"});
  while (!found && failures < 4) {
    EXPECT_EQ(found.error().code, Errc::kUnavailable) << found.error().message;
    ++failures;
    found = adapter->Lookup({"TNCK-1001", "Glock"});
  }
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->chain.size(), 5u);
  EXPECT_TRUE(adapter->Health().ok());
}

}  // namespace
}  // namespace tracenet::adapters
