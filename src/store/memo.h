// Values a read transaction takes from memory instead of a statement: what an
// earlier read transaction read, kept under the version of its kind
// (MemoKind) that it saw. Every write to a kind's tables increments the
// kind's counter in the writing transaction (database triggers, migrations 17
// and 18: also writes from other app servers and by hand), so a read transaction
// that sees the same version would read the same values: a logout, a
// disabled account or an edited round on any server takes effect at the
// next read on every server.
//
//   MemoKind::kAccounts        sessions (updated, deleted) and users (the
//                              columns a principal is made of)
//   MemoKind::kRounds          rounds
//   MemoKind::kBenchmarkPacks  benchmark packs
//   MemoKind::kReferenceLists  units and industries (store::SharedReferenceIndex)
#ifndef RONGPING_STORE_MEMO_H_
#define RONGPING_STORE_MEMO_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/db.h"

namespace rongping::store {

// The versions `tx` sees: in a read transaction (kRead) read once, one
// statement, and then kept in it; in any other transaction read each time.
Result<StoreVersions> ReadStoreVersions(Tx& tx);

// The columns of cache_versions in MemoKind's order, the table aliased `v`:
// a statement that reads the versions beside other columns selects these
// first and hands its rows to KeepStoreVersions.
inline constexpr std::string_view kStoreVersionColumns =
    "v.accounts, v.rounds, v.benchmark_packs, v.reference_lists";

// The versions in the first columns of `rows` (each row holding the one row
// of cache_versions; kInternal when there is none), kept in `tx` as
// ReadStoreVersions keeps them.
Result<StoreVersions> KeepStoreVersions(Tx& tx, const Rows& rows);

// In a read transaction (kRead): the value kept for `key` of `kind` at the
// version `tx` sees, else what `load(tx)` returns, kept when it found one
// (nothing is kept of a value not found). In any other transaction:
// `load(tx)`, nothing kept (a write may yet be rolled back; a kReadOne read
// has room for one statement only).
// `load` is callable as Result<std::optional<T>>(Tx&), and T copyable.
// REQUIRES: every use of a kind keeps values of one type T.
template <typename T, typename Load>
Result<std::optional<T>> Memoized(Tx& tx, MemoKind kind, const std::string& key, Load&& load) {
  if (tx.mode() != TxMode::kRead) return load(tx);
  auto versions = ReadStoreVersions(tx);
  if (!versions) return Fail(versions.error());
  const int64_t version = versions->of(kind);
  if (auto kept = tx.db().FindMemo(kind, version, key))
    return std::optional<T>(*std::static_pointer_cast<const T>(kept));
  Result<std::optional<T>> loaded = load(tx);
  if (loaded && *loaded) tx.db().KeepMemo(kind, version, key, std::make_shared<const T>(**loaded));
  return loaded;
}

// The value kept for `key` of `kind` at the version `tx` has read already
// (Tx::store_versions), as Memoized would find it; null when none is kept
// there or `tx` has read no versions yet. Runs no statement: for a kReadOne
// read whose one statement read the versions (ReadEnterpriseStamp).
// REQUIRES: T is the type Memoized keeps for `kind`.
template <typename T>
std::shared_ptr<const T> FindKept(Tx& tx, MemoKind kind, const std::string& key) {
  if (!tx.store_versions()) return nullptr;
  return std::static_pointer_cast<const T>(
      tx.db().FindMemo(kind, tx.store_versions()->of(kind), key));
}

}  // namespace rongping::store

#endif  // RONGPING_STORE_MEMO_H_
