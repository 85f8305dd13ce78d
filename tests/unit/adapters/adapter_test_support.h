// Shared set-up for adapter tests: the conformance fixture written as real files (an SQLite
// database, CSV exports) and the paths of the example and test adapters this build produced.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "adapters/catalogue/adapter_catalogue.h"
#include "adapters/conformance/conformance_check.h"
#include "adapters/conformance/fixture.h"
#include "tests/support/temp_dir.h"

namespace tracenet::adapters::test_support {

inline void WriteText(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

inline std::string FixtureText(conformance::FixtureFormat format, bool latin1 = false) {
  auto text = conformance::RenderFixture(format, latin1);
  EXPECT_TRUE(text) << text.error().message;
  return text ? *text : "";
}

// The fixture loaded into a new SQLite file of the documented schema.
inline std::string FixtureSqlite(const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::string path = dir + "/fixture.sqlite";
  std::filesystem::remove(path);
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, FixtureText(conformance::FixtureFormat::kSql).c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
  return path;
}

inline RegistryConfig Config(const std::string& adapter, nlohmann::json settings, const std::string& base_dir,
                             int timeout_ms = 5000) {
  RegistryConfig c;
  c.adapter = adapter;
  c.settings = std::move(settings);
  c.base_dir = base_dir;
  c.timeout_ms = timeout_ms;
  return c;
}

inline std::unique_ptr<RegistryAdapter> Create(const RegistryConfig& config) {
  auto adapter = CreateAdapter(config, {config.timeout_ms, TRACENET_BINARY});
  EXPECT_TRUE(adapter) << adapter.error().message;
  return adapter ? std::move(adapter.value()) : nullptr;
}

// Every check of the battery passes; the report is printed on failure.
inline void ExpectConformant(RegistryAdapter& adapter) {
  auto results = conformance::RunConformance(adapter, {});
  for (const auto& r : results) EXPECT_TRUE(r.passed) << conformance::RenderReport(results);
}

inline std::string ExampleProcessAdapter() { return std::string(TRACENET_SOURCE_DIR) + "/examples/adapters/python_process/registry_adapter.py"; }
inline std::string MisbehavingProcessAdapter() { return std::string(TRACENET_SOURCE_DIR) + "/tests/unit/adapters/scripts/misbehaving_adapter.py"; }

}  // namespace tracenet::adapters::test_support
