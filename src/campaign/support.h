// 政策联动 (评估结果与优惠政策支持相结合): support measures that a province or a
// unit records, the enterprises that received each, and cases marked as
// examples (典型经验). Ministry, province and unit admins manage the
// measures of their region: a measure belongs to a unit, is seen and
// changed only by admins whose region holds that unit, and is given only to
// enterprises of that unit's region. Every change is audited in the same
// transaction. Anyone else is refused (403); a measure outside the
// caller's region is not found (404).
#ifndef RONGPING_CAMPAIGN_SUPPORT_H_
#define RONGPING_CAMPAIGN_SUPPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "domain/principal.h"
#include "domain/support.h"

namespace rongping::store {
class Db;
}  // namespace rongping::store

namespace rongping::campaign {

// A measure as a form gives it.
struct MeasureInput {
  std::string name;                       // 1-100 characters
  std::string kind;                       // a domain::SupportKinds() id
  int year = 0;                           // 2000-2100
  std::optional<double> amount_10k_yuan;  // 0 or more, below 10^9
  // The owning unit: the caller's own when empty (a ministry admin must
  // name one); it must lie in the caller's region. Ignored by UpdateMeasure.
  std::string unit_code;
  std::string note;     // at most 500 characters
  int64_t version = 0;  // UpdateMeasure: the version last read
};

// A measure and who received it, as the caller may see them: an enterprise
// that has left the caller's region since is not listed.
struct RecipientView {
  domain::SupportRecipient recipient;
  std::string name;
  std::string unit_code;
  std::string unit_name;
};
struct MeasureDetail {
  domain::SupportMeasure measure;
  std::string unit_name;
  std::vector<RecipientView> recipients;
};

// 422 naming the field (name, kind, year, amount_10k_yuan, unit_code, note)
// for a value outside the rules above.
Result<domain::SupportMeasure> CreateMeasure(store::Db& db, const Principal& who,
                                             const MeasureInput& input,
                                             const std::string& request_id);
// 409 when `input.version` is not the measure's.
Result<domain::SupportMeasure> UpdateMeasure(store::Db& db, const Principal& who, int64_t id,
                                             const MeasureInput& input,
                                             const std::string& request_id);
// Deletes the measure with its recipients; its cases stay, without it.
Result<void> DeleteMeasure(store::Db& db, const Principal& who, int64_t id,
                           const std::string& request_id);

// The measures of the caller's region (of `year` unless 0), newest year
// first; with the owning units' names in `unit_names` (same order) when
// it is not null.
Result<std::vector<domain::SupportMeasure>> ListMeasures(store::Db& db, const Principal& who,
                                                         int year,
                                                         std::vector<std::string>* unit_names);
Result<MeasureDetail> GetMeasure(store::Db& db, const Principal& who, int64_t id);

// An enterprise to add: `row` is what errors name (the spreadsheet's row,
// or the item's index in a request).
struct RecipientInput {
  std::string uscc;
  std::optional<double> amount_10k_yuan;  // 0 or more, below 10^9
  std::string note;                       // at most 200 characters
  int row = 0;
};
struct RecipientsAdded {
  int64_t added = 0;
  int64_t updated = 0;  // already a recipient: amount or note changed
  int64_t unchanged = 0;
};
// Adds the enterprises to the measure, all or none: when any is invalid
// (its USCC malformed, no such enterprise in the caller's region, outside
// the measure's unit, given twice, amount or note out of bounds) nothing is
// written and the result is 422, each problem in `problems` (field
// "uscc", "amount_10k_yuan" or "note"; Error::field is prefixed by the
// caller). At most kMaxRecipientsAdded at once (413 beyond).
inline constexpr size_t kMaxRecipientsAdded = 20000;
struct RecipientProblem {
  int row = 0;
  std::string field;
  std::string message;
};
Result<RecipientsAdded> AddRecipients(store::Db& db, const Principal& who, int64_t id,
                                      const std::vector<RecipientInput>& inputs,
                                      const std::string& request_id,
                                      std::vector<RecipientProblem>* problems);
// 404 when the enterprise is not a recipient the caller may see.
Result<void> RemoveRecipient(store::Db& db, const Principal& who, int64_t id,
                             const std::string& uscc, const std::string& request_id);

// Typical cases (典型经验) of enterprises in the caller's region.
struct CaseView {
  domain::TypicalCase c;
  std::string name;
  std::string unit_code;  // the enterprise's unit now
  std::string unit_name;
};
// Marks an enterprise's case for `c.year` (2000-2100): a title of 1-60
// characters and a text of 1-500; the measure, when given, one the caller
// may see. 404 for an enterprise outside the caller's region.
Result<CaseView> MarkCase(store::Db& db, const Principal& who, domain::TypicalCase c,
                          const std::string& request_id);
Result<void> UnmarkCase(store::Db& db, const Principal& who, int year, const std::string& uscc,
                        const std::string& request_id);
// The cases of `year` (every year when 0) in the caller's region.
Result<std::vector<CaseView>> ListCases(store::Db& db, const Principal& who, int year);

}  // namespace rongping::campaign

#endif  // RONGPING_CAMPAIGN_SUPPORT_H_
