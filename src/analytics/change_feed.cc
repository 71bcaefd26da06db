#include "analytics/change_feed.h"

namespace rongping::analytics {

Result<void> ChangeFeedFollower::Run(store::Db& db, bool local_only,
                                     const std::function<Result<void>()>& catch_up) {
  const uint64_t needed = db.LocalFeedCommits();
  if (local_only && CoversLocalCommits(needed)) return {};
  std::lock_guard lock(run_mu_);
  if (local_only && CoversLocalCommits(needed)) return {};  // the catch-up just waited for did
  // Counted before any read begins: the reads see at least these commits.
  const uint64_t commits = db.LocalFeedCommits();
  auto caught_up = catch_up();
  if (caught_up) applied_commits_.store(static_cast<int64_t>(commits), std::memory_order_release);
  return caught_up;
}

Result<void> ChangeFeedFollower::ReadAll(store::Db& db, const ScanBatch& scan,
                                         const ApplyBatch& apply) {
  for (;;) {
    auto read =
        InTx(db, store::TxMode::kRead, [&](store::Tx& tx) { return scan(tx, last_seq(), batch_); });
    apply(/*keep=*/read.has_value());
    if (!read) return Fail(read.error());
    last_seq_.store(read->last_seq, std::memory_order_release);
    if (!read->more) return {};
  }
}

}  // namespace rongping::analytics
