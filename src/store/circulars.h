// Circulars (通报) as stored: one row per circular, its frozen progress table
// as JSON and its page as HTML (campaign/circulars.h gives them meaning).
#ifndef RONGPING_STORE_CIRCULARS_H_
#define RONGPING_STORE_CIRCULARS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/db.h"

namespace rongping::store {

struct CircularRecord {
  int64_t id = 0;  // assigned by InsertCircular
  std::string round_code;
  std::string unit_code;
  std::string as_of;  // YYYY-MM-DD
  std::string title;
  std::string snapshot_json;  // empty in lists
  std::string html;           // empty in lists and in FindPreviousCircular
  std::string created_by;
  std::string created_at;
};

// The id of the round's circular for `unit_code` dated `as_of`, if any.
Result<std::optional<int64_t>> FindCircularOn(Tx& tx, std::string_view round_code, std::string_view unit_code,
                                              std::string_view as_of);

// The latest circular of the round and unit dated before `as_of` (the
// greatest id among those of that date), without its html; nullopt for
// none.
Result<std::optional<CircularRecord>> FindPreviousCircular(Tx& tx, std::string_view round_code,
                                                           std::string_view unit_code, std::string_view as_of);

// Stores a circular; returns its id.
Result<int64_t> InsertCircular(Tx& tx, const CircularRecord& circular);

// The round's circulars, newest date first, without snapshot and html.
Result<std::vector<CircularRecord>> ListCirculars(Tx& tx, std::string_view round_code);

// The circular with everything; nullopt when there is none.
Result<std::optional<CircularRecord>> FindCircular(Tx& tx, int64_t id);

}  // namespace rongping::store

#endif  // RONGPING_STORE_CIRCULARS_H_
