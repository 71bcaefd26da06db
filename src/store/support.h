// 政策联动 as stored: support measures, their recipients and typical cases
// (campaign/support.h gives them their rules and scope).
#ifndef RONGPING_STORE_SUPPORT_H_
#define RONGPING_STORE_SUPPORT_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "domain/support.h"
#include "store/db.h"

namespace rongping::store {

// Stores a new measure stamped with the transaction's time, version 1;
// returns it with its id.
Result<domain::SupportMeasure> InsertSupportMeasure(Tx& tx, domain::SupportMeasure measure);

// Overwrites name, kind, year, amount and note of measure `m.id` when its
// version is `m.version`; returns it with the next version. kNotFound when
// there is no such measure, kConflict when the version is another.
Result<domain::SupportMeasure> UpdateSupportMeasure(Tx& tx, domain::SupportMeasure m);

// Deletes the measure and its recipients; false when there was none.
Result<bool> DeleteSupportMeasure(Tx& tx, int64_t id);

// The measure with its count of recipients; nullopt when there is none.
Result<std::optional<domain::SupportMeasure>> FindSupportMeasure(Tx& tx, int64_t id);

// Every measure (of `year` when it is not 0), with its count of recipients,
// newest year first, then by id. The caller keeps those of its region.
Result<std::vector<domain::SupportMeasure>> ListSupportMeasures(Tx& tx, int year);

// The measure's recipients by USCC.
Result<std::vector<domain::SupportRecipient>> ListSupportRecipients(Tx& tx, int64_t measure_id);

enum class Upserted { kInserted, kUpdated, kUnchanged };

// Adds the recipient to the measure, or updates its amount and note when it
// is there already (added_by and added_at stay).
Result<Upserted> UpsertSupportRecipient(Tx& tx, int64_t measure_id,
                                        const domain::SupportRecipient& r);

// Removes the recipient; false when it was not one.
Result<bool> DeleteSupportRecipient(Tx& tx, int64_t measure_id, const std::string& uscc);

// The enterprises that received any measure of a year from `first_year` to
// `last_year`, both included.
Result<std::set<std::string>> SupportedEnterprises(Tx& tx, int first_year, int last_year);

// Marks (or marks again) an enterprise's case for its year.
Result<void> UpsertTypicalCase(Tx& tx, const domain::TypicalCase& c);

// Removes the case; false when there was none.
Result<bool> DeleteTypicalCase(Tx& tx, int year, const std::string& uscc);

// The case of an enterprise for a year; nullopt when there is none.
Result<std::optional<domain::TypicalCase>> FindTypicalCase(Tx& tx, int year,
                                                           const std::string& uscc);

// The cases of `year` (every year when 0), newest year first, then by when
// they were marked. The caller keeps those of its region.
Result<std::vector<domain::TypicalCase>> ListTypicalCases(Tx& tx, int year);

}  // namespace rongping::store

#endif  // RONGPING_STORE_SUPPORT_H_
