#include "store/memo.h"

namespace rongping::store {

Result<StoreVersions> ReadStoreVersions(Tx& tx) {
  if (tx.store_versions()) return *tx.store_versions();
  auto rows = tx.Query("SELECT accounts, rounds, benchmark_packs, reference_lists FROM cache_versions");
  if (!rows) return Fail(rows.error());
  if (rows->size() != 1) return Fail(Error::Internal("cache_versions 表应恰有一行"));
  const Row& r = rows->rows[0];
  StoreVersions versions;
  for (size_t i = 0; i < kMemoKinds; ++i) versions.memo[i] = r.Int(i);
  tx.set_store_versions(versions);
  return versions;
}

}  // namespace rongping::store
