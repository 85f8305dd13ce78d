// Lost/stolen index load: generates N records (serials in realistic shapes, makes and calibres
// from the shipped tables), imports them in all-or-nothing batches, then measures exact and
// approximate (one character wrong) searches for serials that are in the index, and reports
// import rate, index size on disk and RSS. The in-memory baseline of the same run is the matcher
// alone: MatchRecord over one pair, the work every candidate costs.
// Run on demand: build/dev/tests/bench/stolen_bench [--records N] [--searches S] [--dir D]
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <atomic>
#include <future>
#include <thread>
#include <malloc.h>
#include <algorithm>
#include <random>

#include "tests/bench/bench_support.h"
#include "node/stolen/stolen_index.h"

using namespace tracenet;
using namespace tracenet::stolen;
using namespace tracenet::bench;
using SteadyClock = std::chrono::steady_clock;

namespace {

std::string SerialFor(uint64_t i, std::mt19937_64& rng) {
  static const char* kPrefixes[] = {"GLK", "SW", "FN", "HK", "RG", "BER", "CZ", "IMI", "AK", "TX", "NR", "ZA", "", "", ""};
  std::string s = kPrefixes[rng() % 15];
  std::string digits = std::to_string(1'000'000'000ull + i * 7919 % 1'000'000'000ull).substr(1);
  s += digits.substr(rng() % 3);
  if (rng() % 5 == 0) s.push_back("ABCDEFHJKMNPRTUVWXY"[rng() % 19]);
  return s;
}

double Us(SteadyClock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  size_t records = 1'000'000, searches = 20'000, batch = 25'000;
  std::string dir = "/tmp/tracenet-stolen-bench";
  CLI::App app{"Lost/stolen index: import rate, exact and approximate search latency, size, memory"};
  app.add_option("--records", records)->capture_default_str();
  app.add_option("--searches", searches)->capture_default_str();
  app.add_option("--batch", batch, "Records per all-or-nothing import batch")->capture_default_str();
  app.add_option("--dir", dir, "Index directory (emptied first)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  std::filesystem::remove_all(dir);
  auto index = StolenIndex::Open(dir);
  if (!index) return std::fprintf(stderr, "%s\n", index.error().message.c_str()), 1;

  static const char* kMakes[] = {"Glock", "Smith & Wesson", "FN Herstal", "Heckler & Koch", "Sturm Ruger", "Beretta",
                                 "Ceska Zbrojovka", "Taurus", "Norinco", "Zastava"};
  static const char* kCalibres[] = {"9x19mm", ".45 ACP", "7.62x39mm", "5.56x45mm NATO", ".22 LR", "12 gauge", ".38 Special"};
  std::vector<std::string> sample;  // serials to search for later
  // A batch as an import reads it (here generated, as a CSV export would be parsed) and makes
  // it ready for the index, on another core while the previous batch is written.
  struct Ready {
    Result<PreparedBatch> prepared;
    std::vector<std::string> sample;
  };
  auto read_batch = [&](size_t first, size_t count) {
    std::mt19937_64 rng(2026 + first);
    std::vector<StolenRecord> chunk;
    std::vector<std::string> picked;
    for (size_t i = first; i < first + count; ++i) {
      StolenRecord r;
      r.owner = "MEMBER-" + std::to_string(i % 40);
      r.owner_ref = "R" + std::to_string(i);
      r.serial = SerialFor(i, rng);
      r.make = kMakes[rng() % 10];
      r.calibre = kCalibres[rng() % 7];
      r.type = "pistol";
      r.event_date = "2025-06-01";
      if (rng() % std::max<size_t>(1, records / searches) == 0) picked.push_back(r.serial);
      chunk.push_back(std::move(r));
    }
    return Ready{StolenIndex::Prepare(chunk), std::move(picked)};
  };
  // Peaks of the process's own memory (anonymous: heap, stacks) and of index pages it has
  // mapped (file-backed: the kernel's page cache, clean or written back, shared, reclaimable),
  // sampled every 10 ms through the whole run.
  std::atomic<bool> sampling{true};
  std::atomic<long> peak_anon{0}, peak_file{0};
  std::thread sampler([&] {
    while (sampling) {
      peak_anon = std::max(peak_anon.load(), RssKiB(::getpid(), "RssAnon"));
      peak_file = std::max(peak_file.load(), RssKiB(::getpid(), "RssFile"));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  auto import_started = SteadyClock::now();
  std::future<Ready> pending;
  auto commit_pending = [&]() -> Status {
    if (!pending.valid()) return Status::Ok();
    Ready ready = pending.get();
    if (!ready.prepared) return ready.prepared.error();
    for (std::string& s : ready.sample)
      if (sample.size() < searches) sample.push_back(std::move(s));
    return (*index)->Commit(std::move(*ready.prepared));
  };
  for (size_t first = 0; first < records; first += batch) {
    auto next = std::async(std::launch::async, read_batch, first, std::min(batch, records - first));
    if (Status s = commit_pending(); !s) return std::fprintf(stderr, "%s\n", s.error().message.c_str()), 1;
    pending = std::move(next);
  }
  if (Status s = commit_pending(); !s) return std::fprintf(stderr, "%s\n", s.error().message.c_str()), 1;
  double committed_s = std::chrono::duration<double>(SteadyClock::now() - import_started).count();
  size_t runs_after_import = (*index)->runs().size();
  // The import is done when the background merges it started are: searches read fewest runs.
  if (Status s = (*index)->MergeAll(); !s) return std::fprintf(stderr, "%s\n", s.error().message.c_str()), 1;
  double import_s = std::chrono::duration<double>(SteadyClock::now() - import_started).count();
  long import_peak_anon = peak_anon;
  ::malloc_trim(0);  // the import's batches are gone; hand their memory back as a node does

  // Baseline: the matcher on one pair, in memory.
  auto q = SerialFormsOf("GLK123456789", true).value();
  auto rec = SerialFormsOf("GLK123456789").value();
  auto base_started = SteadyClock::now();
  size_t base_runs = 200'000;
  for (size_t i = 0; i < base_runs; ++i)
    if (!MatchRecord({q, "Glock", "9mm", "", false, false, false}, {rec, "Glock", "9x19mm", "pistol"})) return 1;
  double base_us = Us(SteadyClock::now() - base_started) / base_runs;

  size_t crowded = 0, truncated = 0, examined = 0, read = 0;  // why an approximate search missed its record
  auto run = [&](bool approximate, std::vector<uint64_t>& lat, size_t& found) {
    std::mt19937_64 pick(7);
    auto started = SteadyClock::now();
    for (const std::string& serial : sample) {
      std::string s = serial;
      if (approximate) s[s.size() / 2] = s[s.size() / 2] == '7' ? '3' : '7';  // one character misread
      SearchQuery query{SerialFormsOf(s, true).value(), "", "", "", false, false, false, approximate};
      auto t0 = SteadyClock::now();
      auto r = (*index)->Search(query, 20);
      lat.push_back(static_cast<uint64_t>(Us(SteadyClock::now() - t0) * 1000));
      if (!r) continue;
      if (approximate) examined += r->examined, read += r->records_read;
      bool hit = std::any_of(r->hits.begin(), r->hits.end(), [&](const SearchHit& h) { return h.record.serial == serial; });
      found += hit;
      if (!hit && r->truncated) ++truncated, std::fprintf(stderr, "truncated: %s searched as %s\n", serial.c_str(), s.c_str());
      else if (!hit && r->hits.size() == 20) ++crowded;
      else if (!hit) std::fprintf(stderr, "not found: %s searched as %s\n", serial.c_str(), s.c_str());
    }
    return sample.size() / std::chrono::duration<double>(SteadyClock::now() - started).count();
  };
  std::vector<uint64_t> exact_ns, approx_ns;
  size_t exact_found = 0, approx_found = 0;
  double exact_rate = run(false, exact_ns, exact_found);
  double approx_rate = run(true, approx_ns, approx_found);
  size_t bytes = (*index)->env().used_bytes();
  sampling = false;
  sampler.join();
  long peak = RssKiB(::getpid(), "VmHWM");
  std::printf("records:            %zu imported in %.1f s = %.0f records/s (all-or-nothing batches of %zu), merges included\n",
              records, import_s, records / import_s, batch);
  std::printf("                    last batch committed at %.1f s (%.0f records/s) with %zu runs; merged to %zu runs\n",
              committed_s, records / committed_s, runs_after_import, (*index)->runs().size());
  std::printf("index on disk:      %.1f MiB (%.0f bytes per record)\n", bytes / 1048576.0,
              static_cast<double>(bytes) / static_cast<double>(records));
  std::printf("exact search:       (equal after normalisation, NCIC or confusables) %zu serials, %zu found, %.0f searches/s, p50 %.3f ms, p99 %.3f ms\n", sample.size(),
              exact_found, exact_rate, Percentile(exact_ns, 0.5) / 1e6, Percentile(exact_ns, 0.99) / 1e6);
  std::printf("approximate search: one character wrong, %zu found, %.0f searches/s, p50 %.3f ms, p99 %.3f ms\n",
              approx_found, approx_rate, Percentile(approx_ns, 0.5) / 1e6, Percentile(approx_ns, 0.99) / 1e6);
  std::printf("                    per search: %zu index entries examined, %zu records read and matched\n",
              examined / std::max<size_t>(1, sample.size()), read / std::max<size_t>(1, sample.size()));
  std::printf("                    missed: %zu behind 20 better candidates (the misread serial is another record's), %zu in a range over the scan limit\n",
              crowded, truncated);
  std::printf("baseline:           MatchRecord on one pair in memory %.2f us; exact search p50 = %.0fx that\n", base_us,
              Percentile(exact_ns, 0.5) / 1e3 / base_us);
  std::printf("memory:             peak RSS %ld KiB = process memory (anonymous) up to %ld KiB + index pages mapped from the page cache up to %ld KiB\n",
              peak, peak_anon.load(), peak_file.load());
  std::printf("                    process memory peak during the import %ld KiB\n", import_peak_anon);
  std::filesystem::remove_all(dir);
  return exact_found == sample.size() ? 0 : 1;
}
