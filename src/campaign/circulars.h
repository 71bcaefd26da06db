// Quarterly circulars (按季度通报, domain.md §4): the province freezes the
// progress table of a round for a unit at a date, states the change since
// the previous circular of the same round and unit (participating,
// completed, completion rate, rank; per unit and for the total), and
// publishes it as a print-ready page. The table is stored as JSON
// (circulars.snapshot_json) together with the rendered HTML, so later changes
// to assessments, targets or units never alter a published circular; the
// XLSX download is rendered from that frozen snapshot.
#ifndef RONGPING_CAMPAIGN_CIRCULARS_H_
#define RONGPING_CAMPAIGN_CIRCULARS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/principal.h"
#include "campaign/progress.h"
#include "domain/circular.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/db.h"

namespace rongping::campaign::circulars {

using domain::Changes;
using domain::UnitChange;

// The change from `previous` to `current` (tables of the same unit), rows
// matched by unit code. Pure.
Changes ComputeChanges(const ProgressTable& current, const ProgressTable& previous);

using domain::Circular;
using domain::PreviousRef;

struct CircularSummary {
  int64_t id = 0;
  std::string round_code;
  std::string unit_code;
  std::string unit_name;
  std::string as_of;
  std::string title;
  std::string created_by;
  std::string created_at;
};

// The longest title accepted, in characters.
inline constexpr size_t kMaxTitleLength = 100;

// The default title, e.g. "关于2016年第二季度全省两化融合评估诊断和对标引导工作进展情况的通报"
// for 广东省 and 2016-06-30. `as_of` must be a valid date.
std::string DefaultTitle(std::string_view as_of, std::string_view unit_name);

// Freezes the progress table of `round_code` for `unit_code` (empty: the
// round's province) at `as_of`, compares it with the previous circular of the
// same round and unit (the one with the latest earlier as_of), renders the
// HTML and stores it with an audit entry ("circular.create"). `title` empty
// means DefaultTitle. `who` null means the command line.
// Errors: kForbidden unless a province or ministry admin; kInvalid for an
// as_of that is not a date, before the round opens or after today in China,
// or a title over 100 characters or with control characters; kNotFound for
// an unknown round or a unit outside the caller's region; kInvalid (field
// "unit") for a unit outside the round's province; kConflict when the
// round and unit already have a circular with this as_of. `clock` gives
// today (the latest as_of) and the time of publication.
Result<Circular> Generate(store::Db& db, const Principal* who, const std::string& round_code,
                          const std::string& unit_code, const std::string& as_of,
                          const std::string& title, const std::string& request_id,
                          const Clock& clock);

// Circulars of a round the caller may read, newest (latest as_of) first.
// Ministry: all. Province and unit admins: circulars of units in their
// region and of the units above it (a city reads the province's circulars).
// kForbidden for enterprises, agencies and associations; kNotFound for an
// unknown round.
Result<std::vector<CircularSummary>> List(store::Db& db, const Principal* who,
                                          const std::string& round_code);

// One circular with its snapshot and HTML; kNotFound when absent or not
// readable by the caller (same rule as List).
Result<Circular> Get(store::Db& db, const Principal* who, int64_t id);

// The frozen table as an .xlsx workbook: the progress export's columns
// (属地, 参与评估数, 完成评估数, 目标, 完成率, 排名) plus 较上期变化 (participating,
// completed, completion rate in percentage points, rank), numbers as numbers.
Result<std::string> ToXlsx(const Circular& circular);

// The stored snapshot's parts, exposed for the API and tests.
nlohmann::ordered_json ChangesToJson(const Changes& changes);
Result<ProgressTable> ProgressFromJson(const nlohmann::ordered_json& json);

}  // namespace rongping::campaign::circulars

#endif  // RONGPING_CAMPAIGN_CIRCULARS_H_
