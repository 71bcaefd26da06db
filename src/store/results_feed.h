// What the analytics results snapshot (analytics/results_snapshot.h) reads
// of the store: on a first build the completed results and the
// enterprises' attributes whole, then the change feed (assessment_changes)
// from a sequence number on. Rows are handed to a callback as views that
// are valid only during the call.
#ifndef RONGPING_STORE_RESULTS_FEED_H_
#define RONGPING_STORE_RESULTS_FEED_H_

#include <cstdint>
#include <functional>
#include <string_view>

#include "store/campaign.h"
#include "store/db.h"

namespace rongping::store {

// Where a first build starts from: the largest assessment id (for sizing)
// and the change feed's last sequence number (to continue from).
struct ResultFeedPositions {
  int64_t max_assessment_id = 0;
  int64_t last_seq = 0;
};
Result<ResultFeedPositions> ReadResultFeedPositions(Tx& tx);

// Every industry division with its group (industries.csv `group`).
Result<void> ScanIndustryGroups(Tx& tx,
                                const std::function<void(std::string_view division, std::string_view group)>& row);

// Every enterprise's attributes that results are grouped by.
struct EnterpriseAttributesRow {
  std::string_view uscc, industry_division, size_class, production_type, ownership;  // ownership "" when unset
};
Result<void> ScanEnterpriseAttributes(Tx& tx, const std::function<void(const EnterpriseAttributesRow&)>& row);

// Every completed, scored assessment (approved, or submitted in a round
// that counts submissions), by id, with the unit it was submitted for.
struct CompletedResultRow {
  int64_t id = 0;
  std::string_view round, model, uscc, score_vector, unit;
  double total = 0;
  int level = 0;
};
Result<void> ScanCompletedResults(Tx& tx, const std::function<void(const CompletedResultRow&)>& row);

// The assessments changed after sequence number `after_seq`, at most
// `limit`, in feed order, each as it is now with its enterprise's
// attributes (an assessment changed twice comes twice).
struct ResultChangeRow {
  int64_t seq = 0;
  int64_t id = 0;
  std::string_view round, model, uscc, status;
  std::string_view completion;  // the round's (store::Completion's name)
  bool scored = false;          // total and score vector are set
  double total = 0;
  int level = 0;
  std::string_view score_vector;
  std::string_view unit, industry_division, industry_group, size_class, production_type, ownership;
};
Result<ChangeBatch> ScanResultChanges(Tx& tx, int64_t after_seq, int64_t limit,
                                      const std::function<void(const ResultChangeRow&)>& row);

}  // namespace rongping::store

#endif  // RONGPING_STORE_RESULTS_FEED_H_
