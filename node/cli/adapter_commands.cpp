// `tracenet adapter ...`: the integrator's tools (list, fixture, check) and the adapter host
// the node starts to run a plugin in its own process (serve).
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "adapters/catalogue/adapter_catalogue.h"
#include "adapters/conformance/conformance_check.h"
#include "adapters/conformance/fixture.h"
#include "adapters/process/adapter_server.h"
#include "node/cli/commands.h"
#include "node/common/child_process.h"
#include "node/common/file_util.h"

namespace tracenet::cli {

int AdapterList() {
  for (const adapters::CatalogueEntry& e : adapters::BuiltinAdapters()) std::printf("%-10s %s\n", e.name, e.summary);
  return 0;
}

int AdapterFixture(const std::string& format, const std::string& encoding, const std::string& out) {
  using adapters::conformance::FixtureFormat;
  FixtureFormat f;
  if (format == "sql") f = FixtureFormat::kSql;
  else if (format == "csv") f = FixtureFormat::kCsv;
  else if (format == "tsv") f = FixtureFormat::kTsv;
  else {
    std::fprintf(stderr, "tracenet adapter fixture: --format must be sql, csv or tsv\n");
    return 2;
  }
  if (encoding != "utf-8" && encoding != "latin-1") {
    std::fprintf(stderr, "tracenet adapter fixture: --encoding must be utf-8 or latin-1\n");
    return 2;
  }
  auto text = adapters::conformance::RenderFixture(f, encoding == "latin-1");
  if (!text) {
    std::fprintf(stderr, "tracenet adapter fixture: %s\n", text.error().message.c_str());
    return 2;
  }
  if (out.empty() || out == "-") {
    std::fwrite(text->data(), 1, text->size(), stdout);
    return 0;
  }
  if (Status s = WriteFileAtomic(out, AsBytes(*text), 0644); !s) {
    std::fprintf(stderr, "tracenet adapter fixture: %s\n", s.error().message.c_str());
    return 2;
  }
  std::printf("Fixture written to %s (%zu weapons)\n", out.c_str(), adapters::conformance::FixtureWeapons().size());
  return 0;
}

int AdapterCheck(const std::string& config_path) {
  auto config = adapters::LoadRegistryConfig(config_path);
  if (!config) {
    std::fprintf(stderr, "tracenet adapter check: %s\n", config.error().message.c_str());
    return 2;
  }
  if (config->adapter == "none") {
    std::fprintf(stderr, "tracenet adapter check: %s: [registry] adapter is \"none\"; name the adapter to check\n",
                 config_path.c_str());
    return 2;
  }
  auto adapter = adapters::CreateAdapter(*config, {config->timeout_ms, SelfExecutable()});
  if (!adapter) {
    std::fprintf(stderr, "tracenet adapter check: cannot start the %s adapter: %s\n", config->adapter.c_str(),
                 adapter.error().message.c_str());
    return 1;
  }
  std::printf("Checking the %s adapter (%s) against the conformance fixture...\n\n", config->adapter.c_str(),
              (*adapter)->name().c_str());
  adapters::conformance::ConformanceOptions options;
  options.deadline = std::chrono::milliseconds(config->timeout_ms);
  auto results = adapters::conformance::RunConformance(**adapter, options);
  std::printf("%s", adapters::conformance::RenderReport(results).c_str());
  for (const auto& r : results)
    if (!r.passed) return 1;
  return 0;
}

int AdapterServe(const std::string& name) {
  // stdout carries the protocol: every log line goes to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("adapter-host"));
  std::string base = std::filesystem::current_path().string();
  int timeout_ms = 5000;
  return adapters::ServeAdapter(STDIN_FILENO, STDOUT_FILENO, [&](const nlohmann::json& settings) {
    adapters::RegistryConfig config;
    config.adapter = name;
    config.settings = settings;
    config.base_dir = base;
    return adapters::CreateAdapter(config, {timeout_ms, SelfExecutable()});
  });
}

}  // namespace tracenet::cli
