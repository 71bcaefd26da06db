#include "analytics/change_feed.h"

namespace rongping::analytics {

Result<void> ChangeFeedFollower::CatchUp(store::Db& db, const ScanBatch& scan) {
  for (;;) {
    auto read = InTx(db, store::TxMode::kRead, [&](store::Tx& tx) { return scan(tx, last_seq_, batch_); });
    if (!read) return Fail(read.error());
    last_seq_ = read->last_seq;
    if (!read->more) return {};
  }
}

}  // namespace rongping::analytics
