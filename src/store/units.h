// Reporting units (统计/考核单元) and industry divisions.
#ifndef RONGPING_STORE_UNITS_H_
#define RONGPING_STORE_UNITS_H_

#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "domain/principal.h"
#include "domain/reference.h"
#include "store/db.h"

namespace rongping::store {



// Inserts or updates units. A unit of kind "district" is carved out of its
// administrative parent and reports to that parent's parent (顺德区 reports
// to 广东省, not to 佛山市), so no enterprise is counted twice. Parents must be
// in the store or in `units`. Fails with kInvalid naming the unit when a
// parent is unknown or the tree has a cycle.
Result<int64_t> UpsertUnits(Tx& tx, std::vector<domain::Unit> units);

Result<int64_t> UpsertIndustries(Tx& tx, const std::vector<domain::Industry>& industries);

// Every unit, ordered by path.
Result<std::vector<domain::Unit>> ListUnits(Tx& tx);
Result<std::vector<domain::Industry>> ListIndustries(Tx& tx);


Result<domain::ReferenceIndex> LoadReferenceIndex(Tx& tx);

// The reference lists as this transaction sees them, shared: read whole
// (LoadReferenceIndex) only when the copy the transaction's Db keeps is of
// another version (MemoKind::kReferenceLists: every write of units or
// industries, by hand too, counts). Only a read transaction's lists are
// kept; a write transaction that finds none for the version it sees reads
// them in a read transaction of its own, which keeps them. One short query
// when nothing changed (ReadStoreVersions); none when a read transaction
// asks again.
Result<std::shared_ptr<const domain::ReferenceIndex>> SharedReferenceIndex(Tx& tx);

}  // namespace rongping::store

#endif  // RONGPING_STORE_UNITS_H_
