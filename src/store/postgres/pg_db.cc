#include "store/postgres/pg_db.h"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <random>
#include <regex>
#include <unordered_map>

#include <fmt/format.h>

namespace rongping::store {
namespace {

// Type OIDs of pg_type that results are read by.
constexpr Oid kBoolOid = 16, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kFloat4Oid = 700,
              kFloat8Oid = 701, kNumericOid = 1700;

// The one advisory lock every write transaction takes first (an arbitrary
// constant: "rongping" in the low bits).
constexpr std::string_view kWriterLock = "SELECT pg_advisory_xact_lock(7242605)";

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// The error of a failed statement: integrity violations are conflicts;
// lost connections, serialization failures and an unavailable server may be
// retried; the rest is internal.
Error PgError(PGconn* conn, const PGresult* res, std::string_view what) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string detail = res ? PQresultErrorMessage(res) : "";
  if (detail.empty() && conn) detail = PQerrorMessage(conn);
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
  std::string msg = fmt::format("{}: {}", what.substr(0, 80), detail);
  const std::string_view code = state ? state : "";
  if (code.starts_with("23")) return Error{ErrorKind::kConflict, "constraint", msg, {}};
  if (code.empty() || code.starts_with("08") || code.starts_with("57") || code == "40001" ||
      code == "40P01" || code == "53300") {
    if (code.empty() && conn && PQstatus(conn) == CONNECTION_OK) return Error::Internal(msg);
    return Error::Unavailable(msg);
  }
  return Error::Internal(msg);
}

// Parameters as libpq's text format wants them: integers and reals typed
// (so `$1 IS NULL` and arithmetic know them), texts left for the server to
// infer from where they stand.
class Params {
 public:
  explicit Params(const std::vector<Value>& values) {
    texts_.reserve(values.size());
    for (const Value& v : values) {
      if (std::holds_alternative<std::monostate>(v)) {
        types_.push_back(0);
        texts_.emplace_back();
      } else if (auto* n = std::get_if<int64_t>(&v)) {
        types_.push_back(kInt8Oid);
        texts_.push_back(std::to_string(*n));
      } else if (auto* d = std::get_if<double>(&v)) {
        types_.push_back(kFloat8Oid);
        texts_.push_back(std::isnan(*d)   ? "NaN"
                         : std::isinf(*d) ? (*d > 0 ? "Infinity" : "-Infinity")
                                          : fmt::format("{}", *d));
      } else {
        types_.push_back(0);
        texts_.push_back(std::get<std::string>(v));
      }
    }
    for (size_t i = 0; i < values.size(); ++i) {
      pointers_.push_back(std::holds_alternative<std::monostate>(values[i]) ? nullptr : texts_[i].c_str());
    }
  }
  int count() const { return static_cast<int>(pointers_.size()); }
  const Oid* types() const { return types_.data(); }
  const char* const* values() const { return pointers_.data(); }

 private:
  std::vector<Oid> types_;
  std::vector<std::string> texts_;
  std::vector<const char*> pointers_;
};

std::string_view CellText(const PGresult* r, int row, int column) {
  return {PQgetvalue(r, row, column), static_cast<size_t>(PQgetlength(r, row, column))};
}

int64_t CellInt(const PGresult* r, int row, int column) {
  if (PQgetisnull(r, row, column)) return 0;
  const char* text = PQgetvalue(r, row, column);
  const Oid type = PQftype(r, column);
  if (type == kBoolOid) return text[0] == 't' ? 1 : 0;
  if (type == kFloat4Oid || type == kFloat8Oid || type == kNumericOid) {
    return static_cast<int64_t>(std::strtod(text, nullptr));
  }
  return std::strtoll(text, nullptr, 10);
}

double CellReal(const PGresult* r, int row, int column) {
  if (PQgetisnull(r, row, column)) return 0;
  if (PQftype(r, column) == kBoolOid) return PQgetvalue(r, row, column)[0] == 't' ? 1 : 0;
  return std::strtod(PQgetvalue(r, row, column), nullptr);
}

Value CellValue(const PGresult* r, int row, int column) {
  if (PQgetisnull(r, row, column)) return std::monostate{};
  switch (PQftype(r, column)) {
    case kBoolOid:
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
      return CellInt(r, row, column);
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid:
      return CellReal(r, row, column);
    default:
      return std::string(CellText(r, row, column));
  }
}

// A Scan's view of the current row: one single-row result.
struct ResultCursor final : RowCursor {
  const PGresult* result = nullptr;
  bool IsNull(int c) const override { return PQgetisnull(result, 0, c) != 0; }
  int64_t Int(int c) const override { return CellInt(result, 0, c); }
  double Real(int c) const override { return CellReal(result, 0, c); }
  std::string_view Text(int c) const override {
    return PQgetisnull(result, 0, c) ? std::string_view() : CellText(result, 0, c);
  }
  Value Get(int c) const override { return CellValue(result, 0, c); }
  int ColumnCount() const override { return PQnfields(result); }
};

// One server connection.
class Connection {
 public:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  ~Connection() { PQfinish(conn_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Opens a connection to `url`; `prepare`: keep the program's statements
  // prepared (RunPrepared).
  static Result<std::unique_ptr<Connection>> Open(const std::string& url, bool prepare) {
    // Defaults first: what the URL says overrides them.
    const char* keys[] = {"client_encoding", "application_name", "connect_timeout", "dbname", nullptr};
    const char* values[] = {"UTF8", "rongping", "10", url.c_str(), nullptr};
    auto conn = std::make_unique<Connection>(PQconnectdbParams(keys, values, /*expand_dbname=*/1));
    if (!conn->conn_ || PQstatus(conn->conn_) != CONNECTION_OK) {
      std::string why = conn->conn_ ? PQerrorMessage(conn->conn_) : "out of memory";
      while (!why.empty() && why.back() == '\n') why.pop_back();
      return Fail(Error::Unavailable(fmt::format("无法连接数据库 {}：{}", RedactDbUrl(url), why)));
    }
    // Notices ("already exists, skipping") are not errors; they are dropped
    // rather than written to stderr.
    PQsetNoticeProcessor(conn->conn_, [](void*, const char*) {}, nullptr);
    conn->prepare_ = prepare;
    conn->name_prefix_ = std::random_device()();
    return conn;
  }

  // True when the connection is usable and outside any transaction.
  bool Reusable() const {
    return !discard_ && PQstatus(conn_) == CONNECTION_OK &&
           PQtransactionStatus(conn_) == PQTRANS_IDLE;
  }
  bool Lost() const { return PQstatus(conn_) != CONNECTION_OK; }

  // Runs a statement without parameters as it is (BEGIN, COMMIT, DDL); the
  // result on success.
  Result<PgResult> Run(std::string_view sql) {
    const std::string text(sql);
    return Checked(PQexecParams(conn_, text.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0), sql);
  }

  // Runs one of the program's statements (Tx::Exec, Query): prepared on
  // this connection the first time it is run with parameters of these
  // types, when the connection keeps prepared statements.
  Result<PgResult> RunPrepared(std::string_view sql, const std::vector<Value>& params) {
    Params p(params);
    auto name = Prepared(sql, p);
    if (!name) return Fail(name.error());
    const std::string text = *name ? std::string() : std::string(sql);
    return Checked(*name ? PQexecPrepared(conn_, (*name)->c_str(), p.count(), p.values(), nullptr, nullptr, 0)
                         : PQexecParams(conn_, text.c_str(), p.count(), p.types(), p.values(), nullptr, nullptr, 0),
                   sql);
  }

  // Frees the notifications libpq holds for this connection. A pooled
  // connection never LISTENs itself, but behind pgbouncer in transaction
  // mode its server connection may be one that another client made LISTEN,
  // and libpq would keep every notice until the connection closes.
  void DropNotices() {
    while (PGnotify* n = PQnotifies(conn_)) PQfreemem(n);
  }

  // Waits up to `timeout` for a notification on a channel this connection
  // LISTENs on; true when one (or more) came. Never inside a transaction.
  Result<bool> WaitForNotice(std::chrono::milliseconds timeout) {
    auto drained = [this] {
      bool any = false;
      while (PGnotify* n = PQnotifies(conn_)) {
        any = true;
        PQfreemem(n);
      }
      return any;
    };
    auto lost = [this] {
      std::string why = PQerrorMessage(conn_);
      while (!why.empty() && why.back() == '\n') why.pop_back();
      return Fail(Error::Unavailable("等待数据库通知时连接中断：" + why));
    };
    if (PQconsumeInput(conn_) == 0) return lost();
    if (drained()) return true;
    pollfd wait{PQsocket(conn_), POLLIN, 0};
    const int ready = ::poll(&wait, 1, static_cast<int>(timeout.count()));
    if (ready < 0 && errno != EINTR) return Fail(Error::Unavailable("等待数据库通知失败"));
    if (ready <= 0) return false;
    if (PQconsumeInput(conn_) == 0) return lost();
    return drained();
  }

  // Runs a query row by row (libpq's single-row mode), without holding the
  // whole result.
  Result<void> Stream(std::string_view sql, const std::vector<Value>& params,
                      const std::function<void(const RowCursor&)>& on_row) {
    Params p(params);
    auto name = Prepared(sql, p);
    if (!name) return Fail(name.error());
    const std::string text = *name ? std::string() : std::string(sql);
    const int sent = *name ? PQsendQueryPrepared(conn_, (*name)->c_str(), p.count(), p.values(),
                                                 nullptr, nullptr, 0)
                           : PQsendQueryParams(conn_, text.c_str(), p.count(), p.types(),
                                               p.values(), nullptr, nullptr, 0);
    if (!sent) return Fail(PgError(conn_, nullptr, sql));
    PQsetSingleRowMode(conn_);
    std::optional<Error> failed;
    ResultCursor cursor;
    // Every result is read, even after an error, so the connection is
    // ready for the next statement.
    while (PGresult* raw = PQgetResult(conn_)) {
      PgResult res(raw);
      const ExecStatusType status = PQresultStatus(raw);
      if (status == PGRES_SINGLE_TUPLE) {
        if (failed) continue;
        cursor.result = raw;
        on_row(cursor);
      } else if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && !failed) {
        failed = StatementError(raw, sql);
      }
    }
    if (failed) return Fail(*failed);
    return {};
  }

 private:
  // The most statements one connection keeps prepared; a statement beyond
  // them is sent as it is. (Each costs the server a plan's memory per
  // connection; the program's statements are far fewer.)
  static constexpr size_t kMaxPrepared = 256;

  // The result of a statement sent, or its error.
  Result<PgResult> Checked(PGresult* raw, std::string_view sql) {
    PgResult res(raw);
    const ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
      return Fail(StatementError(res.get(), sql));
    return res;
  }

  // The error of a failed statement. A prepared statement the server no
  // longer has (a pooler that hands each transaction another server
  // connection) or whose plan no longer fits (the schema changed beneath
  // it) makes the connection one not to use again.
  Error StatementError(const PGresult* res, std::string_view sql) {
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    const std::string_view code = state ? state : "";
    if (!prepared_.empty() && (code == "26000" || code == "0A000")) {
      discard_ = true;
      if (code == "26000") {
        return Error::Unavailable(
            "数据库连接上的预备语句已不存在：连接池须为会话模式（pgbouncer pool_mode = session），"
            "或在数据库地址中加 prepared_statements=off");
      }
    }
    return PgError(conn_, res, sql);
  }

  // The name of the statement prepared for `sql` with parameters of `p`'s
  // types (prepared now if it was not), or null to send it as it is.
  Result<const std::string*> Prepared(std::string_view sql, const Params& p) {
    if (!prepare_) return nullptr;
    std::string key(sql);
    key.push_back('\0');
    key.append(reinterpret_cast<const char*>(p.types()),
               sizeof(Oid) * static_cast<size_t>(p.count()));
    if (auto kept = prepared_.find(key); kept != prepared_.end()) return &kept->second;
    if (prepared_.size() >= kMaxPrepared) return nullptr;
    std::string name = fmt::format("rp{:x}_{}", name_prefix_, prepared_.size());
    const std::string text(sql);
    if (auto r = Checked(PQprepare(conn_, name.c_str(), text.c_str(), p.count(), p.types()), sql);
        !r) {
      return Fail(r.error());
    }
    return &prepared_.emplace(std::move(key), std::move(name)).first->second;
  }

  PGconn* conn_;
  bool prepare_ = true;
  bool discard_ = false;  // not to be pooled again (StatementError)
  // Random, so that names never meet another connection's on a server
  // connection a pooler shares.
  uint64_t name_prefix_ = 0;
  // The statements prepared: sql, NUL, parameter types -> statement name.
  std::unordered_map<std::string, std::string> prepared_;
};

class PgDb;

class PgTx final : public Tx {
 public:
  // `pooled`: the connection was idle in the pool (it may have been ended
  // by the server meanwhile).
  PgTx(PgDb* db, std::unique_ptr<Connection> conn, TxMode mode, bool pooled)
      : db_(db), conn_(std::move(conn)), mode_(mode), pooled_(pooled) {}
  ~PgTx() override;

  Result<int64_t> Exec(std::string_view sql, const std::vector<Value>& params) override {
    auto res = RunStatement(sql, params);
    if (!res) return Fail(res.error());
    return std::strtoll(PQcmdTuples(res->get()), nullptr, 10);
  }

  Result<Rows> Query(std::string_view sql, const std::vector<Value>& params) override {
    auto res = RunStatement(sql, params);
    if (!res) return Fail(res.error());
    const PGresult* r = res->get();
    Rows rows;
    const int columns = PQnfields(r), count = PQntuples(r);
    for (int c = 0; c < columns; ++c) rows.columns.emplace_back(PQfname(r, c));
    rows.rows.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
      std::vector<Value> values;
      values.reserve(static_cast<size_t>(columns));
      for (int c = 0; c < columns; ++c) values.push_back(CellValue(r, i, c));
      rows.rows.emplace_back(std::move(values));
    }
    return rows;
  }

  Result<void> Scan(std::string_view sql, const std::vector<Value>& params,
                    const std::function<void(const RowCursor&)>& on_row) override {
    if (mode_ == TxMode::kReadOne && statements_++ > 0) return Fail(OneStatementOnly());
    return conn_->Stream(sql, params, on_row);
  }

  Result<void> ExecScript(std::string_view ddl) override {
    const std::string text = TranslateDdlForPostgres(ddl);
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find(';', start);
      if (end == std::string::npos) end = text.size();
      std::string_view statement(text.data() + start, end - start);
      if (statement.find_first_not_of(" \t\r\n") != std::string_view::npos) {
        if (auto r = conn_->Run(statement); !r) return Fail(r.error());
      }
      start = end + 1;
    }
    return {};
  }

  Result<void> CommitTransaction() override {
    if (mode_ == TxMode::kReadOne) {  // no transaction was begun
      done_ = true;
      return {};
    }
    // Other app servers LISTEN on the channel (PgDb::WaitForFeedNotice);
    // PostgreSQL delivers it only when the transaction commits.
    if (appends_feed()) {
      if (auto n = conn_->Run("NOTIFY rongping_feed"); !n) return Fail(n.error());
    }
    auto r = conn_->Run("COMMIT");
    if (!r) return Fail(r.error());
    done_ = true;
    return {};
  }

 private:
  // Runs a statement. The one statement of a kReadOne read is its first
  // contact with the server: on a pooled connection the server has ended,
  // it runs again once on a fresh one (as BeginTransaction does for BEGIN).
  Result<PgResult> RunStatement(std::string_view sql, const std::vector<Value>& params);

  PgDb* db_;
  std::unique_ptr<Connection> conn_;
  const TxMode mode_;
  bool pooled_;
  int statements_ = 0;
  bool done_ = false;
};

class PgDb final : public Db {
 public:
  PgDb(std::string url, bool prepare) : url_(std::move(url)), prepare_(prepare) {}

  Result<std::unique_ptr<Tx>> BeginTransaction(TxMode mode) override {
    // A pooled connection may have been ended by the server (a restart, an
    // administrator): it fails at BEGIN and is dropped for the next, or a
    // fresh one. A fresh connection that fails is an answer.
    for (;;) {
      bool pooled = false;
      auto conn = Take(&pooled);
      if (!conn) return Fail(conn.error());
      auto begun = mode == TxMode::kReadOne ? Result<void>() : StartTransaction(**conn, mode);
      if (begun) return std::unique_ptr<Tx>(new PgTx(this, std::move(*conn), mode, pooled));
      if (!pooled || begun.error().kind != ErrorKind::kUnavailable) return Fail(begun.error());
    }
  }

  std::string_view Dialect() const override { return "postgresql"; }

  bool HasFeedNotices() const override { return true; }

  Result<bool> WaitForFeedNotice(std::chrono::milliseconds timeout) override {
    std::lock_guard lock(listen_mu_);
    if (!listener_ || listener_->Lost()) {
      listener_.reset();
      auto conn = Connection::Open(url_, false);
      if (!conn) return Fail(conn.error());
      if (auto r = (*conn)->Run("LISTEN rongping_feed"); !r) return Fail(r.error());
      listener_ = std::move(*conn);
    }
    auto noticed = listener_->WaitForNotice(timeout);
    if (!noticed) listener_.reset();  // opened afresh on the next call
    return noticed;
  }

  // A new connection, outside the pool.
  Result<std::unique_ptr<Connection>> OpenConnection() { return Connection::Open(url_, prepare_); }

  // Takes back a connection a transaction is done with.
  void Release(std::unique_ptr<Connection> conn) {
    if (!conn->Reusable()) return;
    conn->DropNotices();
    std::lock_guard lock(mu_);
    if (idle_.size() < kMaxIdle) idle_.push_back(std::move(conn));
  }

 private:
  static constexpr size_t kMaxIdle = 16;

  // An idle connection (`pooled` set) or a new one.
  Result<std::unique_ptr<Connection>> Take(bool* pooled) {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        *pooled = true;
        return conn;
      }
    }
    *pooled = false;
    return OpenConnection();
  }

  static Result<void> StartTransaction(Connection& conn, TxMode mode) {
    auto begun = conn.Run(mode == TxMode::kRead ? "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                                                : "BEGIN ISOLATION LEVEL READ COMMITTED");
    if (!begun) return Fail(begun.error());
    if (mode == TxMode::kWrite) {
      if (auto locked = conn.Run(kWriterLock); !locked) {
        (void)conn.Run("ROLLBACK");
        return Fail(locked.error());
      }
    }
    return {};
  }

  std::string url_;
  const bool prepare_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::mutex listen_mu_;
  std::unique_ptr<Connection> listener_;  // LISTENs on rongping_feed, outside the pool
};

Result<PgResult> PgTx::RunStatement(std::string_view sql, const std::vector<Value>& params) {
  if (mode_ != TxMode::kReadOne) return conn_->RunPrepared(sql, params);
  if (statements_++ > 0) return Fail(OneStatementOnly());
  auto res = conn_->RunPrepared(sql, params);
  if (res || !pooled_ || res.error().kind != ErrorKind::kUnavailable) return res;
  auto fresh = db_->OpenConnection();
  if (!fresh) return Fail(fresh.error());
  conn_ = std::move(*fresh);
  pooled_ = false;
  return conn_->RunPrepared(sql, params);
}

PgTx::~PgTx() {
  if (!done_ && mode_ != TxMode::kReadOne && !conn_->Lost()) (void)conn_->Run("ROLLBACK");
  db_->Release(std::move(conn_));
}

}  // namespace

std::string TranslateDdlForPostgres(std::string_view ddl) {
  static const std::regex kAutoKey(R"(\bINTEGER PRIMARY KEY\b)");
  static const std::regex kInteger(R"(\bINTEGER\b)");
  std::string text = std::regex_replace(std::string(ddl), kAutoKey, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
  return std::regex_replace(text, kInteger, "BIGINT");
}

std::string RedactDbUrl(std::string_view url) {
  // scheme://user:password@host... -> scheme://user:***@host...
  const size_t scheme = url.find("://");
  const size_t at = url.find('@', scheme == std::string_view::npos ? 0 : scheme + 3);
  if (scheme == std::string_view::npos || at == std::string_view::npos) return std::string(url);
  const size_t colon = url.find(':', scheme + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

Result<PgUrl> ReadPgUrl(std::string_view url) {
  constexpr std::string_view kParameter = "prepared_statements";
  PgUrl out;
  const size_t query = url.find('?');
  out.libpq_url = std::string(url.substr(0, query));
  if (query == std::string_view::npos) return out;
  char separator = '?';
  for (std::string_view rest = url.substr(query + 1); !rest.empty();) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.substr(0, pair.find('=')) != kParameter) {
      if (!pair.empty()) {
        (out.libpq_url += separator) += pair;
        separator = '&';
      }
      continue;
    }
    const std::string_view value =
        pair.size() > kParameter.size() ? pair.substr(kParameter.size() + 1) : "";
    if (value != "on" && value != "off") {
      return Fail(Error::Invalid(
          "invalid_db_url",
          fmt::format("数据库地址参数 {} 应为 on 或 off，而不是“{}”", kParameter, value), "db"));
    }
    out.prepared_statements = value == "on";
  }
  return out;
}

Result<std::unique_ptr<Db>> OpenPostgres(const std::string& url) {
  auto read = ReadPgUrl(url);
  if (!read) return Fail(read.error());
  auto db = std::make_unique<PgDb>(std::move(read->libpq_url), read->prepared_statements);
  if (auto ping = db->Ping(); !ping) return Fail(ping.error());
  return std::unique_ptr<Db>(std::move(db));
}

}  // namespace rongping::store
