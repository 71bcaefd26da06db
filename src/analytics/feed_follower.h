// Keeps the snapshots current with the store's change feed from one
// background thread, so that a reader never reads the store to catch up.
//
//   analytics::FeedFollower follower(db, {&results, &progress});
//   ... readers call results.Current(db) / progress.Current(db) ...
//
// The thread catches up when this process commits a change to the feed
// (store::Db::SetFeedCommitListener wakes it), when the database tells of
// another server's commit (store::Db::WaitForFeedNotice, on PostgreSQL; a
// second thread waits for those), and every `poll` in any case. A reader's Current() then returns at
// once unless a change this process committed before it is not applied
// yet, in which case it waits for the catch-up that applies it
// (read-your-writes, see ChangeFeedFollower::Run). The first catch-up, each
// snapshot's build, starts on the thread at once.
#ifndef RONGPING_ANALYTICS_FEED_FOLLOWER_H_
#define RONGPING_ANALYTICS_FEED_FOLLOWER_H_

#include <chrono>
#include <memory>
#include <thread>

#include "analytics/progress_snapshot.h"
#include "analytics/results_snapshot.h"
#include "store/db.h"

namespace rongping::analytics {

struct FeedFollowerOptions {
  // How often the feed is read for other servers' changes.
  std::chrono::milliseconds poll{250};
};

class FeedFollower {
 public:
  // Starts following; the snapshots count as followed from now on.
  // REQUIRES: `db` is not yet shared between threads (its feed commit
  // listener is set here); `db` and the snapshots outlive the follower.
  FeedFollower(store::Db& db, ResultsSnapshot& results, ProgressSnapshot& progress,
               FeedFollowerOptions options = {});
  // Stops and joins the thread; the snapshots are no longer followed (their
  // readers catch up themselves again).
  ~FeedFollower();
  FeedFollower(const FeedFollower&) = delete;
  FeedFollower& operator=(const FeedFollower&) = delete;

  // Asks for a catch-up now (changes are waiting). Thread-safe, cheap.
  void Wake();

 private:
  struct Signal;
  void Loop(std::stop_token stop);
  // Wakes the follower on each of the database's notices, while it has them.
  void Listen(std::stop_token stop);

  store::Db& db_;
  ResultsSnapshot& results_;
  ProgressSnapshot& progress_;
  FeedFollowerOptions options_;
  std::shared_ptr<Signal> signal_;  // shared with the Db's listener
  std::jthread thread_;             // last two: stopped before the rest goes
  std::jthread listener_;           // only where the Db has notices
};

}  // namespace rongping::analytics

#endif  // RONGPING_ANALYTICS_FEED_FOLLOWER_H_
