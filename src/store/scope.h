// Turns a Principal into a SQL condition on the enterprises table (alias e).
// This is the one place that decides which enterprises a caller can see.
#ifndef RONGPING_STORE_SCOPE_H_
#define RONGPING_STORE_SCOPE_H_

#include <string>
#include <string_view>
#include <vector>

#include "domain/principal.h"
#include "store/db.h"

namespace rongping::store {

// Returns a boolean SQL expression over `e.*` and appends its parameters to
// `params` (numbered after the ones already there).
std::string EnterpriseScopeCondition(const Principal& principal, std::vector<Value>& params);

// `column` (a unit code) is `unit_code` or a unit under it; its parameter is
// appended to `params`.
std::string UnitSubtreeCondition(std::string_view column, const std::string& unit_code,
                                 std::vector<Value>& params);

// Condition selecting units (alias u) inside the principal's region; ministry
// and roles without a region see every unit.
std::string UnitScopeCondition(const Principal& principal, std::vector<Value>& params);

}  // namespace rongping::store

#endif  // RONGPING_STORE_SCOPE_H_
