// 督办: the enterprises of a round that have not done their part yet (not
// started, a draft not submitted, sent back and not submitted again), and
// the submissions waiting for review too long, in an official's region, with
// each enterprise's contact; for the screen and as a workbook to work from.
#ifndef RONGPING_CAMPAIGN_OUTSTANDING_H_
#define RONGPING_CAMPAIGN_OUTSTANDING_H_

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "domain/principal.h"
#include "domain/reference.h"
#include "report/table.h"
#include "store/campaign.h"
#include "store/db.h"

namespace rongping::campaign {

// The request as a caller gives it (text), checked by ListOutstanding.
struct OutstandingRequest {
  std::string round;
  std::string unit;          // a unit of the caller's region; empty: the whole region
  std::string state;         // not_started | draft | rejected | waiting_review; empty: all
  int64_t waiting_days = 7;  // a submission waits too long after this many days (0-365)
  int64_t limit = 50;
  int64_t offset = 0;
};

struct OutstandingList {
  domain::Round round;
  std::string region_name;  // the unit asked for, or the caller's region within the round's province
  int64_t waiting_days = 7;
  std::string as_of;  // China's day it was made, YYYY-MM-DD
  store::OutstandingPage page;
  std::map<std::string, std::string> unit_names;  // code -> name, for the rows' units
};

// The region an official works on in `round`: `unit` when given (kInvalid
// naming "unit" unless it is a unit of the caller's region in the round's
// province), else the round's province for the ministry and the province's
// admins, else the caller's own unit.
Result<std::string> OfficialRegion(const Principal& who, const domain::Round& round,
                                   const domain::ReferenceIndex& index, const std::string& unit);

// The outstanding enterprises of `request.round` in `who`'s region. 403
// unless a region admin (unit, province, ministry); 404 when the round does not exist
// or concerns another province; kInvalid naming the parameter for an unknown
// state, a unit that is not a unit of the caller's region in the round's
// province, or waiting_days outside 0-365.
Result<OutstandingList> ListOutstanding(store::Db& db, const Clock& clock, const Principal& who,
                                        const OutstandingRequest& request);

// 中文 for a kind of outstanding: 未开始填报 | 草稿未提交 | 已退回未重新提交 | 已提交待审核超过 N 天.
std::string OutstandingLabel(store::Outstanding state, int64_t waiting_days);

// The list as officials print it to telephone from: title with region, round
// and day, one row an enterprise with its contact.
report::Table OutstandingTable(const OutstandingList& list);

}  // namespace rongping::campaign

#endif  // RONGPING_CAMPAIGN_OUTSTANDING_H_
