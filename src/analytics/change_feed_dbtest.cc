#include "analytics/change_feed.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "store/test_support.h"

namespace rongping::analytics {
namespace {

// A feed of `total` changes numbered 1..total, read by the follower through
// a scan that records what it was asked for.
struct FakeFeed {
  explicit FakeFeed(int64_t changes) : total(changes) {}
  int64_t total = 0;
  int64_t fail_after = -1;  // the scan asked to read after this seq buffers one change, then fails
  std::vector<std::pair<int64_t, int64_t>> asked;  // (after_seq, limit)
  std::vector<int64_t> buffered;
  std::vector<int64_t> applied;

  ChangeFeedFollower::ScanBatch Scan() {
    return [this](store::Tx&, int64_t after, int64_t limit) -> Result<store::ChangeBatch> {
      asked.emplace_back(after, limit);
      if (after == fail_after) {
        buffered.push_back(after + 1);
        return Fail(Error::Internal("feed unavailable"));
      }
      store::ChangeBatch batch{after, false};
      int64_t read = 0;
      for (int64_t seq = after + 1; seq <= total && read < limit; ++seq, ++read) {
        buffered.push_back(seq);
        batch.last_seq = seq;
      }
      batch.more = read == limit;
      return batch;
    };
  }
  ChangeFeedFollower::ApplyBatch Apply() {
    return [this](bool keep) {
      if (keep) applied.insert(applied.end(), buffered.begin(), buffered.end());
      buffered.clear();
    };
  }
  // Follower.Run with a catch-up that reads everything.
  Result<void> CatchUp(ChangeFeedFollower& follower, store::Db& db, bool local_only = false) {
    return follower.Run(db, local_only, [&] {
      ++catch_ups;
      return follower.ReadAll(db, Scan(), Apply());
    });
  }
  int catch_ups = 0;
};

// Commits a write transaction that says it appended to the change feed.
void CommitFeedWrite(store::Db& db) {
  auto tx = db.Begin(store::TxMode::kWrite);
  ASSERT_TRUE(tx);
  (*tx)->NoteFeedAppend();
  ASSERT_TRUE((*tx)->Commit());
}

TEST(ChangeFeedFollower, ReadsBatchByBatchUntilOneComesBackShort) {
  testing::TempDb t;
  FakeFeed feed{7};
  ChangeFeedFollower follower(3);
  ASSERT_TRUE(feed.CatchUp(follower, t.db()));
  EXPECT_EQ(follower.last_seq(), 7);
  EXPECT_EQ(feed.asked, (std::vector<std::pair<int64_t, int64_t>>{{0, 3}, {3, 3}, {6, 3}}));
  EXPECT_EQ(feed.applied, (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7}));
  // Nothing new: one short read, the position stays.
  feed.asked.clear();
  ASSERT_TRUE(feed.CatchUp(follower, t.db()));
  EXPECT_EQ(follower.last_seq(), 7);
  EXPECT_EQ(feed.asked.size(), 1u);
  // A full last batch needs one more (empty) read to know it is the end.
  FakeFeed exact{6};
  ChangeFeedFollower other(3);
  ASSERT_TRUE(exact.CatchUp(other, t.db()));
  EXPECT_EQ(other.last_seq(), 6);
  EXPECT_EQ(exact.asked.size(), 3u);
}

TEST(ChangeFeedFollower, StartsAfterAGivenPositionAndKeepsWhatItAppliedOnAnError) {
  testing::TempDb t;
  FakeFeed feed{10};
  feed.fail_after = 6;
  ChangeFeedFollower follower(2);
  follower.StartAfter(2);
  auto r = feed.CatchUp(follower, t.db());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "feed unavailable");
  EXPECT_EQ(follower.last_seq(), 6);  // batches 3-4 and 5-6 were applied
  EXPECT_EQ(feed.applied, (std::vector<int64_t>{3, 4, 5, 6}));  // not 7, read by the failed batch
  EXPECT_TRUE(feed.buffered.empty());
  feed.fail_after = -1;
  ASSERT_TRUE(feed.CatchUp(follower, t.db()));
  EXPECT_EQ(follower.last_seq(), 10);
}

TEST(ChangeFeedFollower, CountsOnlyFeedAppendingCommitsOfThisProcess) {
  testing::TempDb t;
  const uint64_t before = t.db().LocalFeedCommits();
  int heard = 0;
  t.db().SetFeedCommitListener([&heard] { ++heard; });
  {
    auto plain = t.db().Begin(store::TxMode::kWrite);
    ASSERT_TRUE(plain);
    ASSERT_TRUE((*plain)->Commit());
  }
  {
    auto rolled_back = t.db().Begin(store::TxMode::kWrite);
    ASSERT_TRUE(rolled_back);
    (*rolled_back)->NoteFeedAppend();
  }
  EXPECT_EQ(t.db().LocalFeedCommits(), before);
  EXPECT_EQ(heard, 0);
  CommitFeedWrite(t.db());
  EXPECT_EQ(t.db().LocalFeedCommits(), before + 1);
  EXPECT_EQ(heard, 1);
}

TEST(ChangeFeedFollower, LocalOnlyReadsOnlyWhenALocalCommitIsNotYetApplied) {
  testing::TempDb t;
  FakeFeed feed{4};
  ChangeFeedFollower follower(10);
  // Never caught up: the first call reads, local_only or not.
  ASSERT_TRUE(feed.CatchUp(follower, t.db(), /*local_only=*/true));
  EXPECT_EQ(feed.catch_ups, 1);
  EXPECT_EQ(follower.last_seq(), 4);
  // Another server's change (the feed grew) is left to the follower thread.
  feed.total = 6;
  ASSERT_TRUE(feed.CatchUp(follower, t.db(), /*local_only=*/true));
  EXPECT_EQ(feed.catch_ups, 1);
  EXPECT_EQ(follower.last_seq(), 4);
  // A change this process committed is read before the call returns.
  CommitFeedWrite(t.db());
  ASSERT_TRUE(feed.CatchUp(follower, t.db(), /*local_only=*/true));
  EXPECT_EQ(feed.catch_ups, 2);
  EXPECT_EQ(follower.last_seq(), 6);
  // A failed catch-up covers nothing: the next call reads again.
  CommitFeedWrite(t.db());
  feed.fail_after = 6;
  EXPECT_FALSE(feed.CatchUp(follower, t.db(), /*local_only=*/true));
  feed.fail_after = -1;
  feed.total = 7;
  ASSERT_TRUE(feed.CatchUp(follower, t.db(), /*local_only=*/true));
  EXPECT_EQ(feed.catch_ups, 4);
  EXPECT_EQ(follower.last_seq(), 7);
  // Without local_only every call reads.
  ASSERT_TRUE(feed.CatchUp(follower, t.db()));
  EXPECT_EQ(feed.catch_ups, 5);
}

TEST(ChangeFeedFollower, AReaderWaitsForTheRunningCatchUpThatCoversItsCommitAndRunsNone) {
  testing::TempDb t;
  ChangeFeedFollower follower(10);
  CommitFeedWrite(t.db());
  std::promise<void> started, release;
  std::thread running([&] {
    auto r = follower.Run(t.db(), false, [&]() -> Result<void> {
      started.set_value();
      release.get_future().wait();
      return {};
    });
    EXPECT_TRUE(r);
  });
  started.get_future().wait();
  // The running catch-up began after the commit: it covers it.
  std::atomic<int> reader_catch_ups = 0;
  std::atomic<bool> returned = false;
  std::thread reader([&] {
    auto r = follower.Run(t.db(), true, [&]() -> Result<void> {
      ++reader_catch_ups;
      return {};
    });
    EXPECT_TRUE(r);
    returned = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(returned);  // waiting for the running catch-up
  release.set_value();
  running.join();
  reader.join();
  EXPECT_TRUE(returned);
  EXPECT_EQ(reader_catch_ups, 0);
}

}  // namespace
}  // namespace rongping::analytics
