// The enterprises repository. Every read takes the caller's Principal and
// filters in SQL, so an enterprise outside the scope is indistinguishable
// from one that does not exist.
#ifndef RONGPING_STORE_ENTERPRISES_H_
#define RONGPING_STORE_ENTERPRISES_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/principal.h"
#include "domain/enterprise.h"
#include "store/db.h"

namespace rongping::store {

// The name and unit of each enterprise of `usccs` that exists and is in
// `who`'s scope, by USCC.
struct EnterpriseLabel {
  std::string name;
  std::string unit_code;
};
Result<std::map<std::string, EnterpriseLabel>> FindEnterpriseUnits(
    Tx& tx, const Principal& who, const std::vector<std::string>& usccs);

// The names of those of `usccs` that exist and are in `who`'s scope, by
// USCC (others are left out), read a few hundred at a time.
Result<std::map<std::string, std::string>> FindEnterpriseNames(Tx& tx, const Principal& who,
                                                               const std::vector<std::string>& usccs);

// Returns the enterprise if it exists and is in scope, else nullopt.
Result<std::optional<Enterprise>> FindEnterprise(Tx& tx, const Principal& who,
                                                 std::string_view uscc);

// Unscoped lookup for import and internal checks; never reachable from a
// request without a scope check before it.
Result<std::optional<Enterprise>> FindEnterpriseUnscoped(Tx& tx, std::string_view uscc);

// Lists enterprises in scope matching `query`. Fails with kInvalid for an
// unknown sort key.
Result<EnterprisePage> ListEnterprises(Tx& tx, const Principal& who, const EnterpriseQuery& query);

// Inserts a new enterprise (version 1). kConflict when the USCC exists.
Result<Enterprise> InsertEnterprise(Tx& tx, Enterprise e);

// Replaces an enterprise's fields when its stored version equals
// `e.version`; bumps the version. kConflict when the version is stale.
// The enterprise's assessments enter the change feed again, so that
// analytics regroup them under the new attributes.
Result<Enterprise> UpdateEnterprise(Tx& tx, Enterprise e);

// Inserts `e`, or replaces `existing` (the stored record with the same USCC,
// as read in this transaction). Leaves an identical record untouched.
// Returns true when something changed (then, as for UpdateEnterprise, the
// enterprise's assessments enter the change feed again).
Result<bool> UpsertEnterprise(Tx& tx, const Enterprise& e, const std::optional<Enterprise>& existing,
                              const std::string& now);

}  // namespace rongping::store

#endif  // RONGPING_STORE_ENTERPRISES_H_
