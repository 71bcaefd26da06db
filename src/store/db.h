// The store's connection abstraction: a database (Db) hands out transactions
// (Tx) that run parameterised SQL. SQL is written once with $1, $2, ...
// placeholders; each backend rewrites what its dialect needs. Repositories
// are written against this interface only.
#ifndef RONGPING_STORE_DB_H_
#define RONGPING_STORE_DB_H_

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace rongping::domain {
struct ReferenceIndex;
}  // namespace rongping::domain

namespace rongping::store {

// A SQL value: NULL, integer, real or text.
using Value = std::variant<std::monostate, int64_t, double, std::string>;

// Builds a Value from an optional: nullopt becomes NULL.
template <typename T>
Value Nullable(const std::optional<T>& v) {
  if (!v) return std::monostate{};
  return Value(*v);
}

// One result row. Accessors convert leniently (NULL reads as 0 or "").
class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  bool IsNull(size_t i) const { return std::holds_alternative<std::monostate>(values_[i]); }
  int64_t Int(size_t i) const;
  double Real(size_t i) const;
  std::string Text(size_t i) const;
  std::optional<std::string> OptText(size_t i) const;
  const Value& operator[](size_t i) const { return values_[i]; }

 private:
  std::vector<Value> values_;
};

struct Rows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  bool empty() const { return rows.empty(); }
  size_t size() const { return rows.size(); }
};

// kRead: a transaction that only reads, every statement seeing the same
// state. kReadOne: a read of exactly one statement, run on its own without
// BEGIN and COMMIT (one statement sees one consistent state by itself): one
// round trip to PostgreSQL instead of three; a second statement in it fails
// with kInternal. kWrite: a transaction that writes, one at a time.
enum class TxMode { kRead, kReadOne, kWrite };

// The current row of a Tx::Scan. Valid only inside the callback; text views
// end with it. Accessors convert leniently (NULL reads as 0 or "").
class RowCursor {
 public:
  virtual ~RowCursor() = default;
  virtual bool IsNull(int column) const = 0;
  virtual int64_t Int(int column) const = 0;
  virtual double Real(int column) const = 0;
  virtual std::string_view Text(int column) const = 0;
  // The value with the type the database holds it in (a copy).
  virtual Value Get(int column) const = 0;
  virtual int ColumnCount() const = 0;
};

class Db;

// What read transactions may keep in memory between them (store/memo.h),
// each kind a counter that every write to its tables increments.
enum class MemoKind { kAccounts, kRounds, kBenchmarkPacks, kReferenceLists };
inline constexpr size_t kMemoKinds = 4;

// The versions a transaction sees of what may be kept in memory: each memo
// kind's counter.
struct StoreVersions {
  std::array<int64_t, kMemoKinds> memo{};
  int64_t of(MemoKind kind) const { return memo[static_cast<size_t>(kind)]; }
};

// A transaction. It is rolled back on destruction unless Commit() succeeded.
// A Tx is used by one thread at a time.
class Tx {
 public:
  virtual ~Tx() = default;
  // Runs a statement and returns the number of rows it changed.
  virtual Result<int64_t> Exec(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // Runs a query and returns all rows.
  virtual Result<Rows> Query(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // Runs a query and calls `on_row` for each row in turn, without copying
  // rows: the way to read many rows.
  virtual Result<void> Scan(std::string_view sql, const std::vector<Value>& params,
                            const std::function<void(const RowCursor&)>& on_row) = 0;
  // Runs several DDL statements separated by ';' (no parameters). The backend
  // translates portable DDL (BIGINT, DOUBLE PRECISION, INTEGER PRIMARY KEY as
  // an auto-assigned key) to its dialect.
  virtual Result<void> ExecScript(std::string_view ddl) = 0;
  // Says that this read transaction reads tables whole (a snapshot's first
  // build). SQLite then maps the database file into memory for it: faster
  // for whole tables, but a mapping is dropped and made again whenever
  // another connection writes, so serving's connections never map it.
  // Call before the transaction's first statement.
  virtual Result<void> ReadTablesWhole() { return {}; }
  // Commits. When the transaction appended to the change feed
  // (NoteFeedAppend), its Db then counts the commit and tells its listener
  // (Db::LocalFeedCommits, Db::SetFeedCommitListener).
  Result<void> Commit();

  // The database the transaction belongs to, and its mode.
  Db& db() const { return *db_; }
  TxMode mode() const { return mode_; }

  // Says that this transaction appends to the change feed
  // (assessment_changes); the store's functions that do so call it.
  void NoteFeedAppend() { appends_feed_ = true; }
  bool appends_feed() const { return appends_feed_; }

  // The instant the transaction began by its database's clock, as stored
  // ("2026-12-01T10:40:00.123Z"): the time the store stamps on every row it
  // writes in this transaction (so they all agree, like SQL's now()).
  // Formatted on first use: most transactions write no time.
  const std::string& Now() const {
    if (now_.empty()) now_ = Clock::Rfc3339OfMillis(begun_millis_);
    return now_;
  }

  // The reference lists a read transaction has read (SharedReferenceIndex):
  // a second use in it costs no statement. Null until then, and always in a
  // write transaction, which may change them.
  const std::shared_ptr<const domain::ReferenceIndex>& reference_index() const { return reference_index_; }
  void set_reference_index(std::shared_ptr<const domain::ReferenceIndex> index) {
    if (mode_ != TxMode::kWrite) reference_index_ = std::move(index);
  }

  // The versions a read has read (store::ReadStoreVersions, or
  // store::ReadEnterpriseStamp, the one statement of a kReadOne read): a
  // second use in it costs no statement. Empty until then, and always in a
  // write transaction.
  const std::optional<StoreVersions>& store_versions() const { return store_versions_; }
  void set_store_versions(const StoreVersions& versions) {
    if (mode_ != TxMode::kWrite) store_versions_ = versions;
  }

 protected:
  // Commit() as the backend does it.
  virtual Result<void> CommitTransaction() = 0;

 private:
  friend class Db;
  Db* db_ = nullptr;  // set by Db::Begin, with mode_
  TxMode mode_ = TxMode::kRead;
  int64_t begun_millis_ = 0;
  mutable std::string now_;
  bool appends_feed_ = false;
  std::shared_ptr<const domain::ReferenceIndex> reference_index_;
  std::optional<StoreVersions> store_versions_;
};

// A database. Thread-safe: any number of threads may Begin() transactions.
class Db {
 public:
  virtual ~Db() = default;

  // Opens "sqlite:PATH" (creating the file) or "postgresql://..." (see
  // store/postgres/pg_db.h). Fails with kInvalid for an unknown scheme and
  // kUnavailable when the database cannot be opened.
  static Result<std::unique_ptr<Db>> Open(const std::string& url);

  // Starts a transaction. A kWrite transaction takes the single writer slot
  // and waits for it; kRead transactions run concurrently on a snapshot.
  // Its Now() is the clock's time once it has begun (after any wait).
  Result<std::unique_ptr<Tx>> Begin(TxMode mode);

  // The clock transactions take their time from: SystemClock unless set.
  // REQUIRES: set before the Db is shared between threads; `clock` outlives
  // the Db.
  void SetClock(const Clock& clock) { clock_ = &clock; }
  void SetClock(const Clock&& clock) = delete;
  const Clock& clock() const { return *clock_; }

  // "sqlite" or "postgresql".
  virtual std::string_view Dialect() const = 0;

  // Cheap liveness check used by /healthz and /metrics: a read transaction
  // that runs SELECT 1.
  virtual Result<void> Ping();

  // How many transactions of this process that appended to the change feed
  // have committed. A snapshot that has read the feed in a transaction begun
  // after the count reached N has every change of those N commits.
  uint64_t LocalFeedCommits() const { return feed_commits_.load(std::memory_order_acquire); }

  // Values read by read transactions and kept for later ones (store/memo.h):
  // FindMemo returns the value kept for `key` of `kind` at exactly `version`,
  // or null. KeepMemo keeps one at `version`; a newer version than the
  // kind's kept values replaces them all, an older one keeps nothing. At
  // most kMaxMemoValues per kind (the kind's values are dropped when full).
  // Thread-safe.
  static constexpr size_t kMaxMemoValues = 10000;
  std::shared_ptr<const void> FindMemo(MemoKind kind, int64_t version, const std::string& key) const;
  void KeepMemo(MemoKind kind, int64_t version, const std::string& key, std::shared_ptr<const void> value);

  // Whether the backend tells of other connections' commits to the feed
  // (PostgreSQL: NOTIFY on commit, a dedicated connection LISTENs). SQLite
  // does not: followers poll.
  virtual bool HasFeedNotices() const { return false; }

  // Waits up to `timeout` for another connection (another app server, or
  // this one) to commit a change to the feed; true when one did. Behind
  // pgbouncer in transaction mode notices do not arrive (followers poll
  // then too). REQUIRES: HasFeedNotices(); one caller at a time.
  virtual Result<bool> WaitForFeedNotice(std::chrono::milliseconds timeout);

  // Called on the committing thread after each such commit, once counted.
  // REQUIRES: set before the Db is shared between threads; cheap and
  // non-blocking (it wakes a follower).
  void SetFeedCommitListener(std::function<void()> listener) { feed_listener_ = std::move(listener); }

 protected:
  // Begin() as the backend does it.
  virtual Result<std::unique_ptr<Tx>> BeginTransaction(TxMode mode) = 0;

 private:
  friend class Tx;
  void FeedCommitted();

  const Clock* clock_ = &SystemClock::Get();
  std::atomic<uint64_t> feed_commits_{0};
  std::function<void()> feed_listener_;
  mutable std::mutex memo_mu_;
  struct MemoShelf {
    int64_t version = -1;
    std::unordered_map<std::string, std::shared_ptr<const void>> values;
  };
  std::array<MemoShelf, kMemoKinds> memo_shelves_;
};

// Runs `body(Tx&)` in a transaction and commits when it returns a value.
// `body` returns Result<T>; its error rolls the transaction back.
template <typename F>
auto InTx(Db& db, TxMode mode, F&& body) -> decltype(body(std::declval<Tx&>())) {
  auto tx = db.Begin(mode);
  if (!tx) return Fail(tx.error());
  auto result = body(**tx);
  if (!result) return result;
  if (auto c = (*tx)->Commit(); !c) return Fail(c.error());
  return result;
}

// The error of a second statement in a TxMode::kReadOne read.
Error OneStatementOnly();

// The outcome of a statement whose count of changed rows does not matter.
Result<void> Done(const Result<int64_t>& changed);

// Escapes % _ and \ for use in LIKE ... ESCAPE '\'.
std::string EscapeLike(std::string_view text);

}  // namespace rongping::store

#endif  // RONGPING_STORE_DB_H_
