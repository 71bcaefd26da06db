// Test helpers: a fresh migrated database with the reference data, removed
// on destruction: a SQLite file in a temporary directory, or, when the
// environment names a PostgreSQL server in RONGPING_TEST_PG (scripts/test
// starts a throwaway cluster and sets it), a schema of its own there.
#ifndef RONGPING_STORE_TEST_SUPPORT_H_
#define RONGPING_STORE_TEST_SUPPORT_H_

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <type_traits>

#include <gtest/gtest.h>

#include "core/uscc.h"
#include "domain/audit.h"
#include "domain/principal.h"
#include "domain/round.h"
#include "importer/reference.h"
#include "store/copy.h"
#include "store/db.h"
#include "store/migrations.h"

namespace rongping::testing {

// The PostgreSQL server the tests use, or empty for SQLite.
// REQUIRES: RONGPING_TEST_PG set when RONGPING_TEST_BACKEND is postgresql
// (as ctest's postgresql.* tests have it), so those never run on SQLite.
inline std::string TestPostgresUrl() {
  const char* url = std::getenv("RONGPING_TEST_PG");
  const char* backend = std::getenv("RONGPING_TEST_BACKEND");
  if (backend && std::string_view(backend) == "postgresql" && (!url || !*url)) {
    throw std::runtime_error("RONGPING_TEST_PG is not set: start a cluster with scripts/pg-cluster start DIR");
  }
  return url ? url : "";
}

class TempDb {
 public:
  TempDb() {
    std::random_device rd;
    const std::string name = "rongping-test-" + std::to_string(rd()) + std::to_string(rd());
    dir_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::create_directories(dir_);
    const std::string pg = TestPostgresUrl();
    std::string url = "sqlite:" + (dir_ / "test.db").string();
    if (!pg.empty()) {
      schema_ = "t" + std::to_string(rd()) + std::to_string(rd());
      admin_ = Check(store::Db::Open(pg));
      Check(store::InTx(*admin_, store::TxMode::kWrite,
                        [&](store::Tx& tx) { return tx.ExecScript("CREATE SCHEMA " + schema_); }));
      url = pg + (pg.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema_;
    }
    url_ = url;
    db_ = Check(store::Db::Open(url));
    Check(store::Migrate(*db_));
    Check(LoadReferenceData(*db_));
  }
  ~TempDb() {
    db_.reset();
    if (admin_) {
      (void)store::InTx(*admin_, store::TxMode::kWrite,
                        [&](store::Tx& tx) { return tx.ExecScript("DROP SCHEMA " + schema_ + " CASCADE"); });
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  store::Db& db() { return *db_; }
  const std::filesystem::path& dir() const { return dir_; }
  // The database's URL: another Db opened on it is another app server.
  const std::string& url() const { return url_; }

 private:
  template <typename T>
  static T Check(Result<T> r) {
    if (!r) throw std::runtime_error(r.error().message);
    if constexpr (!std::is_void_v<T>) return std::move(*r);
  }
  std::filesystem::path dir_;
  std::string url_;
  std::string schema_;                // on PostgreSQL: this test's own schema
  std::unique_ptr<store::Db> admin_;  // on PostgreSQL: where the schema is made and dropped
  std::unique_ptr<store::Db> db_;
};

// A Db that passes everything to another Db but fails its Nth statement, as
// a dropped connection or a full disk would: counting Begin, Exec, Query,
// Scan, ExecScript and Commit across all its transactions from 1, the
// `fail_at`th answers kUnavailable without reaching the database (and so do
// all after it, as with a connection that stays down). For testing that a
// service passes the failure on and writes nothing half.
class FailingDb : public store::Db {
 public:
  FailingDb(store::Db& real, int64_t fail_at) : real_(real), fail_at_(fail_at) { SetClock(real.clock()); }
  std::string_view Dialect() const override { return real_.Dialect(); }
  // Whether the failure was reached.
  bool failed() const { return count_ >= fail_at_; }

 protected:
  Result<std::unique_ptr<store::Tx>> BeginTransaction(store::TxMode mode) override {
    if (auto r = Step(); !r) return Fail(r.error());
    auto tx = real_.Begin(mode);
    if (!tx) return Fail(tx.error());
    return std::unique_ptr<store::Tx>(new FailingTx(*this, std::move(*tx)));
  }

 private:
  class FailingTx : public store::Tx {
   public:
    FailingTx(FailingDb& db, std::unique_ptr<store::Tx> real) : db_(db), real_(std::move(real)) {}
    Result<int64_t> Exec(std::string_view sql, const std::vector<store::Value>& params) override {
      if (auto r = db_.Step(); !r) return Fail(r.error());
      return real_->Exec(sql, params);
    }
    Result<store::Rows> Query(std::string_view sql, const std::vector<store::Value>& params) override {
      if (auto r = db_.Step(); !r) return Fail(r.error());
      return real_->Query(sql, params);
    }
    Result<void> Scan(std::string_view sql, const std::vector<store::Value>& params,
                      const std::function<void(const store::RowCursor&)>& on_row) override {
      if (auto r = db_.Step(); !r) return r;
      return real_->Scan(sql, params, on_row);
    }
    Result<void> ExecScript(std::string_view ddl) override {
      if (auto r = db_.Step(); !r) return r;
      return real_->ExecScript(ddl);
    }
    Result<void> CommitTransaction() override {
      if (auto r = db_.Step(); !r) return r;
      return real_->Commit();
    }

   private:
    FailingDb& db_;
    std::unique_ptr<store::Tx> real_;
  };

  Result<void> Step() {
    if (++count_ >= fail_at_) return Fail(Error::Unavailable("测试：第 " + std::to_string(fail_at_) + " 条语句失败"));
    return {};
  }

  store::Db& real_;
  const int64_t fail_at_;
  std::atomic<int64_t> count_{0};
};

// Runs `operation(Db&)` (returning a Result) against a FailingDb over `db`
// that fails at statement 1, then 2, and so on until a run no longer reaches
// the failure. Every failed run must answer the injected kUnavailable error
// and leave every table exactly as it was (row counts and checksums). Returns
// the number of failure points tried, so a caller can check there were some.
// Tables in `may_change` are not compared: for a write an operation makes on
// purpose before the rest (a login attempt is counted before the password is
// checked, so that failing the rest cannot be used to guess unthrottled).
template <typename F>
int ExpectAllOrNothing(store::Db& db, F&& operation, const std::set<std::string>& may_change = {}) {
  auto before = store::SumTables(db);
  if (!before) throw std::runtime_error(before.error().message);
  for (int fail_at = 1; fail_at < 10000; ++fail_at) {
    FailingDb failing(db, fail_at);
    auto result = operation(static_cast<store::Db&>(failing));
    if (!failing.failed()) {
      EXPECT_TRUE(result) << "the run without a failure failed: " << result.error().message;
      return fail_at - 1;
    }
    if (result) {
      ADD_FAILURE() << "statement " << fail_at << " failed and the operation still answered success";
      return fail_at;
    }
    if (result.error().kind != ErrorKind::kUnavailable) {
      ADD_FAILURE() << "statement " << fail_at << " failed and the operation answered: " << result.error().message;
      return fail_at;
    }
    auto after = store::SumTables(db);
    if (!after) throw std::runtime_error(after.error().message);
    for (size_t i = 0; i < before->size() && i < after->size(); ++i) {
      const store::TableSum &was = (*before)[i], &is = (*after)[i];
      if (may_change.count(was.table)) continue;
      if (was.rows != is.rows || was.checksum != is.checksum) {
        ADD_FAILURE() << "statement " << fail_at << " failed and table " << was.table << " changed (" << was.rows
                      << " rows before, " << is.rows << " after)";
        return fail_at;
      }
    }
  }
  ADD_FAILURE() << "the operation never ran without reaching a failure";
  return 0;
}

// A principal of `role` over `scope` (a unit code, a USCC, or empty).
inline Principal MakePrincipal(Role role, std::string scope, std::string username = "tester") {
  Principal p;
  p.role = role;
  p.scope_code = std::move(scope);
  p.username = std::move(username);
  return p;
}

// A query of the audit trail for one object.
// A round of 广东省 (440000) for tests: open from 2016-04-01 to 2016-06-30,
// also its deadline, reviewed, offering `models`, counting submissions
// once per enterprise; no contacts due date.
inline domain::Round TestRound(std::string code, std::vector<std::string> models = {"m"}) {
  domain::Round r;
  r.code = std::move(code);
  r.name = "2016年测试周期";
  r.year = 2016;
  r.province_code = "440000";
  r.models = std::move(models);
  r.opens_on = domain::Date::Of("2016-04-01");
  r.closes_on = r.deadline = domain::Date::Of("2016-06-30");
  return r;
}

inline domain::AuditQuery AuditOf(std::string object_type, std::string object_id) {
  domain::AuditQuery q;
  q.object_type = std::move(object_type);
  q.object_id = std::move(object_id);
  return q;
}

// A valid USCC registered in division `division` with serial `n`.
inline std::string MakeUscc(const std::string& division, int n) {
  std::string org = std::to_string(100000000 + n).substr(1);  // 8 digits
  std::string first17 = "91" + division + org + "X";
  return first17 + UsccCheckCharacter(first17);
}

}  // namespace rongping::testing

#endif  // RONGPING_STORE_TEST_SUPPORT_H_
