// Following the store's change feed (assessment_changes): where a snapshot
// stands in it, and reading on from there. Both snapshots (results and
// progress) follow the feed through this one class.
#ifndef RONGPING_ANALYTICS_CHANGE_FEED_H_
#define RONGPING_ANALYTICS_CHANGE_FEED_H_

#include <cstdint>
#include <functional>

#include "core/result.h"
#include "store/campaign.h"
#include "store/db.h"

namespace rongping::analytics {

class ChangeFeedFollower {
 public:
  // Reads the changes after `after_seq`, at most `limit`, applying each, and
  // says how far it got (store::ScanChanges, store::ScanResultChanges).
  using ScanBatch = std::function<Result<store::ChangeBatch>(store::Tx& tx, int64_t after_seq, int64_t limit)>;

  // `batch`: the most changes read in one transaction. REQUIRES: batch >= 1.
  explicit ChangeFeedFollower(int64_t batch) : batch_(batch) {}

  // The newest change applied (0 before any).
  int64_t last_seq() const { return last_seq_; }

  // Continues from `seq` (after a build that read the tables whole).
  void StartAfter(int64_t seq) { last_seq_ = seq; }

  // Applies every change after last_seq() with `scan`, batch by batch, each
  // batch in a read transaction of its own, until a batch comes back short.
  // On an error the changes of the batches before it stay applied and
  // last_seq() says how far. Not thread-safe: the snapshot's lock covers it.
  Result<void> CatchUp(store::Db& db, const ScanBatch& scan);

 private:
  int64_t batch_;
  int64_t last_seq_ = 0;
};

}  // namespace rongping::analytics

#endif  // RONGPING_ANALYTICS_CHANGE_FEED_H_
