// The lookup threads' deadline: a registry call that hangs is reported as timed out on time,
// its thread is replaced, other lookups carry on, and the late answer is dropped.
#include "node/runtime/registry_worker.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <set>

namespace tracenet::runtime {
namespace {

// Fault injection: serials starting with "HANG" block until released.
class StallingAdapter final : public adapters::RegistryAdapter {
 public:
  std::string name() const override { return "stalling"; }
  Result<adapters::Findings> Lookup(const adapters::WeaponQuery& q) override {
    if (q.serial == "THROW") throw std::runtime_error("registry driver bug");
    if (q.serial.rfind("HANG", 0) == 0) {
      std::unique_lock lock(m_mutex);
      m_cv.wait(lock, [&] { return m_released; });
    }
    adapters::Findings f;
    f.outcome = adapters::FindingOutcome::kPartial;
    return f;
  }
  Status Health() override { return Status::Ok(); }
  void Release() {
    {
      std::lock_guard lock(m_mutex);
      m_released = true;
    }
    m_cv.notify_all();
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_released = false;
};

trace::LookupJob Job(uint8_t id, const std::string& serial) {
  trace::LookupJob job;
  job.case_id = Bytes{id};
  job.query.serial = serial;
  return job;
}

TEST(RegistryWorkerTest, AStuckLookupTimesOutWhileOthersAreAnsweredAndItsLateAnswerIsDropped) {
  auto adapter = std::make_shared<StallingAdapter>();
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<LookupOutcome> outcomes;
  RegistryWorkerOptions options;
  options.workers = 2;
  options.deadline = std::chrono::milliseconds(300);
  {
    RegistryWorker worker(adapter, options, [&](LookupOutcome o) {
      std::lock_guard lock(mutex);
      outcomes.push_back(std::move(o));
      cv.notify_all();
    });
    // More stuck lookups than threads: replacements keep the pool serving.
    worker.Enqueue(Job(1, "HANG-1"));
    worker.Enqueue(Job(2, "HANG-2"));
    worker.Enqueue(Job(3, "HANG-3"));
    for (uint8_t i = 10; i < 20; ++i) worker.Enqueue(Job(i, "OK-" + std::to_string(i)));
    std::unique_lock lock(mutex);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return outcomes.size() >= 13; }))
        << outcomes.size() << " outcomes";
    std::set<uint8_t> timed_out, answered;
    for (const LookupOutcome& o : outcomes) {
      if (o.findings) answered.insert(o.job.case_id[0]);
      else {
        EXPECT_EQ(o.findings.error().code, Errc::kTimeout);
        EXPECT_NE(o.findings.error().message.find("did not answer within 300 ms"), std::string::npos);
        timed_out.insert(o.job.case_id[0]);
      }
    }
    EXPECT_EQ(timed_out, (std::set<uint8_t>{1, 2, 3}));
    EXPECT_EQ(answered.size(), 10u);
    EXPECT_EQ(worker.counters().timeouts, 3u);
    lock.unlock();
    adapter->Release();  // the stuck calls return now; their answers must not be delivered
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    lock.lock();
    EXPECT_EQ(outcomes.size(), 13u);
  }
}

TEST(RegistryWorkerTest, AnAdapterThatThrowsCostsOneLookupAndTheWorkerCarriesOn) {
  auto adapter = std::make_shared<StallingAdapter>();
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<LookupOutcome> outcomes;
  RegistryWorker worker(adapter, {}, [&](LookupOutcome o) {
    std::lock_guard lock(mutex);
    outcomes.push_back(std::move(o));
    cv.notify_all();
  });
  worker.Enqueue(Job(1, "THROW"));
  worker.Enqueue(Job(2, "OK"));
  std::unique_lock lock(mutex);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return outcomes.size() == 2; }));
  for (const LookupOutcome& o : outcomes) {
    if (o.job.case_id[0] == 1) {
      ASSERT_FALSE(o.findings);
      EXPECT_EQ(o.findings.error().message, "registry adapter failed: registry driver bug");
    } else {
      EXPECT_TRUE(o.findings);
    }
  }
  EXPECT_EQ(worker.counters().failures, 1u);
}

}  // namespace
}  // namespace tracenet::runtime
