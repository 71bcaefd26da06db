// Following the store's change feed (assessment_changes): where a snapshot
// stands in it, and reading on from there. Both snapshots (results and
// progress) follow the feed through this one class.
//
// A snapshot catches up in two steps per batch: the batch is read from the
// store into a buffer of the snapshot's own (in a read transaction, without
// the snapshot's lock, so readers go on reading meanwhile), then applied
// under the snapshot's exclusive lock, which is held for the applying only.
// One catch-up runs at a time.
#ifndef RONGPING_ANALYTICS_CHANGE_FEED_H_
#define RONGPING_ANALYTICS_CHANGE_FEED_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>

#include "core/result.h"
#include "store/campaign.h"
#include "store/db.h"

namespace rongping::analytics {

class ChangeFeedFollower {
 public:
  // Reads the changes after `after_seq`, at most `limit`, into the
  // snapshot's buffer, and says how far it got (store::ScanChanges,
  // store::ScanResultChanges).
  using ScanBatch =
      std::function<Result<store::ChangeBatch>(store::Tx& tx, int64_t after_seq, int64_t limit)>;
  // Applies the buffered batch to the snapshot (taking its exclusive lock)
  // when `keep`, or drops it (its read failed); empties the buffer.
  using ApplyBatch = std::function<void(bool keep)>;

  // `batch`: the most changes read in one transaction. REQUIRES: batch >= 1.
  explicit ChangeFeedFollower(int64_t batch) : batch_(batch) {}

  // The newest change applied (0 before any).
  int64_t last_seq() const { return last_seq_.load(std::memory_order_acquire); }

  // Runs `catch_up` (a build, then ReadAll) while no other catch-up runs.
  // When it succeeds, every change that this process committed before it
  // began (store::Db::LocalFeedCommits) counts as applied.
  //
  // With `local_only`, returns at once, without running it, when the
  // changes of every commit this process made before the call are applied
  // already: the caller needs its own writes, and someone else (a
  // FeedFollower thread) reads other servers' changes. A caller that finds
  // a catch-up running waits for it, and runs none when it covered its
  // commits. Before the first successful catch-up, `local_only` runs one.
  Result<void> Run(store::Db& db, bool local_only, const std::function<Result<void>()>& catch_up);

  // Inside Run's `catch_up`: continues from `seq` (after a build that read
  // the tables whole).
  void StartAfter(int64_t seq) { last_seq_.store(seq, std::memory_order_release); }

  // Inside Run's `catch_up`: reads every change after last_seq() with
  // `scan` and applies it with `apply`, batch by batch, each batch read in
  // a read transaction of its own, until a batch comes back short. On an
  // error the batches before it stay applied and last_seq() says how far.
  Result<void> ReadAll(store::Db& db, const ScanBatch& scan, const ApplyBatch& apply);

  // Whether a FeedFollower keeps the snapshot current; see Run's
  // `local_only`.
  bool followed() const { return followed_.load(std::memory_order_acquire); }
  void set_followed(bool followed) { followed_.store(followed, std::memory_order_release); }

 private:
  bool CoversLocalCommits(uint64_t commits) const {
    return applied_commits_.load(std::memory_order_acquire) >= static_cast<int64_t>(commits);
  }

  int64_t batch_;
  std::mutex run_mu_;  // one catch-up at a time
  std::atomic<int64_t> last_seq_{0};
  // Local feed commits covered by the last successful catch-up; -1 before
  // the first.
  std::atomic<int64_t> applied_commits_{-1};
  std::atomic<bool> followed_{false};
};

}  // namespace rongping::analytics

#endif  // RONGPING_ANALYTICS_CHANGE_FEED_H_
