// Registry adapter load tool: lookups per second and latency for each built-in adapter against
// the same generated registry (default 1,000,000 weapons), and the cost of the external-process
// protocol against the same adapter in-process. Run by ops/bench/adapter_bench.sh, which also
// starts and stops a PostgreSQL server for the postgres adapter.
//   adapter_bench --dir DIR [--records N] [--lookups N] [--postgres CONNINFO]
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <csv.h>

#include "adapters/catalogue/adapter_catalogue.h"
#include "adapters/sqlite/sqlite_registry.h"
#include "node/demo/registry_generator.h"

namespace {

using namespace tracenet;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

long RssMb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6)) / 1024;
  return 0;
}

struct Db {
  sqlite3* db = nullptr;
  ~Db() { sqlite3_close(db); }
};

// Every custody event with its weapon's columns, in chain order: the CSV export and COPY source.
constexpr const char* kEventsSql =
    "SELECT w.serial, w.manufacturer, w.model, w.type, w.calibre, w.country_of_manufacture, w.year, "
    "c.role, c.name, c.licence_number, c.country, c.address, c.date_in, c.document_type, c.document_reference, "
    "c.source_record FROM weapons w JOIN ("
    "SELECT weapon_id, 'manufacturer' AS role, manufacturer_name AS name, licence_number, country, address, "
    "date AS date_in, 'manufacturing record' AS document_type, '' AS document_reference, record_ref AS source_record, "
    "0 AS stage, 0 AS tiebreak FROM manufacture_records "
    "UNION ALL SELECT weapon_id, CASE direction WHEN 'export' THEN 'exporter' ELSE 'importer' END, party_name, "
    "licence_number, country, address, date, document_type, document_reference, record_ref, 1, "
    "CASE direction WHEN 'export' THEN 0 ELSE 1 END FROM import_export_records "
    "UNION ALL SELECT weapon_id, role, party_name, licence_number, country, address, date, document_type, "
    "document_reference, record_ref, 2, 0 FROM transfer_records) c ON c.weapon_id = w.id "
    "ORDER BY w.id, c.stage, c.date_in, c.tiebreak";

size_t ExportCsv(sqlite3* db, const std::string& path) {
  std::FILE* out = std::fopen(path.c_str(), "w");
  std::fputs("serial,manufacturer,model,type,calibre,country_of_manufacture,year,role,name,licence_number,country,"
             "address,date_in,document_type,document_reference,source_record\n", out);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, kEventsSql, -1, &s, nullptr);
  size_t rows = 0;
  while (sqlite3_step(s) == SQLITE_ROW) {
    for (int i = 0; i < 16; ++i) {
      if (i) std::fputc(',', out);
      const char* text = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
      csv_fwrite(out, text ? text : "", text ? std::strlen(text) : 0);
    }
    std::fputc('\n', out);
    ++rows;
  }
  sqlite3_finalize(s);
  std::fclose(out);
  return rows;
}

// COPY text format: backslash, tab and line breaks escaped.
void AppendCopyField(std::string& out, const char* text) {
  for (const char* p = text ? text : ""; *p; ++p) {
    if (*p == '\\') out += "\\\\";
    else if (*p == '\t') out += "\\t";
    else if (*p == '\n') out += "\\n";
    else if (*p == '\r') out += "\\r";
    else out += *p;
  }
}

bool Pg(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  if (!ok) std::fprintf(stderr, "postgres: %s\n", PQresultErrorMessage(r));
  PQclear(r);
  return ok;
}

bool LoadPostgres(sqlite3* db, const std::string& conninfo) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::fprintf(stderr, "postgres: %s\n", PQerrorMessage(c));
    return false;
  }
  Pg(c, "SET client_min_messages = warning");
  Pg(c, "DROP TABLE IF EXISTS transfer_records, import_export_records, manufacture_records, weapons CASCADE");
  std::string schema = adapters::RegistrySchemaSql();
  // Tables first, indexes after the data: far faster than maintaining them row by row.
  std::string ddl;
  for (size_t start = 0; start < schema.size();) {
    size_t end = schema.find(';', start);
    if (end == std::string::npos) break;
    std::string statement = schema.substr(start, end - start + 1);
    if (statement.find("CREATE INDEX") == std::string::npos) ddl += statement;
    start = end + 1;
  }
  if (!Pg(c, ddl)) return false;
  for (const char* table : {"weapons", "manufacture_records", "import_export_records", "transfer_records"}) {
    PGresult* copy = PQexec(c, (std::string("COPY ") + table + " FROM STDIN").c_str());
    bool copying = PQresultStatus(copy) == PGRES_COPY_IN;
    PQclear(copy);
    if (!copying) {
      std::fprintf(stderr, "postgres: COPY %s refused: %s\n", table, PQerrorMessage(c));
      return false;
    }
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, (std::string("SELECT * FROM ") + table).c_str(), -1, &s, nullptr);
    std::string chunk;
    while (sqlite3_step(s) == SQLITE_ROW) {
      for (int i = 0; i < sqlite3_column_count(s); ++i) {
        if (i) chunk += '\t';
        AppendCopyField(chunk, reinterpret_cast<const char*>(sqlite3_column_text(s, i)));
      }
      chunk += '\n';
      if (chunk.size() > (1 << 20)) {
        PQputCopyData(c, chunk.data(), static_cast<int>(chunk.size()));
        chunk.clear();
      }
    }
    sqlite3_finalize(s);
    PQputCopyData(c, chunk.data(), static_cast<int>(chunk.size()));
    PQputCopyEnd(c, nullptr);
    PGresult* r = PQgetResult(c);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) std::fprintf(stderr, "postgres COPY %s: %s\n", table, PQresultErrorMessage(r));
    PQclear(r);
    if (!ok) return false;
  }
  bool ok = Pg(c, schema) && Pg(c, "ANALYZE");
  PQfinish(c);
  return ok;
}

std::vector<adapters::WeaponQuery> SampleQueries(sqlite3* db, size_t n) {
  std::vector<adapters::WeaponQuery> queries;
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "SELECT serial, manufacturer FROM weapons WHERE id = ?1", -1, &s, nullptr);
  sqlite3_stmt* count = nullptr;
  sqlite3_prepare_v2(db, "SELECT max(id) FROM weapons", -1, &count, nullptr);
  sqlite3_step(count);
  int64_t max_id = sqlite3_column_int64(count, 0);
  sqlite3_finalize(count);
  std::mt19937_64 rng(2026);
  for (size_t i = 0; i < n; ++i) {
    sqlite3_bind_int64(s, 1, static_cast<int64_t>(rng() % static_cast<uint64_t>(max_id)) + 1);
    if (sqlite3_step(s) == SQLITE_ROW) {
      adapters::WeaponQuery q;
      q.serial = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
      q.manufacturer = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
      if (i % 5 == 4) q.serial += "-X9";  // one in five: not in the registry
      queries.push_back(std::move(q));
    }
    sqlite3_reset(s);
  }
  sqlite3_finalize(s);
  return queries;
}

struct RunResult {
  double per_second = 0;
  double p50_us = 0, p99_us = 0;
  size_t errors = 0, found = 0;
};

RunResult Run(adapters::RegistryAdapter& adapter, const std::vector<adapters::WeaponQuery>& queries, size_t threads) {
  std::vector<std::vector<double>> latencies(threads);
  std::atomic<size_t> next{0}, errors{0}, found{0};
  auto start = Clock::now();
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (size_t i; (i = next++) < queries.size();) {
        auto began = Clock::now();
        auto r = adapter.Lookup(queries[i]);
        latencies[t].push_back(std::chrono::duration<double, std::micro>(Clock::now() - began).count());
        if (!r) ++errors;
        else if (r->outcome != adapters::FindingOutcome::kNoRecord) ++found;
      }
    });
  for (auto& t : pool) t.join();
  double elapsed = Seconds(start);
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  return {static_cast<double>(queries.size()) / elapsed, all[all.size() / 2], all[all.size() * 99 / 100], errors, found};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Registry adapter load tool"};
  std::string dir, conninfo, tracenet = TRACENET_BINARY;
  size_t records = 1'000'000, lookups = 20'000;
  app.add_option("--dir", dir, "Working directory (the generated registry is kept for reruns)")->required();
  app.add_option("--records", records, "Weapons in the generated registry")->capture_default_str();
  app.add_option("--lookups", lookups, "Lookups per measured run")->capture_default_str();
  app.add_option("--postgres", conninfo, "libpq connection string of an empty database to load and measure");
  CLI11_PARSE(app, argc, argv);
  std::filesystem::create_directories(dir);

  std::string sqlite_path = dir + "/registry-" + std::to_string(records) + ".sqlite";
  if (!std::filesystem::exists(sqlite_path)) {
    auto started = Clock::now();
    auto generated = demo::GenerateRegistry(sqlite_path, {"USA", records, 11});
    if (!generated) {
      std::fprintf(stderr, "%s\n", generated.error().message.c_str());
      return 1;
    }
    std::printf("generated %zu weapons in %.1f s\n", records, Seconds(started));
  }
  Db db;
  sqlite3_open_v2(sqlite_path.c_str(), &db.db, SQLITE_OPEN_READONLY, nullptr);
  std::string csv_path = dir + "/registry-" + std::to_string(records) + ".csv";
  if (!std::filesystem::exists(csv_path)) {
    auto started = Clock::now();
    size_t rows = ExportCsv(db.db, csv_path);
    std::printf("exported %zu custody rows to CSV (%.0f MB) in %.1f s\n", rows,
                std::filesystem::file_size(csv_path) / 1e6, Seconds(started));
  }
  if (!conninfo.empty()) {
    auto started = Clock::now();
    if (!LoadPostgres(db.db, conninfo)) return 1;
    std::printf("loaded PostgreSQL in %.1f s\n", Seconds(started));
  }
  auto queries = SampleQueries(db.db, lookups);
  std::printf("%zu lookups per run, 4 in 5 for registered weapons\n\n", queries.size());

  struct Candidate {
    std::string label;
    adapters::RegistryConfig config;
  };
  auto config = [&](std::string adapter, nlohmann::json settings) {
    adapters::RegistryConfig c;
    c.adapter = std::move(adapter);
    c.settings = std::move(settings);
    c.base_dir = dir;
    return c;
  };
  std::vector<Candidate> candidates{
      {"sqlite (in-process)", config("sqlite", {{"path", sqlite_path}})},
      {"sqlite via process protocol", config("process", {{"command", {tracenet, "adapter", "serve", "sqlite"}},
                                                         {"processes", 4}, {"settings", {{"path", sqlite_path}}}})},
      {"csv", config("csv", {{"path", csv_path}, {"reload_check_ms", 0}})},
  };
  if (!conninfo.empty()) candidates.push_back({"postgres (pool 4)", config("postgres", {{"conninfo", conninfo}, {"pool_size", 4}})});

  std::printf("%-30s %7s %12s %10s %10s %7s %9s %8s\n", "adapter", "threads", "lookups/s", "p50 ms", "p99 ms", "errors",
              "found", "RSS MB");
  double sqlite_single = 0;
  for (Candidate& c : candidates) {
    long rss_before = RssMb();
    auto started = Clock::now();
    auto adapter = adapters::CreateAdapter(c.config, {5000, tracenet});
    if (!adapter) {
      std::fprintf(stderr, "%s: %s\n", c.label.c_str(), adapter.error().message.c_str());
      return 1;
    }
    double open_s = Seconds(started);
    std::vector<adapters::WeaponQuery> warm(queries.begin(), queries.begin() + std::min<size_t>(1000, queries.size()));
    Run(**adapter, warm, 1);
    for (size_t threads : {1, 4}) {
      RunResult r = Run(**adapter, queries, threads);
      if (c.label == "sqlite (in-process)" && threads == 1) sqlite_single = r.per_second;
      std::printf("%-30s %7zu %12.0f %10.3f %10.3f %7zu %9zu %8ld\n", c.label.c_str(), threads, r.per_second,
                  r.p50_us / 1000, r.p99_us / 1000, r.errors, r.found, RssMb() - rss_before);
      if (c.label == "sqlite via process protocol" && threads == 1)
        std::printf("%-30s protocol overhead: %.2fx the in-process time per lookup\n", "", sqlite_single / r.per_second);
    }
    if (c.label == "csv") std::printf("%-30s index built in %.1f s\n", "", open_s);
  }
  return 0;
}
