#include "store/memo.h"

#include <fmt/format.h>

namespace rongping::store {
namespace {

Error NotOneRowOfVersions() { return Error::Internal("cache_versions 表应恰有一行"); }

}  // namespace

Result<StoreVersions> ReadStoreVersions(Tx& tx) {
  if (tx.store_versions()) return *tx.store_versions();
  static const std::string kSql =
      fmt::format("SELECT {} FROM cache_versions v", kStoreVersionColumns);
  auto rows = tx.Query(kSql);
  if (!rows) return Fail(rows.error());
  if (rows->size() > 1) return Fail(NotOneRowOfVersions());
  return KeepStoreVersions(tx, *rows);
}

Result<StoreVersions> KeepStoreVersions(Tx& tx, const Rows& rows) {
  if (rows.empty()) return Fail(NotOneRowOfVersions());
  StoreVersions versions;
  for (size_t i = 0; i < kMemoKinds; ++i) versions.memo[i] = rows.rows[0].Int(i);
  tx.set_store_versions(versions);
  return versions;
}

}  // namespace rongping::store
