// The reference lists (units and industries) as the services read them.
#ifndef RONGPING_CAMPAIGN_REFERENCE_H_
#define RONGPING_CAMPAIGN_REFERENCE_H_

#include <memory>
#include <vector>

#include "core/result.h"
#include "domain/principal.h"
#include "domain/reference.h"

namespace rongping::store {
class Db;
}  // namespace rongping::store

namespace rongping::campaign {

// Every unit and industry, in one read (store::SharedReferenceIndex).
Result<std::shared_ptr<const domain::ReferenceIndex>> LoadReference(store::Db& db);

// The units `who` may list, ordered by reporting path (each unit after its
// reporting parent): every unit for the ministry, agencies and enterprises
// (who choose units when registering and filling in); the units of their
// region for province, unit and association admins.
std::vector<const domain::Unit*> UnitsVisibleTo(const domain::ReferenceIndex& index,
                                                const Principal& who);

}  // namespace rongping::campaign

#endif  // RONGPING_CAMPAIGN_REFERENCE_H_
