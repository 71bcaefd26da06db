#include "jobs/job_runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "core/time.h"
#include "store/test_support.h"

namespace rongping::jobs {
namespace {

int64_t Enqueue(store::Db& db, const std::string& kind, const std::string& input) {
  auto id = InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) { return store::EnqueueJob(tx, kind, 7, input); });
  EXPECT_TRUE(id) << id.error().message;
  return *id;
}

domain::Job Find(store::Db& db, int64_t id) {
  auto job = InTx(db, store::TxMode::kRead, [&](store::Tx& tx) { return store::FindJob(tx, id, true); });
  EXPECT_TRUE(job && *job);
  return **job;
}

TEST(JobRunner, StoresResultsAndErrors) {
  testing::TempDb t;
  JobRunner runner(t.db());
  runner.Handle("echo", [](const domain::Job& job, std::stop_token) -> Result<JobOutput> {
    return JobOutput{"application/octet-stream", "out.bin", job.input + std::string("\0\xff", 2)};
  });
  runner.Handle("bad", [](const domain::Job&, std::stop_token) -> Result<JobOutput> {
    return Fail(Error::Unavailable("浏览器不可用"));
  });
  runner.Handle("throws", [](const domain::Job&, std::stop_token) -> Result<JobOutput> {
    throw std::runtime_error("boom");
  });
  int64_t echo = Enqueue(t.db(), "echo", "你好");
  int64_t bad = Enqueue(t.db(), "bad", "");
  int64_t throws = Enqueue(t.db(), "throws", "");
  int64_t unknown = Enqueue(t.db(), "nobody", "");
  EXPECT_EQ(Find(t.db(), echo).status, "queued");
  auto ran = runner.RunPending();
  ASSERT_TRUE(ran);
  EXPECT_EQ(*ran, 4);
  domain::Job done = Find(t.db(), echo);
  EXPECT_EQ(done.status, "done");
  EXPECT_EQ(done.result, std::string("你好\0\xff", 8));  // binary survives
  EXPECT_EQ(done.result_name, "out.bin");
  EXPECT_EQ(done.owner_user_id, 7);
  EXPECT_FALSE(done.finished_at.empty());
  EXPECT_EQ(Find(t.db(), bad).status, "failed");
  EXPECT_EQ(Find(t.db(), bad).error, "浏览器不可用");
  EXPECT_NE(Find(t.db(), throws).error.find("boom"), std::string::npos);
  EXPECT_NE(Find(t.db(), unknown).error.find("nobody"), std::string::npos);
  EXPECT_EQ(*runner.RunPending(), 0);
}

TEST(JobStore, AJobWhoseServerStoppedIsTakenAgainThenGivenUp) {
  testing::TempDb t;
  int64_t id = Enqueue(t.db(), "echo", "x");
  auto claim = [&](int64_t now) {
    auto job = InTx(t.db(), store::TxMode::kWrite, [&](store::Tx& tx) { return store::ClaimJob(tx, now, 10, 2); });
    EXPECT_TRUE(job);
    return *job;
  };
  auto claimable = [&](int64_t now) {
    return *InTx(t.db(), store::TxMode::kRead, [&](store::Tx& tx) { return store::HasClaimableJob(tx, now); });
  };
  auto first = claim(1000);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, id);
  EXPECT_EQ(first->attempts, 1);
  EXPECT_FALSE(claimable(1005));  // under its lease
  EXPECT_FALSE(claim(1005));
  EXPECT_TRUE(claimable(1011));   // the lease ran out: its server stopped
  auto second = claim(1011);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->attempts, 2);
  EXPECT_FALSE(claim(1030));  // two attempts were the limit: given up
  domain::Job given_up = Find(t.db(), id);
  EXPECT_EQ(given_up.status, "failed");
  EXPECT_NE(given_up.error.find("请重新提交"), std::string::npos);
}

TEST(JobRunner, TwoRunnersOnOneDatabaseRunEachJobOnce) {
  testing::TempDb t;
  std::mutex mu;
  std::map<int64_t, int> runs;
  auto handler = [&](const domain::Job& job, std::stop_token) -> Result<JobOutput> {
    std::lock_guard lock(mu);
    ++runs[job.id];
    return JobOutput{"text/plain", "a.txt", "ok"};
  };
  JobRunner a(t.db()), b(t.db());
  a.Handle("echo", handler);
  b.Handle("echo", handler);
  for (int i = 0; i < 40; ++i) Enqueue(t.db(), "echo", std::to_string(i));
  std::atomic<int> ran{0};
  std::thread ta([&] { ran += *a.RunPending(); });
  std::thread tb([&] { ran += *b.RunPending(); });
  ta.join();
  tb.join();
  EXPECT_EQ(ran.load(), 40);
  ASSERT_EQ(runs.size(), 40u);
  for (const auto& [id, n] : runs) EXPECT_EQ(n, 1) << id;
}

TEST(JobRunner, AStartedRunnerPicksUpAQueuedJob) {
  testing::TempDb t;
  JobRunner runner(t.db(), {.lease_seconds = 60, .max_attempts = 3, .poll_milliseconds = 50});
  runner.Handle("echo", [](const domain::Job&, std::stop_token) -> Result<JobOutput> {
    return JobOutput{"text/plain", "a", "b"};
  });
  runner.Start();
  int64_t id = Enqueue(t.db(), "echo", "");
  runner.Wake();
  for (int i = 0; i < 200 && Find(t.db(), id).status != "done"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(Find(t.db(), id).status, "done");
  runner.Stop();
  runner.Stop();  // idempotent
}

// A stopping server does not wait for a long job: the handler is told to
// stop, and the job goes back to the queue uncounted, for the next runner.
TEST(JobRunner, StopInterruptsTheJobInHandAndQueuesItAgain) {
  testing::TempDb t;
  std::atomic<bool> started{false};
  JobRunner runner(t.db(), {.lease_seconds = 60, .max_attempts = 3, .poll_milliseconds = 50});
  runner.Handle("slow", [&](const domain::Job&, std::stop_token stop) -> Result<JobOutput> {
    started = true;
    for (int i = 0; i < 3000 && !stop.stop_requested(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (stop.stop_requested()) return Fail(Error::Unavailable("stopped"));
    return JobOutput{"text/plain", "a", "too late"};
  });
  runner.Start();
  int64_t id = Enqueue(t.db(), "slow", "");
  runner.Wake();
  for (int i = 0; i < 500 && !started; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(started);
  const auto begin = std::chrono::steady_clock::now();
  runner.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin,
            std::chrono::seconds(5));  // not the handler's 30 s
  domain::Job job = Find(t.db(), id);
  EXPECT_EQ(job.status, "queued");
  EXPECT_EQ(job.attempts, 0);
  EXPECT_TRUE(job.error.empty());

  // A restarted runner (here: on this thread) runs it to the end.
  JobRunner next(t.db());
  next.Handle("slow", [](const domain::Job&, std::stop_token) -> Result<JobOutput> {
    return JobOutput{"text/plain", "a", "done"};
  });
  ASSERT_EQ(*next.RunPending(), 1);
  EXPECT_EQ(Find(t.db(), id).status, "done");
  EXPECT_EQ(Find(t.db(), id).attempts, 1);
}

TEST(JobRunner, PendingJobsAreBoundedPerUserAndInAll) {
  testing::TempDb t;
  JobRunnerOptions options;
  options.max_pending_per_owner = 2;
  options.max_pending = 3;
  JobRunner runner(t.db(), options);
  runner.Handle("echo", [](const domain::Job& job, std::stop_token) -> Result<JobOutput> {
    return JobOutput{"text/plain", "a", job.input};
  });
  ASSERT_TRUE(runner.Enqueue("echo", 1, "a"));
  ASSERT_TRUE(runner.Enqueue("echo", 1, "b"));
  auto third = runner.Enqueue("echo", 1, "c");
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().kind, ErrorKind::kRateLimited);
  EXPECT_GT(third.error().retry_after_seconds, 0);
  ASSERT_TRUE(runner.Enqueue("echo", 2, "d"));
  auto full = runner.Enqueue("echo", 3, "e");
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().kind, ErrorKind::kUnavailable);
  EXPECT_GT(full.error().retry_after_seconds, 0);
  // Once they have run, the same users may queue again.
  ASSERT_TRUE(runner.RunPending());
  EXPECT_TRUE(runner.Enqueue("echo", 1, "f"));
  EXPECT_TRUE(runner.Enqueue("echo", 3, "g"));
}

// Under a clock years from the system's: the runner and the store (which
// stamps when a job finished) read the same clock.
TEST(JobRunner, FinishedJobsAndTheirResultsExpire) {
  testing::TempDb t;
  FixedClock clock = FixedClock::AtChinaDate("2031-03-01", 9);
  t.db().SetClock(clock);
  JobRunnerOptions options;
  options.result_ttl_seconds = 3600;
  options.clock = &clock;
  JobRunner runner(t.db(), options);
  runner.Handle("echo", [](const domain::Job& job, std::stop_token) -> Result<JobOutput> {
    return JobOutput{"text/plain", "a", job.input};
  });
  auto done = runner.Enqueue("echo", 1, "a");
  ASSERT_TRUE(done);
  ASSERT_TRUE(runner.RunPending());
  EXPECT_EQ(Find(t.db(), *done).finished_at, "2031-03-01T01:00:00.000Z");
  auto queued = runner.Enqueue("echo", 1, "b");
  ASSERT_TRUE(queued);
  EXPECT_EQ(Find(t.db(), *queued).created_at, "2031-03-01T01:00:00.000Z");
  auto kept = runner.DeleteExpired();
  ASSERT_TRUE(kept);
  EXPECT_EQ(*kept, 0);
  clock.AdvanceSeconds(3600 + 5);  // an hour after it finished
  auto deleted = runner.DeleteExpired();
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted, 1);
  auto gone = InTx(t.db(), store::TxMode::kRead, [&](store::Tx& tx) { return store::FindJob(tx, *done, false); });
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
  EXPECT_EQ(Find(t.db(), *queued).status, "queued");  // never expires unfinished
}

// Queueing is one transaction; a job is read back only by its owner.
TEST(JobRunner, AFailingStoreQueuesNothing) {
  testing::TempDb t;
  JobRunner runner(t.db());
  EXPECT_GE(testing::ExpectAllOrNothing(t.db(), [&](store::Db& db) { return JobRunner(db).Enqueue("echo", 1, "a"); }),
            3);
  auto id = runner.Enqueue("echo", 1, "b");
  ASSERT_TRUE(id);
  EXPECT_GE(testing::ExpectAllOrNothing(t.db(), [&](store::Db& db) { return JobRunner(db).Find(*id, 1, false); }), 2);
  auto other = runner.Find(*id, 2, false);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().kind, ErrorKind::kNotFound);
}

}  // namespace
}  // namespace rongping::jobs
