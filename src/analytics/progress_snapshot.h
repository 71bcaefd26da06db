// Participation of every enterprise in every round, held in memory and kept
// current from the store's change feed. Counting a province's progress over
// a million assessments is a scan of a few small arrays instead of a GROUP
// BY; several app servers each keep their own copy and agree once they have
// caught up with the feed.
#ifndef RONGPING_ANALYTICS_PROGRESS_SNAPSHOT_H_
#define RONGPING_ANALYTICS_PROGRESS_SNAPSHOT_H_

#include <cstdint>
#include <map>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "analytics/change_feed.h"
#include "core/string_map.h"
#include "store/campaign.h"
#include "store/db.h"

namespace rongping::analytics {

class ProgressSnapshot {
 public:
  // Applies every change newer than the last one seen. Thread-safe; readers
  // keep reading while the changes are read from the store.
  Result<void> CatchUp(store::Db& db);

  // Makes sure the snapshot shows every change this process committed
  // before the call: at once when it does (a FeedFollower keeps it
  // current), else by catching up (see ChangeFeedFollower::Run).
  Result<void> Current(store::Db& db);

  // Whether a FeedFollower keeps the snapshot current (set by it).
  void set_followed(bool followed) { feed_.set_followed(followed); }

  // The same figures as store::CountByUnit (now, all industries), from
  // memory: per unit, entries with any assessment in the round and with a
  // completed one, as the round's rules say.
  std::vector<store::UnitCounts> Count(std::string_view round_code, store::Completion completion,
                                       store::EntryCount entries) const;

  // The newest change applied (see ResultsSnapshot::last_seq).
  int64_t last_seq() const { return feed_.last_seq(); }
  size_t assessments() const;

 private:
  struct Enterprise {
    uint16_t unit = 0;
    uint8_t assessments = 0;
    uint8_t approved = 0;
    uint8_t submitted = 0;
  };
  struct Round {
    StringMap<uint32_t> slot_of;  // uscc -> index into enterprises
    std::vector<Enterprise> enterprises;
  };
  struct Assessment {
    uint32_t round;
    uint32_t slot;
    char status;  // 'd', 's', 'a', 'r'
  };

  void Apply(const store::AssessmentChange& change);
  // Reads and applies the feed (inside ChangeFeedFollower::Run).
  Result<void> ReadFeed(store::Db& db);
  uint16_t UnitIndex(std::string_view code);

  mutable std::shared_mutex mu_;
  std::vector<Round> rounds_;
  std::map<std::string, uint32_t, std::less<>> round_index_;
  std::vector<std::string> unit_codes_;
  StringMap<uint16_t> unit_index_;
  std::unordered_map<int64_t, Assessment> assessments_;
  ChangeFeedFollower feed_{50'000};
};

}  // namespace rongping::analytics

#endif  // RONGPING_ANALYTICS_PROGRESS_SNAPSHOT_H_
