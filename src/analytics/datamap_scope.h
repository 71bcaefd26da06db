// Who sees which part of the data map: a request's query narrowed to the
// caller's region (and an association's industries) before it is built.
#ifndef RONGPING_ANALYTICS_DATAMAP_SCOPE_H_
#define RONGPING_ANALYTICS_DATAMAP_SCOPE_H_

#include <string>

#include "analytics/datamap.h"
#include "core/result.h"
#include "domain/principal.h"
#include "domain/reference.h"

namespace rongping::analytics {

// Limits `query` to what `who` may see of the data map rooted at unit
// `root`: by default the caller's own region (the nation for the ministry);
// the units of the root's subtree, those of its reporting parent's for the
// differencing check, and an association's industry divisions. Returns the
// root ("" = the nation).
//   403 unless a ministry, province or unit admin or an association;
//   404 "单位不存在" when `root` is unknown or outside the caller's region;
//   422 naming industry_group when the query's group is not one.
Result<std::string> ScopeDataMapQuery(const domain::ReferenceIndex& index, const Principal& who,
                                      std::string root, DataMapQuery* query);

}  // namespace rongping::analytics

#endif  // RONGPING_ANALYTICS_DATAMAP_SCOPE_H_
