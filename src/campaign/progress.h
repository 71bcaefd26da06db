// Progress of a round against targets (附件2 form): per reporting unit,
// participating and completed enterprises, target, whether it is met,
// completion rate, rank, gap and the pace expected by a given day. A pure
// function of counts, the unit tree and the targets.
#ifndef RONGPING_CAMPAIGN_PROGRESS_H_
#define RONGPING_CAMPAIGN_PROGRESS_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analytics/progress_snapshot.h"
#include "domain/progress.h"
#include "domain/principal.h"
#include "campaign/target_rule.h"
#include "core/time.h"
#include "store/campaign.h"
#include "store/units.h"

namespace rongping::campaign {

using domain::ProgressRow;
using domain::ProgressTable;

// Builds the table for the children of `root_code` in the reporting tree
// (every root-level unit when empty), with the root's subtree as the total.
// Each enterprise's assessment counts in exactly one unit, so a parent's
// figures are the sums of its children's and nothing is counted twice.
ProgressTable BuildProgress(const domain::Round& round, const domain::ReferenceIndex& units,
                            const std::string& root_code,
                            const std::vector<store::UnitCounts>& counts,
                            const std::map<std::string, TargetRule>& targets,
                            const std::string& as_of);

// Loads what BuildProgress needs from the store and builds the table for
// `unit_code` (empty: the caller's own region, or the round's province for
// the ministry and the command line). `who` null means the command line.
// The counts are as of the end of `as_of` in China (Asia/Shanghai): for a
// day before `today` they come from the assessments' event history (so a
// review made today never changes a table dated earlier); for today or later,
// from `snapshot` after it catches up with the change feed, or from SQL when
// it is null. `today` is the caller's clock's day in China. kNotFound for an unknown round or a unit
// outside the caller's region; kForbidden for roles other than admins.
Result<ProgressTable> LoadProgress(store::Db& db, const Principal* who,
                                   const std::string& round_code, const std::string& unit_code,
                                   const std::string& as_of,
                                   analytics::ProgressSnapshot* snapshot, const std::string& today);

// What LoadProgress builds a table from, read in one transaction with its
// checks. `counts` holds the counts when they came from the database (a day
// before today, an association's industries, or no snapshot); otherwise the
// table counts from the snapshot, which then showed the change feed up to
// `snapshot_seq` at least.
struct ProgressInputs {
  domain::Round round;
  std::shared_ptr<const domain::ReferenceIndex> index;
  std::string root;
  std::string as_of;
  std::vector<std::pair<std::string, std::string>> target_rows;  // unit, rule as stored
  std::optional<std::vector<store::UnitCounts>> counts;
  int64_t snapshot_seq = 0;
};

// LoadProgress in two steps: the inputs (with every error LoadProgress
// answers), then the table from them, counted from `snapshot` unless
// inputs.counts is set (then `snapshot` may be null).
Result<ProgressInputs> ReadProgressInputs(store::Db& db, const Principal* who,
                                          const std::string& round_code, const std::string& unit_code,
                                          const std::string& as_of, analytics::ProgressSnapshot* snapshot,
                                          const std::string& today);
ProgressTable BuildProgress(const ProgressInputs& inputs, const analytics::ProgressSnapshot* snapshot);

// For inputs counted from the snapshot: a text equal for two inputs only
// when their tables are the same (the round, root, day and targets, the
// snapshot's position and the reference lists by address, which the caller
// keeps alive while it keeps the key). Empty for inputs counted from the
// database.
std::string ProgressKey(const ProgressInputs& inputs);

}  // namespace rongping::campaign

#endif  // RONGPING_CAMPAIGN_PROGRESS_H_
