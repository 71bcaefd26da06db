// Turns a Principal into a SQL condition on the enterprises table (alias e).
// This is the one place that decides which enterprises a caller can see.
#ifndef RONGPING_STORE_SCOPE_H_
#define RONGPING_STORE_SCOPE_H_

#include <string>
#include <vector>

#include "domain/principal.h"
#include "store/db.h"

namespace rongping::store {

// Returns a boolean SQL expression over `e.*` and appends its parameters to
// `params` (numbered after the ones already there).
std::string EnterpriseScopeCondition(const Principal& principal, std::vector<Value>& params);

// Condition selecting units (alias u) inside the principal's region; ministry
// and roles without a region see every unit.
std::string UnitScopeCondition(const Principal& principal, std::vector<Value>& params);

}  // namespace rongping::store

#endif  // RONGPING_STORE_SCOPE_H_
