#include "node/cli/stolen_commands.h"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "node/api/api_client.h"
#include "node/cli/config_option.h"
#include "node/common/clock.h"
#include "node/common/file_util.h"
#include "node/common/json_text.h"
#include "node/stolen_exchange/stolen_csv.h"

namespace tracenet::cli {
namespace {

using Json = api::Json;

const char* kRecordFields[] = {"owner_ref", "category", "serial", "make", "model", "type", "calibre", "agency",
                               "country_of_manufacture", "importer", "event_date", "event_place", "remarks"};
const char* kSearchFields[] = {"serial", "make", "calibre", "type", "case_reference", "seizure_date",
                               "seizure_place", "circumstances", "officer"};

int Fail(const std::string& what, const Error& e) {
  std::fprintf(stderr, "tracenet stolen %s: %s\n", what.c_str(), e.message.c_str());
  return e.code == Errc::kInvalidArgument || e.code == Errc::kConfig ? 2 : 1;
}

Result<api::ApiClient> Client(const std::string& config_path) {
  auto config = config::LoadNodeConfig(config_path);
  if (!config) return config.error();
  return api::ApiClient::FromConfig(*config);
}

std::string Text(const Json& j, const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : ""; }

// A hub's index as an operator reads it: size, what was refused, and the recent searches.
void PrintIndex(const Json& i) {
  auto n = [&](const char* key) { return static_cast<unsigned long long>(i.value(key, uint64_t{0})); };
  std::printf("Lost/stolen index: %llu records (%llu indexed since start)\n", n("records"), n("records_indexed"));
  std::printf("Since start: %llu searches (%llu refused), %llu hit notices sent, %llu publications refused\n", n("searches"),
              n("searches_refused"), n("hits_notified"), n("publications_refused"));
  const Json& log = i.contains("search_log") && i["search_log"].is_array() ? i["search_log"] : Json::array();
  if (log.empty()) return (void)std::printf("No searches logged.\n");
  std::printf("Recent searches, newest first:\n");
  for (const Json& e : log) {
    std::string outcome = !Text(e, "refused").empty() ? "refused: " + Text(e, "refused")
                          : std::to_string(e.contains("candidates") ? e["candidates"].size() : 0) + " candidates";
    std::printf("  %s  %-12s serial %-14s %-10s case %-18s %s\n", FormatUtc(e.value("at_ms", uint64_t{0})).c_str(),
                Text(e, "searcher").c_str(), Text(e, "serial").c_str(), Text(e, "make").c_str(),
                Text(e, "case_reference").c_str(), outcome.c_str());
    if (e.contains("candidates") && e["candidates"].is_array())
      for (const Json& c : e["candidates"])
        std::printf("      %3d  %s/%s\n", c.value("score", 0), Text(c, "owner").c_str(), Text(c, "owner_ref").c_str());
  }
}

void PrintSearch(const Json& s) {
  std::printf("Search %s at %s: %s", Text(s["search"], "search_id").c_str(), Text(s, "hub").c_str(), Text(s, "state").c_str());
  if (!Text(s, "refused").empty()) std::printf(" (%s)", Text(s, "refused").c_str());
  std::printf("\n  serial %s%s%s\n", Text(s["search"], "serial").c_str(),
              Text(s["search"], "make").empty() ? "" : (", make " + Text(s["search"], "make")).c_str(),
              Text(s["search"], "calibre").empty() ? "" : (", calibre " + Text(s["search"], "calibre")).c_str());
  if (Text(s, "state") == "answered" && s["candidates"].empty()) std::printf("  No candidates in %llu records.\n",
                                                                             static_cast<unsigned long long>(s.value("index_records", 0)));
  for (const Json& c : s["candidates"]) {
    const Json& r = c["record"];
    std::string decision = c.value("overdue", false) ? "OVERDUE: the owner has not answered by " + FormatUtc(c.value("confirm_by_ms", uint64_t{0}))
                                                     : "awaiting the owner's confirmation (due " + FormatUtc(c.value("confirm_by_ms", uint64_t{0})) + ")";
    if (!c["decision"].is_null())
      decision = std::string(c["decision"]["confirmed"].get<bool>() ? "CONFIRMED" : "denied") + " by " +
                 Text(c["decision"], "by") + (Text(c["decision"], "note").empty() ? "" : ": " + Text(c["decision"], "note"));
    std::printf("  %3d %-6s  %-14s %-12s %s %s %s (%s, %s)  owner %s/%s%s\n       %s\n", c["score"].get<int>(), Text(c, "band").c_str(),
                Text(r, "serial").c_str(), Text(r, "category").c_str(), Text(r, "make").c_str(), Text(r, "model").c_str(),
                Text(r, "calibre").c_str(), Text(r, "status").c_str(), Text(r, "event_date").c_str(), Text(r, "owner").c_str(),
                Text(r, "owner_ref").c_str(), c["owner_signature_valid"].get<bool>() ? "" : "  [owner signature NOT valid]",
                decision.c_str());
    for (const Json& why : c["reasons"]) std::printf("       - %s\n", why.get<std::string>().c_str());
  }
}

int Import(const StolenCommands& c, api::ApiClient& client) {
  std::vector<std::string> pairs = c.mapping;
  if (!c.mapping_file.empty()) {
    auto text = ReadFileBytes(c.mapping_file);
    if (!text) return Fail("import", text.error());
    std::string line;
    for (char ch : std::string(AsString(*text)) + "\n") {
      if (ch != '\n') {
        line.push_back(ch);
        continue;
      }
      pairs.push_back(line);
      line.clear();
    }
  }
  auto mapping = stolen::ParseColumnMapping(pairs, c.mapping_file.empty() ? "--map" : c.mapping_file);
  if (!mapping) return Fail("import", mapping.error());
  auto parsed = stolen::ReadStolenCsv(c.file, *mapping);
  if (!parsed) return Fail("import", parsed.error());
  for (const stolen::CsvRowError& e : parsed->errors) std::fprintf(stderr, "%s:%zu: %s\n", c.file.c_str(), e.line, e.message.c_str());
  if (!parsed->errors.empty() && !c.skip_bad_rows) {
    std::fprintf(stderr, "tracenet stolen import: %zu of %zu rows are bad; nothing imported (fix them, or --skip-bad-rows)\n",
                 parsed->errors.size(), parsed->errors.size() + parsed->records.size());
    return 2;
  }
  // The import's name is the file's content and the batch size: the same file resumes where a
  // run before stopped; a changed file is a new import.
  std::string import_id = parsed->digest + "-" + std::to_string(c.batch);
  auto progress = client.Get("/v1/stolen/imports/" + import_id);
  if (!progress) return Fail("import", progress.error());
  size_t done = (*progress)["batches_committed"].get<size_t>();
  size_t total = parsed->records.size(), batches = (total + c.batch - 1) / c.batch;
  if (done > 0) std::fprintf(stderr, "Resuming import %s after batch %zu of %zu.\n", import_id.c_str(), done, batches);
  auto started = std::chrono::steady_clock::now();
  const bool terminal = isatty(fileno(stderr));
  for (size_t b = done; b < batches; ++b) {
    Json records = Json::array();
    for (size_t i = b * c.batch; i < std::min(total, (b + 1) * c.batch); ++i) records.push_back(parsed->records[i]);
    auto r = client.Post("/v1/stolen/imports/" + import_id + "/batches/" + std::to_string(b), {{"records", records}});
    if (!r) return Fail("import", Error{r.error().code, "batch " + std::to_string(b + 1) + " (rows from record " +
                                                          std::to_string(b * c.batch + 1) + "): " + r.error().message +
                                                          "; batches before it are stored, re-run to resume"});
    size_t sent = std::min(total, (b + 1) * c.batch);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    double rate = static_cast<double>(sent - done * c.batch) / std::max(s, 1e-3);
    double eta = static_cast<double>(total - sent) / std::max(rate, 1e-3);
    if (terminal) {
      int filled = static_cast<int>(30.0 * static_cast<double>(sent) / static_cast<double>(total));
      std::fprintf(stderr, "\r[%-30s] %zu/%zu records, %.0f/s, %02d:%02d left ", std::string(static_cast<size_t>(filled), '#').c_str(),
                   sent, total, rate, static_cast<int>(eta) / 60, static_cast<int>(eta) % 60);
    } else if ((b + 1) % 10 == 0 || sent == total) {  // a log, not a bar: a line now and then
      std::fprintf(stderr, "%zu/%zu records, %.0f/s, %.0f s left\n", sent, total, rate, eta);
    }
  }
  if (terminal) std::fprintf(stderr, "\n");
  std::printf("Imported %zu records from %s in %zu batches%s; published to the home hubs.\n", total, c.file.c_str(), batches,
              parsed->errors.empty() ? "" : (" (" + std::to_string(parsed->errors.size()) + " bad rows left out)").c_str());
  return 0;
}

}  // namespace

void AddStolenCommands(CLI::App& app, StolenCommands& c) {
  auto* root = app.add_subcommand("stolen", "Lost and stolen weapons: report, import, search, confirm hits");
  root->require_subcommand(1);
  AddConfigOption(root, c.config);
  auto add = [&](const char* name, const char* help) {
    auto* sub = root->add_subcommand(name, help);
    sub->callback([&c, name] { c.action = name; });
    return sub;
  };
  for (const char* name : {"report", "update"}) {
    auto* sub = add(name, std::string(name) == "report" ? "Report a lost or stolen weapon (or a new version of a record)"
                                                        : "Change a record's status: located, cleared, cancelled (withdraws it)");
    if (std::string(name) == "report")
      for (const char* f : kRecordFields) sub->add_option(std::string("--") + f, c.fields[f]);
    else {
      sub->add_option("--ref", c.ref, "The record's owner_ref")->required();
      sub->add_option("--status", c.status, "active, located, cleared or cancelled")->required();
      sub->add_option("--remarks", c.remarks);
    }
  }
  add("show", "Show one of this centre's records")->add_option("--ref", c.ref, "The record's owner_ref")->required();
  auto* import = add("import", "Import records from a CSV file with a header row of field names");
  import->add_option("file", c.file)->required();
  import->add_option("--batch", c.batch, "Records per all-or-nothing batch")->capture_default_str()->check(CLI::Range(1, 1000));
  import->add_flag("--skip-bad-rows", c.skip_bad_rows, "Import the good rows and list the bad ones");
  import->add_option("--map", c.mapping,
                     "Your export's column name = record field (repeat): --map record_id=owner_ref --map unit=agency; "
                     "FIELD - leaves the column out");
  import->add_option("--map-file", c.mapping_file, "A saved mapping: one source=field per line, # comments");
  add("resync", "Publish every record of this centre to its home hubs again");
  auto* search = add("search", "Search the federation's lost/stolen index");
  for (const char* f : kSearchFields) search->add_option(std::string("--") + f, c.fields[f]);
  search->add_option("--narrow-by", c.narrow_by, "Only candidates that agree on: make, calibre, type");
  search->add_flag("--urgent", c.urgent, "Urgent: the owner must confirm or deny a hit within 10 minutes");
  search->add_flag("--exact", c.exact_only, "No approximate candidates");
  search->add_option("--wait", c.wait_seconds, "Seconds to wait for the answer");
  add("search-status", "Show a search's candidates and the owners' decisions")->add_option("search_id", c.search_id)->required();
  add("hits", "Hits on this centre's records, the undecided first");
  for (const char* name : {"confirm", "deny"}) {
    auto* sub = add(name, "Answer a hit on one of this centre's records");
    sub->add_option("hit_id", c.hit_id)->required();
    sub->add_option("--note", c.note);
  }
  add("index", "A hub's index: size, counters and recent searches");
  for (CLI::App* sub : root->get_subcommands({})) sub->add_flag("--json", c.json, "Print JSON");
}

int StolenCommands::Run() {
  auto client = Client(config);
  if (!client) return Fail(action, client.error());
  auto print = [&](const Json& j) { std::printf("%s\n", DumpJson(j, 2).c_str()); };
  if (action == "report") {
    Json record = Json::object();
    for (const auto& [k, v] : fields)
      if (!v.empty()) record[k] = v;
    auto r = client->Post("/v1/stolen/records", {{"records", Json::array({record})}});
    if (!r) return Fail(action, r.error());
    std::printf("Recorded %s; published to %zu home hub(s).\n", Text(record, "owner_ref").c_str(),
                (*r)["published_to_hubs"].get<size_t>());
    return 0;
  }
  if (action == "update") {
    Json body{{"status", status}};
    if (!remarks.empty()) body["remarks"] = remarks;
    auto r = client->Post("/v1/stolen/records/" + ref + "/status", body);
    if (!r) return Fail(action, r.error());
    std::printf("%s is now %s; the home hubs are told.\n", ref.c_str(), status.c_str());
    return 0;
  }
  if (action == "show") {
    auto r = client->Get("/v1/stolen/records/" + ref);
    if (!r) return Fail(action, r.error());
    if (json) return print(*r), 0;
    for (auto& [k, v] : r->items())
      if (v.is_string() && !v.get<std::string>().empty()) std::printf("%-24s %s\n", k.c_str(), v.get<std::string>().c_str());
    std::printf("%-24s %s\n", "version", FormatUtc((*r)["version_ms"].get<uint64_t>()).c_str());
    return 0;
  }
  if (action == "import") return Import(*this, *client);
  if (action == "resync") {
    auto r = client->Post("/v1/stolen/resync", Json::object());
    if (!r) return Fail(action, r.error());
    std::printf("Published %zu records to the home hubs again.\n", (*r)["republished"].get<size_t>());
    return 0;
  }
  if (action == "search") {
    Json body = Json::object();
    for (const auto& [k, v] : fields)
      if (!v.empty()) body[k] = v;
    body["narrow_by"] = narrow_by;
    body["priority"] = urgent ? "urgent" : "routine";
    body["approximate"] = !exact_only;
    auto r = client->Post("/v1/stolen/searches", body);
    if (!r) return Fail(action, r.error());
    search_id = (*r)["search_id"].get<std::string>();
    if (wait_seconds <= 0) return std::printf("%s\n", search_id.c_str()), 0;
    // Long-polls: the node answers as soon as the hub's answer is committed (or after `wait`).
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_seconds);
    for (auto left = std::chrono::seconds(wait_seconds); left.count() > 0;
         left = std::chrono::duration_cast<std::chrono::seconds>(deadline - std::chrono::steady_clock::now())) {
      auto s = client->Get("/v1/stolen/searches/" + search_id + "?wait=" + std::to_string(std::min<long>(30, left.count())));
      if (!s) return Fail(action, s.error());
      if ((*s)["state"] != "sent") return json ? (print(*s), 0) : (PrintSearch(*s), 0);
    }
    std::fprintf(stderr, "No answer yet; follow it with: tracenet stolen search-status --config %s %s\n", config.c_str(),
                 search_id.c_str());
    return 3;
  }
  if (action == "search-status") {
    auto s = client->Get("/v1/stolen/searches/" + search_id);
    if (!s) return Fail(action, s.error());
    return json ? (print(*s), 0) : (PrintSearch(*s), 0);
  }
  if (action == "hits") {
    auto r = client->Get("/v1/stolen/hits");
    if (!r) return Fail(action, r.error());
    if (json) return print(*r), 0;
    for (const Json& h : (*r)["hits"]) {
      std::string state = h["decision"].is_null() ? (h["overdue"].get<bool>() ? "OVERDUE" : "to decide")
                                                  : (h["decision"]["confirmed"].get<bool>() ? "confirmed" : "denied");
      std::printf("%s  %-10s record %s  searcher %s  score %d  decide by %s\n   seizure: %s %s %s (case %s)\n",
                  Text(h, "hit_id").c_str(), state.c_str(), Text(h, "owner_ref").c_str(), Text(h, "searcher").c_str(),
                  h["score"].get<int>(), FormatUtc(h["confirm_by_ms"].get<uint64_t>()).c_str(),
                  Text(h["search"], "seizure_date").c_str(), Text(h["search"], "seizure_place").c_str(),
                  Text(h["search"], "circumstances").c_str(), Text(h["search"], "case_reference").c_str());
    }
    return 0;
  }
  if (action == "confirm" || action == "deny") {
    auto r = client->Post("/v1/stolen/hits/" + hit_id, {{"decision", action}, {"note", note}});
    if (!r) return Fail(action, r.error());
    std::printf("Hit %s %s; the searcher is told.\n", hit_id.c_str(), action == "confirm" ? "confirmed" : "denied");
    return 0;
  }
  if (action == "index") {
    auto r = client->Get("/v1/stolen/index");
    if (!r) return Fail(action, r.error());
    return json ? (print(*r), 0) : (PrintIndex(*r), 0);
  }
  return 2;
}

}  // namespace tracenet::cli
