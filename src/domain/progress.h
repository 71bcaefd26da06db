// The progress table of a round (附件2 form) as data: per reporting unit
// the counts, the target and how far it is met. Made by campaign/progress.h,
// rendered by report/progress_export.h and frozen into circulars.
#ifndef RONGPING_DOMAIN_PROGRESS_H_
#define RONGPING_DOMAIN_PROGRESS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/round.h"

namespace rongping::domain {

struct ProgressRow {
  std::string unit_code;
  std::string unit_name;
  int64_t participating = 0;
  int64_t completed = 0;
  std::optional<int64_t> target;      // completed assessments required; unset when no rule
  std::string target_rule;            // canonical rule text
  std::optional<bool> target_met;
  std::optional<double> completion_rate;   // completed / target, unrounded
  std::optional<int> rank;                 // by completion rate among rows with a target; 1 = best
  std::optional<int64_t> gap;              // target - completed, at least 0
  std::optional<double> expected_by_today; // target * share of the period elapsed
  bool has_children = false;               // can drill down
};

struct ProgressTable {
  std::string round_code;
  std::string round_name;  // as documents title the round
  std::string root_code;  // the unit whose children are the rows
  std::string as_of;      // YYYY-MM-DD the counts and the pace refer to
  Completion completion = Completion::kSubmitted;
  EntryCount entries = EntryCount::kEnterprise;
  // What the two counts mean for this round, as the table's footnote says
  // it (campaign::CountingNote).
  std::string counting_note;
  std::vector<ProgressRow> rows;
  ProgressRow total;
};

}  // namespace rongping::domain

#endif  // RONGPING_DOMAIN_PROGRESS_H_
