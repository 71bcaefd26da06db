#include "campaign/reference.h"

#include <algorithm>

#include "store/db.h"
#include "store/units.h"

namespace rongping::campaign {

Result<std::shared_ptr<const domain::ReferenceIndex>> LoadReference(store::Db& db) {
  return store::InTx(db, store::TxMode::kRead, [](store::Tx& tx) { return store::SharedReferenceIndex(tx); });
}

std::vector<const domain::Unit*> UnitsVisibleTo(const domain::ReferenceIndex& index,
                                                const Principal& who) {
  const bool everything =
      who.role == Role::kMinistry || who.role == Role::kAgency || who.role == Role::kEnterprise;
  std::vector<const domain::Unit*> out;
  for (const auto& [code, unit] : index.units) {
    if (everything || index.UnitInScope(who, code)) out.push_back(&unit);
  }
  std::sort(out.begin(), out.end(),
            [](const domain::Unit* a, const domain::Unit* b) { return a->path < b->path; });
  return out;
}

}  // namespace rongping::campaign
