#include "adapters/conformance/conformance_check.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "adapters/conformance/fixture.h"

namespace tracenet::adapters::conformance {

namespace {

using Clock = std::chrono::steady_clock;

const char* OutcomeText(FindingOutcome o) {
  return o == FindingOutcome::kFound ? "found" : o == FindingOutcome::kPartial ? "partial" : "no record";
}

WeaponQuery Query(std::string serial, std::string make) {
  WeaponQuery q;
  q.serial = std::move(serial);
  q.manufacturer = std::move(make);
  return q;
}

// Times every lookup, so the deadline check covers the whole battery.
class TimedAdapter {
 public:
  explicit TimedAdapter(RegistryAdapter& a) : m_adapter(a) {}
  Result<Findings> Lookup(const WeaponQuery& q) {
    auto start = Clock::now();
    auto r = m_adapter.Lookup(q);
    auto took = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
    std::lock_guard lock(m_mutex);
    m_latencies.push_back(took);
    return r;
  }
  std::vector<std::chrono::microseconds> latencies() {
    std::lock_guard lock(m_mutex);
    return m_latencies;
  }

 private:
  RegistryAdapter& m_adapter;
  std::mutex m_mutex;
  std::vector<std::chrono::microseconds> m_latencies;
};

// Empty when `got` is what the fixture says `want` holds; otherwise the first difference.
std::string Compare(const FixtureWeapon& want, const Result<Findings>& got) {
  std::string who = want.serial + " (" + want.manufacturer + ")";
  if (!got) return who + ": error: " + got.error().message;
  if (got->outcome != want.expected)
    return who + ": outcome " + OutcomeText(got->outcome) + ", expected " + OutcomeText(want.expected);
  if (got->manufacturer != want.manufacturer || got->model != want.model || got->calibre != want.calibre)
    return who + ": weapon reads \"" + got->manufacturer + " " + got->model + " " + got->calibre + "\", expected \"" +
           want.manufacturer + " " + want.model + " " + want.calibre + "\"";
  if (got->chain.size() != want.chain.size())
    return who + ": " + std::to_string(got->chain.size()) + " custody records, expected " + std::to_string(want.chain.size());
  for (size_t i = 0; i < want.chain.size(); ++i) {
    const CustodyEntry& g = got->chain[i];
    const CustodyEntry& w = want.chain[i];
    std::string expected_out = i + 1 < want.chain.size() ? want.chain[i + 1].date_in : "";
    if (g.role != w.role || g.name != w.name || g.date_in != w.date_in)
      return who + ": custody " + std::to_string(i + 1) + " is " + g.role + " \"" + g.name + "\" " + g.date_in +
             ", expected " + w.role + " \"" + w.name + "\" " + w.date_in;
    if (g.date_out != expected_out)
      return who + ": custody " + std::to_string(i + 1) + " date_out \"" + g.date_out + "\", expected \"" + expected_out + "\"";
  }
  return {};
}

// Queries quoted in a report: control and non-ASCII bytes shown as '?', at most 40 characters.
std::string Printable(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, 40)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out;
}

const FixtureWeapon& Weapon(const std::string& serial, const std::string& make) {
  for (const FixtureWeapon& w : FixtureWeapons())
    if (w.serial == serial && w.manufacturer == make) return w;
  std::abort();  // the battery names only fixture weapons
}

CheckResult Expect(std::string name, const std::vector<std::pair<WeaponQuery, const FixtureWeapon*>>& cases,
                   TimedAdapter& adapter) {
  CheckResult r{std::move(name), true, ""};
  for (const auto& [query, want] : cases) {
    auto got = adapter.Lookup(query);
    std::string problem;
    if (want) problem = Compare(*want, got);
    else if (!got) problem = "query \"" + Printable(query.serial) + "\": error: " + got.error().message;
    else if (got->outcome != FindingOutcome::kNoRecord)
      problem = "query \"" + Printable(query.serial) + "\" / \"" + Printable(query.manufacturer) + "\" matched a record (" +
                OutcomeText(got->outcome) + "); expected no record";
    if (!problem.empty()) return {r.name, false, problem};
  }
  r.detail = std::to_string(cases.size()) + " lookups as expected";
  return r;
}

std::vector<std::string> HostileStrings() {
  return {"' OR '1'='1",
          "TNCK-1001' OR '1'='1' --",
          "\"; DROP TABLE weapons; --",
          "TNCK-1001; DELETE FROM weapons",
          "1 UNION SELECT * FROM weapons",
          "%' OR serial LIKE '%",
          "$(touch /tmp/tracenet-conformance-pwned)",
          "`id`",
          "TNCK-1001 | cat /etc/passwd",
          "TNCK\n{\"type\":\"findings\",\"id\":1,\"outcome\":\"found\"}",
          "%s%s%s%n",
          "..\\..\\..\\etc\\passwd",
          std::string("ZZ\0' OR 1=1", 11),
          std::string(65536, 'A'),
          "\xff\xfe\xc3\x28\xa0\xa1TNCK",
          "\xed\xa0\x80\xf4\x90\x80\x80"};
}

}  // namespace

std::vector<CheckResult> RunConformance(RegistryAdapter& raw, const ConformanceOptions& options) {
  TimedAdapter adapter(raw);
  std::vector<CheckResult> results;

  Status health = raw.Health();
  results.push_back({"health before", health.ok(), health.ok() ? "healthy" : health.error().message});

  std::vector<std::pair<WeaponQuery, const FixtureWeapon*>> known;
  for (const FixtureWeapon& w : FixtureWeapons()) known.push_back({Query(w.serial, w.manufacturer), &w});
  results.push_back(Expect("known records, full chain", known, adapter));

  results.push_back(Expect("unknown serials not found",
                           {{Query("TNCK-9999", "Glock"), nullptr},
                            {Query("ZZ-000000", "Beretta"), nullptr},
                            {Query("TNCK-100", "Glock"), nullptr},
                            {Query("TNCK-10011", "Glock"), nullptr},
                            {Query("", "Glock"), nullptr},
                            {Query("---", "Glock"), nullptr}},
                           adapter));

  results.push_back(Expect("normalised serial forms",
                           {{Query("tnck 1001", "GLOCK"), &Weapon("TNCK-1001", "Glock")},
                            {Query("TNCK1OO1", "glock"), &Weapon("TNCK-1001", "Glock")},
                            {Query(" t-n-c-k.1001 ", "Glock"), &Weapon("TNCK-1001", "Glock")},
                            {Query("AB1007", "FN Herstal"), &Weapon("AB-10O7", "FN Herstal")},
                            {Query("ab-1oo7", "FN Herstal"), &Weapon("AB-10O7", "FN Herstal")}},
                           adapter));

  results.push_back(Expect("make aliases and disambiguation",
                           {{Query("TNCK-1002", "S&W"), &Weapon("TNCK-1002", "Smith & Wesson")},
                            {Query("TNCK-1006", "H&K"), &Weapon("TNCK-1006", "Heckler & Koch")},
                            {Query("AB-10O7", "FN"), &Weapon("AB-10O7", "FN Herstal")},
                            {Query("TNCK-1004", "Glock"), &Weapon("TNCK-1004", "Glock")},
                            {Query("TNCK-1004", "Beretta"), &Weapon("TNCK-1004", "Beretta")},
                            {Query("TNCK-1004", "Colt"), nullptr},
                            {Query("TNCK-1001", "Beretta"), nullptr}},
                           adapter));

  std::vector<std::pair<WeaponQuery, const FixtureWeapon*>> hostile;
  for (const std::string& s : HostileStrings()) {
    hostile.push_back({Query(s, "Glock"), nullptr});
    hostile.push_back({Query("TNCK-9999", s), nullptr});
    WeaponQuery noisy = Query("TNCK-1001", "Glock");
    noisy.model = noisy.type = noisy.calibre = noisy.country_of_manufacture = s;
    hostile.push_back({noisy, &Weapon("TNCK-1001", "Glock")});
  }
  results.push_back(Expect("injection-like input treated as data", hostile, adapter));
  results.push_back(Expect("registry intact after hostile input", known, adapter));

  // Concurrent lookups, as the node's lookup threads make them.
  {
    std::atomic<size_t> wrong{0};
    std::mutex first_mutex;
    std::string first_problem;
    std::vector<std::thread> threads;
    for (size_t t = 0; t < options.concurrent_threads; ++t)
      threads.emplace_back([&, t] {
        for (size_t i = 0; i < options.lookups_per_thread; ++i) {
          const FixtureWeapon& w = FixtureWeapons()[(t + i) % FixtureWeapons().size()];
          bool unknown = (i % 3) == 2;
          auto got = adapter.Lookup(Query(unknown ? "TNCK-" + std::to_string(5000 + t * 100 + i) : w.serial, w.manufacturer));
          std::string problem =
              unknown ? (!got ? got.error().message : got->outcome == FindingOutcome::kNoRecord ? "" : "unknown serial matched")
                      : Compare(w, got);
          if (!problem.empty()) {
            ++wrong;
            std::lock_guard lock(first_mutex);
            if (first_problem.empty()) first_problem = problem;
          }
        }
      });
    for (auto& t : threads) t.join();
    size_t total = options.concurrent_threads * options.lookups_per_thread;
    results.push_back({"concurrent lookups", wrong == 0,
                       wrong == 0 ? std::to_string(total) + " lookups on " + std::to_string(options.concurrent_threads) +
                                        " threads, all correct"
                                  : std::to_string(wrong.load()) + " of " + std::to_string(total) + " wrong; first: " +
                                        first_problem});
  }

  auto latencies = adapter.latencies();
  std::sort(latencies.begin(), latencies.end());
  auto slowest = latencies.empty() ? std::chrono::microseconds(0) : latencies.back();
  auto p99 = latencies.empty() ? std::chrono::microseconds(0) : latencies[latencies.size() * 99 / 100];
  bool in_time = slowest < options.deadline;
  results.push_back({"deadline honoured", in_time,
                     std::to_string(latencies.size()) + " lookups, p99 " + std::to_string(p99.count() / 1000.0).substr(0, 6) +
                         " ms, slowest " + std::to_string(slowest.count() / 1000.0).substr(0, 6) + " ms, deadline " +
                         std::to_string(options.deadline.count()) + " ms"});

  health = raw.Health();
  results.push_back({"health after", health.ok(), health.ok() ? "healthy" : health.error().message});
  return results;
}

std::string RenderReport(const std::vector<CheckResult>& results) {
  size_t width = 0;
  for (const CheckResult& r : results) width = std::max(width, r.name.size());
  std::string out;
  size_t passed = 0;
  for (const CheckResult& r : results) {
    passed += r.passed;
    out += r.name + std::string(width + 2 - r.name.size(), ' ') + (r.passed ? "PASS  " : "FAIL  ") + r.detail + "\n";
  }
  out += std::to_string(passed) + " of " + std::to_string(results.size()) + " checks passed\n";
  return out;
}

}  // namespace tracenet::adapters::conformance
