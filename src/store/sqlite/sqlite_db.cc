#include "store/sqlite/sqlite_db.h"

#include <sqlite3.h>

#include <condition_variable>
#include <mutex>
#include <regex>
#include <unordered_map>

#include <fmt/format.h>

namespace rongping::store {
namespace {

Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string msg = fmt::format("{}: {}", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  int primary = rc & 0xFF;
  if (primary == SQLITE_CONSTRAINT) {
    return Error{ErrorKind::kConflict, "constraint", msg, {}};
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_CANTOPEN ||
      primary == SQLITE_IOERR || primary == SQLITE_FULL) {
    return Error::Unavailable(msg);
  }
  return Error::Internal(msg);
}

std::string_view ColumnText(sqlite3_stmt* s, int c) {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, c));
  return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(s, c))) : std::string_view();
}

Value ColumnValue(sqlite3_stmt* s, int c) {
  switch (sqlite3_column_type(s, c)) {
    case SQLITE_INTEGER: return int64_t{sqlite3_column_int64(s, c)};
    case SQLITE_FLOAT: return sqlite3_column_double(s, c);
    case SQLITE_NULL: return std::monostate{};
    default: return std::string(ColumnText(s, c));
  }
}

// A Scan's view of the statement's current row.
struct StatementCursor final : RowCursor {
  sqlite3_stmt* stmt = nullptr;
  bool IsNull(int c) const override { return sqlite3_column_type(stmt, c) == SQLITE_NULL; }
  int64_t Int(int c) const override { return sqlite3_column_int64(stmt, c); }
  double Real(int c) const override { return sqlite3_column_double(stmt, c); }
  std::string_view Text(int c) const override { return ColumnText(stmt, c); }
  Value Get(int c) const override { return ColumnValue(stmt, c); }
  int ColumnCount() const override { return sqlite3_column_count(stmt); }
};

// One sqlite3 connection with a cache of prepared statements.
class Connection {
 public:
  ~Connection() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  static Result<std::unique_ptr<Connection>> Open(const std::string& path) {
    // SQLite counts every allocation under one process-wide mutex unless told
    // not to (SQLITE_CONFIG_MEMSTATUS); nothing here reads those counts, and
    // with several threads reading, the mutex was a tenth of a diagnosis.
    static std::once_flag configured;
    std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    auto conn = std::unique_ptr<Connection>(new Connection(raw));
    if (rc != SQLITE_OK) {
      return Fail(Error::Unavailable(
          fmt::format("无法打开数据库 {}: {}", path, raw ? sqlite3_errmsg(raw) : "")));
    }
    sqlite3_busy_timeout(raw, 10000);
    for (const char* pragma :
         {"PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL",
          "PRAGMA cache_size=-65536", "PRAGMA temp_store=MEMORY"}) {
      if (auto r = conn->ExecPlain(pragma); !r) return Fail(r.error());
    }
    return conn;
  }

  Result<void> ExecPlain(const std::string& sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      Error e = SqliteError(nullptr, rc, sql.substr(0, 60));
      e.message = fmt::format("{}: {}", sql.substr(0, 60), msg);
      return Fail(e);
    }
    return {};
  }

  // Runs a statement without parameters or rows (BEGIN, COMMIT, ROLLBACK)
  // from the connection's prepared statements: not parsed again each time.
  Result<void> Command(std::string_view sql) {
    auto r = Run(sql, {}, nullptr);
    if (!r) return Fail(r.error());
    return {};
  }

  // Prepares (or reuses) a statement, binds params and steps through it,
  // calling `on_row` (when given) with the statement positioned on each row.
  // Returns the number of rows the statement changed.
  Result<int64_t> Run(std::string_view sql, const std::vector<Value>& params,
                      const std::function<void(sqlite3_stmt*)>* on_row) {
    auto stmt = Prepare(sql);
    if (!stmt) return Fail(stmt.error());
    sqlite3_stmt* s = *stmt;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      const Value& v = params[i];
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::monostate>(v)) {
        rc = sqlite3_bind_null(s, idx);
      } else if (auto* n = std::get_if<int64_t>(&v)) {
        rc = sqlite3_bind_int64(s, idx, *n);
      } else if (auto* d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(s, idx, *d);
      } else {
        const auto& t = std::get<std::string>(v);
        rc = sqlite3_bind_text(s, idx, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
      }
      if (rc != SQLITE_OK) return Fail(SqliteError(db_, rc, "bind"));
    }
    for (;;) {
      int rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        Error e = SqliteError(db_, rc, "SQL");
        sqlite3_reset(s);
        return Fail(e);
      }
      if (on_row) (*on_row)(s);
    }
    int64_t changes = sqlite3_changes64(db_);
    sqlite3_reset(s);
    return changes;
  }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    auto it = statements_.find(std::string(sql));
    if (it != statements_.end()) return it->second;
    std::string native = RewritePlaceholdersForSqlite(sql);
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, native.c_str(), static_cast<int>(native.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return Fail(SqliteError(db_, rc, "prepare"));
    statements_.emplace(std::string(sql), stmt);
    return stmt;
  }

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

class SqliteDb;

class SqliteTx final : public Tx {
 public:
  SqliteTx(SqliteDb* db, std::unique_ptr<Connection> conn, TxMode mode)
      : db_(db), conn_(std::move(conn)), mode_(mode) {}
  ~SqliteTx() override;

  Result<int64_t> Exec(std::string_view sql, const std::vector<Value>& params) override {
    if (auto one = CountStatement(); !one) return Fail(one.error());
    return conn_->Run(sql, params, nullptr);
  }
  Result<Rows> Query(std::string_view sql, const std::vector<Value>& params) override {
    if (auto one = CountStatement(); !one) return Fail(one.error());
    Rows rows;
    std::function<void(sqlite3_stmt*)> collect = [&rows](sqlite3_stmt* s) {
      int n = sqlite3_column_count(s);
      if (rows.columns.empty()) {
        for (int c = 0; c < n; ++c) rows.columns.emplace_back(sqlite3_column_name(s, c));
      }
      std::vector<Value> values;
      values.reserve(n);
      for (int c = 0; c < n; ++c) values.push_back(ColumnValue(s, c));
      rows.rows.emplace_back(std::move(values));
    };
    if (auto r = conn_->Run(sql, params, &collect); !r) return Fail(r.error());
    return rows;
  }
  Result<void> Scan(std::string_view sql, const std::vector<Value>& params,
                    const std::function<void(const RowCursor&)>& on_row) override {
    if (auto one = CountStatement(); !one) return Fail(one.error());
    StatementCursor cursor;
    std::function<void(sqlite3_stmt*)> each = [&](sqlite3_stmt* s) {
      cursor.stmt = s;
      on_row(cursor);
    };
    if (auto r = conn_->Run(sql, params, &each); !r) return Fail(r.error());
    return {};
  }
  Result<void> ExecScript(std::string_view ddl) override {
    return conn_->ExecPlain(TranslateDdlForSqlite(ddl));
  }
  // Moves the transaction to a connection that maps the file, kept apart
  // from serving's (SqliteDb::TakeMapped, ParkMapped).
  Result<void> ReadTablesWhole() override;
  Result<void> CommitTransaction() override {
    if (mode_ == TxMode::kReadOne) {  // no transaction was begun
      done_ = true;
      return {};
    }
    auto r = conn_->Command("COMMIT");
    if (r) done_ = true;
    return r;
  }

 private:
  // kInternal for a second statement in a kReadOne read.
  Result<void> CountStatement() {
    if (mode_ == TxMode::kReadOne && statements_++ > 0) return Fail(OneStatementOnly());
    return {};
  }

  SqliteDb* db_;
  std::unique_ptr<Connection> conn_;
  TxMode mode_;
  int statements_ = 0;
  bool done_ = false;
  bool mapped_ = false;  // ReadTablesWhole
};

class SqliteDb final : public Db {
 public:
  explicit SqliteDb(std::string path) : path_(std::move(path)) {}

  Result<void> Init() {
    auto w = Connection::Open(path_);
    if (!w) return Fail(w.error());
    writer_ = std::move(*w);
    return {};
  }

  Result<std::unique_ptr<Tx>> BeginTransaction(TxMode mode) override {
    std::unique_ptr<Connection> conn;
    if (mode == TxMode::kWrite) {
      std::unique_lock lock(mu_);
      writer_free_.wait(lock, [&] { return writer_ != nullptr; });
      conn = std::move(writer_);
    } else {
      std::lock_guard lock(mu_);
      if (!readers_.empty()) {
        conn = std::move(readers_.back());
        readers_.pop_back();
      }
    }
    if (!conn) {
      auto opened = Connection::Open(path_);
      if (!opened) return Fail(opened.error());
      conn = std::move(*opened);
    }
    auto begun = mode == TxMode::kReadOne ? Result<void>()
                                          : conn->Command(mode == TxMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
    if (!begun) {
      Release(std::move(conn), mode);
      return Fail(begun.error());
    }
    return std::unique_ptr<Tx>(new SqliteTx(this, std::move(conn), mode));
  }

  std::string_view Dialect() const override { return "sqlite"; }

  const std::string& path() const { return path_; }

  // Connections that map the database file (SqliteTx::ReadTablesWhole):
  // idle ones are kept apart, so that their mappings stay made while
  // serving's connections, which writes would make remap, never map.
  std::unique_ptr<Connection> TakeMapped() {
    std::lock_guard lock(mu_);
    if (idle_mapped_.empty()) return nullptr;
    auto conn = std::move(idle_mapped_.back());
    idle_mapped_.pop_back();
    return conn;
  }
  void ParkMapped(std::unique_ptr<Connection> conn) {
    std::lock_guard lock(mu_);
    if (idle_mapped_.size() < kMaxIdleMapped) idle_mapped_.push_back(std::move(conn));
  }

  void Release(std::unique_ptr<Connection> conn, TxMode mode) {
    std::lock_guard lock(mu_);
    if (mode == TxMode::kWrite) {
      writer_ = std::move(conn);
      writer_free_.notify_one();
    } else if (readers_.size() < kMaxIdleReaders) {
      readers_.push_back(std::move(conn));
    }
  }

 private:
  static constexpr size_t kMaxIdleReaders = 16;
  static constexpr size_t kMaxIdleMapped = 2;  // a first build reads on two
  std::string path_;
  std::mutex mu_;
  std::condition_variable writer_free_;
  std::unique_ptr<Connection> writer_;
  std::vector<std::unique_ptr<Connection>> readers_;
  std::vector<std::unique_ptr<Connection>> idle_mapped_;
};

SqliteTx::~SqliteTx() {
  if (!done_ && mode_ != TxMode::kReadOne) (void)conn_->Command("ROLLBACK");
  if (mapped_) {
    db_->ParkMapped(std::move(conn_));
  } else {
    db_->Release(std::move(conn_), mode_);
  }
}

Result<void> SqliteTx::ReadTablesWhole() {
  if (mode_ != TxMode::kRead || mapped_) return {};
  std::unique_ptr<Connection> mapped = db_->TakeMapped();
  if (!mapped) {
    auto opened = Connection::Open(db_->path());
    if (!opened) return Fail(opened.error());
    mapped = std::move(*opened);
    if (auto r = mapped->ExecPlain("PRAGMA mmap_size=4294967296"); !r) return r;
  }
  // Nothing was read yet: the transaction begins again on the mapped connection.
  if (auto r = mapped->Command("BEGIN"); !r) return r;
  (void)conn_->Command("ROLLBACK");
  db_->Release(std::move(conn_), mode_);
  conn_ = std::move(mapped);
  mapped_ = true;
  return {};
}

}  // namespace

std::string RewritePlaceholdersForSqlite(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  bool in_string = false;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\'') in_string = !in_string;
    if (!in_string && c == '$' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out.push_back('?');
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string TranslateDdlForSqlite(std::string_view ddl) {
  static const std::regex kBigint(R"(\bBIGINT\b)");
  static const std::regex kDouble(R"(\bDOUBLE PRECISION\b)");
  std::string text = std::regex_replace(std::string(ddl), kBigint, "INTEGER");
  text = std::regex_replace(text, kDouble, "REAL");
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(';', start);
    if (end == std::string::npos) end = text.size();
    std::string stmt = text.substr(start, end - start);
    size_t first = stmt.find_first_not_of(" \t\r\n");
    if (first != std::string::npos) {
      if (stmt.compare(first, 12, "CREATE TABLE") == 0) stmt += " STRICT";
      out += stmt;
      out += ";\n";
    }
    start = end + 1;
  }
  return out;
}

Result<std::unique_ptr<Db>> OpenSqlite(const std::string& path) {
  auto db = std::make_unique<SqliteDb>(path);
  if (auto r = db->Init(); !r) return Fail(r.error());
  return std::unique_ptr<Db>(std::move(db));
}

}  // namespace rongping::store
