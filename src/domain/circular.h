// A circular (通报) as data: the progress table frozen at a date, and its
// change since the previous circular of the same round and unit. Made by
// campaign/circulars.h, rendered by report/circular_html.h.
#ifndef RONGPING_DOMAIN_CIRCULAR_H_
#define RONGPING_DOMAIN_CIRCULAR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/progress.h"

namespace rongping::domain {

// The change of one row since the previous circular. Each value is unset when
// it cannot be compared (the unit was not in the previous table, or the
// completion rate or rank is unset in either circular).
struct UnitChange {
  std::string unit_code;
  std::string unit_name;
  std::optional<int64_t> participating;  // now - then
  std::optional<int64_t> completed;      // now - then
  // now - then as a fraction: 0.03 is 3 percentage points.
  std::optional<double> completion_rate;
  // then - now: positive means the unit moved up (rank 5 -> 3 is +2).
  std::optional<int> rank;
};

struct Changes {
  std::vector<UnitChange> rows;  // one per row of the current table, same order
  UnitChange total;              // rank is always unset for the total
};

// The circular this one is compared with.
struct PreviousRef {
  int64_t id = 0;
  std::string as_of;
  std::string title;
};

struct Circular {
  int64_t id = 0;
  std::string round_code;
  std::string round_name;
  std::string unit_code;
  std::string unit_name;
  std::string as_of;  // YYYY-MM-DD
  std::string title;
  std::string created_by;
  std::string created_at;
  ProgressTable table;                  // frozen at generation
  std::optional<PreviousRef> previous;  // unset for the first circular
  std::optional<Changes> changes;       // unset for the first circular
  std::string snapshot_json;            // as stored
  std::string html;                     // as stored
};

}  // namespace rongping::domain

#endif  // RONGPING_DOMAIN_CIRCULAR_H_
