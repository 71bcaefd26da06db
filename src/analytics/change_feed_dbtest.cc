#include "analytics/change_feed.h"

#include <gtest/gtest.h>

#include <vector>

#include "store/test_support.h"

namespace rongping::analytics {
namespace {

// A feed of `total` changes numbered 1..total, read by the follower through
// a scan that records what it was asked for.
struct FakeFeed {
  explicit FakeFeed(int64_t changes) : total(changes) {}
  int64_t total = 0;
  int64_t fail_after = -1;  // fail the scan asked to read after this seq
  std::vector<std::pair<int64_t, int64_t>> asked;  // (after_seq, limit)
  std::vector<int64_t> applied;

  ChangeFeedFollower::ScanBatch Scan() {
    return [this](store::Tx&, int64_t after, int64_t limit) -> Result<store::ChangeBatch> {
      asked.emplace_back(after, limit);
      if (after == fail_after) return Fail(Error::Internal("feed unavailable"));
      store::ChangeBatch batch{after, false};
      int64_t read = 0;
      for (int64_t seq = after + 1; seq <= total && read < limit; ++seq, ++read) {
        applied.push_back(seq);
        batch.last_seq = seq;
      }
      batch.more = read == limit;
      return batch;
    };
  }
};

TEST(ChangeFeedFollower, ReadsBatchByBatchUntilOneComesBackShort) {
  testing::TempDb t;
  FakeFeed feed{7};
  ChangeFeedFollower follower(3);
  ASSERT_TRUE(follower.CatchUp(t.db(), feed.Scan()));
  EXPECT_EQ(follower.last_seq(), 7);
  EXPECT_EQ(feed.asked, (std::vector<std::pair<int64_t, int64_t>>{{0, 3}, {3, 3}, {6, 3}}));
  EXPECT_EQ(feed.applied, (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7}));
  // Nothing new: one short read, the position stays.
  feed.asked.clear();
  ASSERT_TRUE(follower.CatchUp(t.db(), feed.Scan()));
  EXPECT_EQ(follower.last_seq(), 7);
  EXPECT_EQ(feed.asked.size(), 1u);
  // A full last batch needs one more (empty) read to know it is the end.
  FakeFeed exact{6};
  ChangeFeedFollower other(3);
  ASSERT_TRUE(other.CatchUp(t.db(), exact.Scan()));
  EXPECT_EQ(other.last_seq(), 6);
  EXPECT_EQ(exact.asked.size(), 3u);
}

TEST(ChangeFeedFollower, StartsAfterAGivenPositionAndKeepsWhatItAppliedOnAnError) {
  testing::TempDb t;
  FakeFeed feed{10};
  feed.fail_after = 6;
  ChangeFeedFollower follower(2);
  follower.StartAfter(2);
  auto r = follower.CatchUp(t.db(), feed.Scan());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "feed unavailable");
  EXPECT_EQ(follower.last_seq(), 6);  // batches 3-4 and 5-6 were applied
  EXPECT_EQ(feed.applied, (std::vector<int64_t>{3, 4, 5, 6}));
  feed.fail_after = -1;
  ASSERT_TRUE(follower.CatchUp(t.db(), feed.Scan()));
  EXPECT_EQ(follower.last_seq(), 10);
}

}  // namespace
}  // namespace rongping::analytics
