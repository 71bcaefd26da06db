// Store tests on SQLite and, as ctest's postgresql.* tests, on PostgreSQL:
// migrations, the reporting tree, scoped reads, optimistic versions, audit,
// and the PostgreSQL backend's own contract (PostgresBackend.*).
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "domain/enterprise.h"
#include "domain/principal.h"
#include "store/audit.h"
#include "store/campaign.h"
#include "store/enterprises.h"
#include "store/migrations.h"
#include "store/postgres/pg_db.h"
#include "store/sqlite/sqlite_db.h"
#include "store/test_support.h"
#include "store/units.h"

namespace rongping {
namespace {

using testing::MakeUscc;
using testing::TempDb;

Enterprise Make(const std::string& unit, int n, const std::string& name) {
  Enterprise e;
  e.uscc = *domain::Uscc::Parse(MakeUscc(unit, n));
  e.name = name;
  e.unit_code = domain::UnitCode::Of(unit);
  e.industry_code = "39";
  e.production_type = "discrete_mass";
  e.employees = 100;
  e.revenue_10k_yuan = 3000;
  e.size_class = ClassifySize(e.employees, e.revenue_10k_yuan);
  e.above_scale = true;
  return e;
}

Principal UnitAdmin(const std::string& code) {
  Principal p;
  p.user_id = 1;
  p.username = "admin-" + code;
  p.role = code == "440000" ? Role::kProvince : Role::kUnit;
  p.scope_code = code;
  return p;
}

TEST(Migrations, ApplyingTwiceChangesNothing) {
  TempDb t;  // already migrated once
  auto again = store::Migrate(t.db());
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->applied, 0);
  EXPECT_EQ(again->from_version, again->to_version);
  EXPECT_EQ(again->to_version, store::AllMigrations().back().version);
  auto rows = InTx(t.db(), store::TxMode::kRead, [](store::Tx& tx) {
    return tx.Query("SELECT COUNT(*) FROM schema_migrations");
  });
  EXPECT_EQ(rows->rows[0].Int(0), static_cast<int64_t>(store::AllMigrations().size()));
}

// Times imported with their offset before they were normalised are
// rewritten in UTC by migration 10, which the database then records.
TEST(Migrations, ImportedTimesAreRewrittenInUtc) {
  TempDb t;
  Enterprise e = Make("440100", 1, "广州甲公司");
  ASSERT_TRUE(InTx(t.db(), store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
    if (auto r = store::InsertEnterprise(tx, e); !r) return Fail(r.error());
    domain::Round round = testing::TestRound("r");
    if (auto r = store::UpsertRound(tx, round); !r) return Fail(r.error());
    auto a = tx.Exec(
        "INSERT INTO assessments (round_code, uscc, model_id, unit_code, production_type, status, "
        "answers_json, "
        "version, submitted_at, reviewed_at, created_at, updated_at) VALUES ('r', $1, 'm', "
        "'440100', "
        "'discrete_mass', 'approved', '{}', 1, '2016-06-30T23:30:00+08:00', 'not a time', 'x', "
        "'x')",
        {e.uscc.str()});
    if (!a) return Fail(a.error());
    return true;
  }));
  // Migration 10's rewrite, as `rongping migrate` runs it on a database
  // from before it (later migrations cannot be undone to replay it whole).
  const store::Migration& utc = store::AllMigrations().at(9);
  ASSERT_EQ(utc.version, 10);
  ASSERT_NE(utc.data, nullptr);
  ASSERT_TRUE(InTx(t.db(), store::TxMode::kWrite, [&](store::Tx& tx) { return utc.data(tx); }));
  auto rows = InTx(t.db(), store::TxMode::kRead, [](store::Tx& tx) {
    return tx.Query("SELECT submitted_at, reviewed_at FROM assessments");
  });
  ASSERT_TRUE(rows && rows->size() == 1);
  EXPECT_EQ(rows->rows[0].Text(0), "2016-06-30T15:30:00.000Z");  // the same instant, sorting as one
  EXPECT_EQ(rows->rows[0].Text(1), "not a time");                // left as it was
}

TEST(Migrations, TablesAreStrict) {
  TempDb t;
  // STRICT: a BLOB in a TEXT column is refused.
  auto blob = InTx(t.db(), store::TxMode::kWrite, [](store::Tx& tx) {
    return tx.Exec("INSERT INTO units (code, name, kind, path) VALUES ('1', X'00', 'city', '/1/')");
  });
  EXPECT_FALSE(blob);
}

TEST(SqliteDialect, RewritesPlaceholdersAndDdl) {
  EXPECT_EQ(store::RewritePlaceholdersForSqlite("a = $1 AND b = '$2' AND c = $12"),
            "a = ?1 AND b = '$2' AND c = ?12");
  std::string ddl = store::TranslateDdlForSqlite("CREATE TABLE t (a BIGINT, b DOUBLE PRECISION)");
  EXPECT_NE(ddl.find("a INTEGER, b REAL) STRICT"), std::string::npos) << ddl;
}

// SQLite maps the database file only for a transaction that reads tables
// whole (a snapshot's first build): serving's connections, which another
// connection's writes would make remap, never do. (Not run on PostgreSQL.)
TEST(SqliteBackend, OnlyAReadOfWholeTablesMapsTheFile) {
  TempDb t;
  ASSERT_EQ(t.db().Dialect(), "sqlite");
  // The connection's mapping limit, and the units it sees.
  auto read = [&](bool whole) {
    auto r = InTx(t.db(), store::TxMode::kRead, [&](store::Tx& tx) -> Result<std::pair<int64_t, int64_t>> {
      if (whole) {
        if (auto w = tx.ReadTablesWhole(); !w) return Fail(w.error());
      }
      auto limit = tx.Query("PRAGMA mmap_size");
      if (!limit) return Fail(limit.error());
      auto units = tx.Query("SELECT COUNT(*) FROM units");
      if (!units) return Fail(units.error());
      return std::make_pair(limit->rows[0].Int(0), units->rows[0].Int(0));
    });
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::make_pair(int64_t{-1}, int64_t{-1});
  };
  const auto served = read(false);
  EXPECT_EQ(served.first, 0);
  EXPECT_GT(served.second, 0);
  const auto whole = read(true);
  EXPECT_GT(whole.first, 0);
  EXPECT_EQ(whole.second, served.second);
  ASSERT_TRUE(InTx(t.db(), store::TxMode::kWrite, [](store::Tx& tx) {
    return store::Done(tx.Exec("INSERT INTO units (code, name, kind, path) VALUES ('999999', '新单位', 'city', '/999999/')"));
  }));
  EXPECT_EQ(read(true), std::make_pair(whole.first, whole.second + 1));  // the kept mapped connection, current
  EXPECT_EQ(read(false).first, 0);  // not handed to serving
}

TEST(PostgresDialect, TranslatesDdlAndRedactsPasswords) {
  EXPECT_EQ(store::TranslateDdlForPostgres("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, x BIGINT)"),
            "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, n BIGINT, x BIGINT)");
  EXPECT_EQ(store::RedactDbUrl("postgresql://app:s3cret@db1:5432,db2/rp"), "postgresql://app:***@db1:5432,db2/rp");
  EXPECT_EQ(store::RedactDbUrl("postgresql://app@db1/rp"), "postgresql://app@db1/rp");
  EXPECT_EQ(store::RedactDbUrl("sqlite:/tmp/a.db"), "sqlite:/tmp/a.db");
}

TEST(PostgresDialect, ReadsItsOwnUrlParameterAndLeavesLibpqTheRest) {
  auto url = store::ReadPgUrl(
      "postgresql://app@db1/rp?sslmode=require&prepared_statements=off&application_name=x");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->libpq_url, "postgresql://app@db1/rp?sslmode=require&application_name=x");
  EXPECT_FALSE(url->prepared_statements);
  url = store::ReadPgUrl("postgresql://app@db1/rp?prepared_statements=on&&connect_timeout=5");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->libpq_url, "postgresql://app@db1/rp?connect_timeout=5");
  url = store::ReadPgUrl("postgresql://app@db1/rp?prepared_statements=on");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->libpq_url, "postgresql://app@db1/rp");
  EXPECT_TRUE(url->prepared_statements);
  url = store::ReadPgUrl("postgresql://app@db1/rp");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->libpq_url, "postgresql://app@db1/rp");
  EXPECT_TRUE(url->prepared_statements);
  for (const char* bad :
       {"postgresql://h/rp?prepared_statements=no", "postgresql://h/rp?prepared_statements"}) {
    auto db = store::Db::Open(bad);
    ASSERT_FALSE(db) << bad;
    EXPECT_EQ(db.error().kind, ErrorKind::kInvalid);
    EXPECT_NE(db.error().message.find("prepared_statements 应为 on 或 off"), std::string::npos)
        << db.error().message;
  }
}

// PostgresBackend.*: only in ctest's postgresql.* run, against a real server.

TEST(PostgresBackend, PreparesStatementsUnlessTheUrlSaysOff) {
  TempDb t;
  ASSERT_EQ(t.db().Dialect(), "postgresql");
  // The statements of a query this connection has prepared, after running
  // it three times and once with another parameter type.
  auto prepared_after_runs = [](store::Db& db) -> int64_t {
    auto tx = db.Begin(store::TxMode::kRead);
    EXPECT_TRUE(tx);
    for (int64_t i = 0; i < 3; ++i) {
      auto rows = (*tx)->Query("SELECT COUNT(*) FROM units WHERE length(code) > $1", {i});
      EXPECT_TRUE(rows && rows->rows[0].Int(0) > 20);
    }
    auto text =
        (*tx)->Query("SELECT COUNT(*) FROM units WHERE length(code) > $1", {std::string("1")});
    EXPECT_TRUE(text && text->rows[0].Int(0) > 20);
    auto n = (*tx)->Query(
        "SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE '%length(' || 'code)%'");
    EXPECT_TRUE(n);
    return n ? n->rows[0].Int(0) : -1;
  };
  // One per parameter type.
  EXPECT_EQ(prepared_after_runs(t.db()), 2);
  auto off = store::Db::Open(t.url() + "&prepared_statements=off");
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_EQ(prepared_after_runs(**off), 0);
  // A statement the connection lost (as behind a pooler that switches
  // server connections) fails that transaction with a message that says
  // what to change, and the connection is not pooled again.
  {
    auto tx = t.db().Begin(store::TxMode::kRead);
    ASSERT_TRUE(tx);
    ASSERT_TRUE((*tx)->Query("SELECT COUNT(*) FROM units WHERE length(code) > $1", {int64_t{1}}));
    ASSERT_TRUE((*tx)->Exec("DEALLOCATE ALL"));
    auto lost = (*tx)->Query("SELECT COUNT(*) FROM units WHERE length(code) > $1", {int64_t{1}});
    ASSERT_FALSE(lost);
    EXPECT_EQ(lost.error().kind, ErrorKind::kUnavailable);
    EXPECT_NE(lost.error().message.find("prepared_statements=off"), std::string::npos)
        << lost.error().message;
  }
  EXPECT_EQ(prepared_after_runs(t.db()), 2);
}

TEST(PostgresBackend, WriteTransactionsTakeTurnsAcrossServers) {
  TempDb t;
  ASSERT_EQ(t.db().Dialect(), "postgresql");
  auto other = store::Db::Open(t.url());  // a second app server
  ASSERT_TRUE(other) << other.error().message;
  auto first = t.db().Begin(store::TxMode::kWrite);
  ASSERT_TRUE(first);
  ASSERT_TRUE((*first)->Exec("INSERT INTO industries (code, name, section, grp) VALUES ('Z1', 'a', 'Z', 'g')"));
  std::atomic<bool> second_began = false;
  std::thread second([&] {
    auto tx = (*other)->Begin(store::TxMode::kWrite);
    second_began = true;
    ASSERT_TRUE(tx);
    // It sees what the first committed: read-then-write never races.
    auto rows = (*tx)->Query("SELECT COUNT(*) FROM industries WHERE code = 'Z1'");
    ASSERT_TRUE(rows);
    EXPECT_EQ(rows->rows[0].Int(0), 1);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(second_began) << "a second writer ran alongside the first";
  ASSERT_TRUE((*first)->Commit());
  second.join();
  EXPECT_TRUE(second_began);
}

TEST(PostgresBackend, ReadTransactionsSeeOneSnapshot) {
  TempDb t;
  ASSERT_EQ(t.db().Dialect(), "postgresql");
  auto count = [](store::Tx& tx) { return tx.Query("SELECT COUNT(*) FROM industries")->rows[0].Int(0); };
  auto reader = t.db().Begin(store::TxMode::kRead);
  ASSERT_TRUE(reader);
  const int64_t before = count(**reader);
  ASSERT_TRUE(InTx(t.db(), store::TxMode::kWrite, [](store::Tx& tx) {
    return tx.Exec("INSERT INTO industries (code, name, section, grp) VALUES ('Z2', 'b', 'Z', 'g')");
  }));
  EXPECT_EQ(count(**reader), before);
  auto later = t.db().Begin(store::TxMode::kRead);
  EXPECT_EQ(count(**later), before + 1);
  // A read transaction cannot write.
  EXPECT_FALSE((*later)->Exec("DELETE FROM industries WHERE code = 'Z2'"));
}

TEST(PostgresBackend, ValuesRoundTripAndScanStreams) {
  TempDb t;
  ASSERT_EQ(t.db().Dialect(), "postgresql");
  ASSERT_TRUE(InTx(t.db(), store::TxMode::kWrite, [](store::Tx& tx) -> Result<void> {
    if (auto r = tx.ExecScript("CREATE TABLE v (id INTEGER PRIMARY KEY, i BIGINT, d DOUBLE PRECISION, s TEXT)"); !r) {
      return r;
    }
    for (int64_t k = 0; k < 1000; ++k) {
      auto r = tx.Exec("INSERT INTO v (i, d, s) VALUES ($1, $2, $3)",
                       {k - 500, 0.1 * static_cast<double>(k), k % 7 ? store::Value("第" + std::to_string(k) + "行") : store::Value()});
      if (!r) return Fail(r.error());
    }
    return {};
  }));
  auto rows = InTx(t.db(), store::TxMode::kRead, [](store::Tx& tx) {
    return tx.Query("SELECT id, i, d, s, COUNT(*) OVER () FROM v WHERE i >= $1 ORDER BY id LIMIT 1", {int64_t{-500}});
  });
  ASSERT_TRUE(rows) << rows.error().message;
  EXPECT_EQ(rows->rows[0].Int(1), -500);
  EXPECT_TRUE(rows->rows[0].IsNull(3));
  EXPECT_EQ(rows->rows[0].Int(4), 1000);
  int64_t seen = 0, nulls = 0;
  double sum = 0;
  ASSERT_TRUE(InTx(t.db(), store::TxMode::kRead, [&](store::Tx& tx) {
    return tx.Scan("SELECT i, d, s FROM v ORDER BY id", {}, [&](const store::RowCursor& r) {
      EXPECT_EQ(r.Int(0), seen - 500);
      sum += r.Real(1);
      nulls += r.IsNull(2);
      if (!r.IsNull(2)) {
        EXPECT_EQ(r.Text(2), "第" + std::to_string(seen) + "行");
      }
      ++seen;
    });
  }));
  EXPECT_EQ(seen, 1000);
  EXPECT_EQ(nulls, 143);
  EXPECT_NEAR(sum, 0.1 * 999 * 1000 / 2, 1e-6);
  // A double goes in and comes out with the same bits.
  auto back = InTx(t.db(), store::TxMode::kRead, [](store::Tx& tx) {
    return tx.Query("SELECT $1::double precision", {0.1 + 0.2});
  });
  EXPECT_EQ(back->rows[0].Real(0), 0.1 + 0.2);
}

TEST(PostgresBackend, ConstraintViolationIsAConflictAndLeavesNothing) {
  TempDb t;
  ASSERT_EQ(t.db().Dialect(), "postgresql");
  auto r = InTx(t.db(), store::TxMode::kWrite, [](store::Tx& tx) -> Result<int64_t> {
    if (auto a = tx.Exec("INSERT INTO industries (code, name, section, grp) VALUES ('Z3', 'c', 'Z', 'g')"); !a) return a;
    return tx.Exec("INSERT INTO industries (code, name, section, grp) VALUES ('Z3', 'c', 'Z', 'g')");
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kConflict);
  auto rows = InTx(t.db(), store::TxMode::kRead,
                   [](store::Tx& tx) { return tx.Query("SELECT COUNT(*) FROM industries WHERE code = 'Z3'"); });
  EXPECT_EQ(rows->rows[0].Int(0), 0);
}

TEST(PostgresBackend, AMultiHostUrlReachesTheServerThatAnswers) {
  TempDb t;
  ASSERT_EQ(t.db().Dialect(), "postgresql");
  // The first host refuses connections; libpq goes on to the next.
  const std::string url = t.url();
  const size_t at = url.find('@') + 1;
  auto db = store::Db::Open(url.substr(0, at) + "127.0.0.1:1," + url.substr(at) + "&target_session_attrs=read-write");
  ASSERT_TRUE(db) << db.error().message;
  auto rows = InTx(**db, store::TxMode::kWrite, [](store::Tx& tx) { return tx.Query("SELECT COUNT(*) FROM units"); });
  ASSERT_TRUE(rows) << rows.error().message;
  EXPECT_GT(rows->rows[0].Int(0), 20);
}

TEST(PostgresBackend, PooledConnectionsSurviveTheServerDroppingThem) {
  TempDb t;
  ASSERT_EQ(t.db().Dialect(), "postgresql");
  // A server whose connections carry a name of their own, so that only
  // they are ended.
  const std::string name = "rp_drop_" + std::to_string(reinterpret_cast<uintptr_t>(&t) % 100000);
  auto db = store::Db::Open(t.url() + "&application_name=" + name);
  ASSERT_TRUE(db) << db.error().message;
  // Pool two connections (each used by a transaction of `mode`, or by a
  // read for a write: two writes at once would wait for each other), then
  // have the server end every one of them (as a restart would); the next
  // transactions of `mode` succeed.
  auto pool_end_and_read = [&](store::TxMode mode) {
    {
      const store::TxMode pooling = mode == store::TxMode::kWrite ? store::TxMode::kRead : mode;
      auto a = (*db)->Begin(pooling), b = (*db)->Begin(pooling);
      ASSERT_TRUE(a && b);
      ASSERT_TRUE((*a)->Query("SELECT 1") && (*b)->Query("SELECT 1"));
      ASSERT_TRUE((*a)->Commit() && (*b)->Commit());
    }
    auto ended = InTx(t.db(), store::TxMode::kRead, [&](store::Tx& tx) {
      return tx.Query("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1",
                      {name});
    });
    ASSERT_TRUE(ended) << ended.error().message;
    EXPECT_EQ(ended->rows[0].Int(0), 2);
    for (int i = 0; i < 3; ++i) {
      auto rows = InTx(**db, mode, [](store::Tx& tx) { return tx.Query("SELECT COUNT(*) FROM units"); });
      ASSERT_TRUE(rows) << rows.error().message;
      EXPECT_GT(rows->rows[0].Int(0), 20);
    }
  };
  // A read or write meets the ended connection at its BEGIN and begins
  // again on a fresh one; a read of one statement meets it at that
  // statement (it sends no BEGIN first) and runs it again on a fresh one.
  pool_end_and_read(store::TxMode::kRead);
  pool_end_and_read(store::TxMode::kReadOne);
  pool_end_and_read(store::TxMode::kWrite);
}

TEST(PostgresBackend, AFailedStatementLeavesThePoolClean) {
  TempDb t;
  ASSERT_EQ(t.db().Dialect(), "postgresql");
  auto count = [](store::Tx& tx) { return tx.Query("SELECT COUNT(*) FROM industries")->rows[0].Int(0); };
  // A read that runs nothing commits.
  {
    auto idle = t.db().Begin(store::TxMode::kRead);
    ASSERT_TRUE(idle);
    ASSERT_TRUE((*idle)->Commit());
  }
  // The first statement fails: the transaction is over for the caller, and
  // the connection serves the next read from a clean state, twice (the
  // statement prepared with the failing one is not kept).
  for (int i = 0; i < 2; ++i) {
    auto tx = t.db().Begin(store::TxMode::kRead);
    ASSERT_TRUE(tx);
    auto bad = (*tx)->Query("SELECT no_such_column FROM industries WHERE code = $1", {std::string("C13")});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().kind, ErrorKind::kInternal);
    EXPECT_NE(bad.error().message.find("no_such_column"), std::string::npos) << bad.error().message;
    EXPECT_FALSE((*tx)->Query("SELECT 1"));  // the transaction is aborted, not gone
  }
  // A read whose first statement is a Scan, and one whose first is a Query,
  // each see one snapshot from that statement on, on the pooled connection.
  for (bool scan_first : {true, false}) {
    auto reader = t.db().Begin(store::TxMode::kRead);
    ASSERT_TRUE(reader);
    int64_t before = -1;
    if (scan_first) {
      ASSERT_TRUE((*reader)->Scan("SELECT COUNT(*) FROM industries", {},
                                  [&](const store::RowCursor& r) { before = r.Int(0); }));
    } else {
      before = count(**reader);
    }
    ASSERT_GT(before, 0);
    ASSERT_TRUE(InTx(t.db(), store::TxMode::kWrite, [&](store::Tx& tx) {
      return tx.Exec("INSERT INTO industries (code, name, section, grp) VALUES ($1, 'b', 'Z', 'g')",
                     {std::string(scan_first ? "Z8" : "Z9")});
    }));
    EXPECT_EQ(count(**reader), before);
    ASSERT_TRUE((*reader)->Commit());
    auto later = t.db().Begin(store::TxMode::kRead);
    EXPECT_EQ(count(**later), before + 1);
  }
}

TEST(Units, ShundeReportsToTheProvinceNotToFoshan) {
  TempDb t;
  auto index = InTx(t.db(), store::TxMode::kRead,
                    [](store::Tx& tx) { return store::LoadReferenceIndex(tx); });
  ASSERT_TRUE(index);
  const auto& shunde = index->units.at("440606");
  EXPECT_EQ(shunde.parent_code, "440000");
  EXPECT_EQ(shunde.admin_parent_code, "440600");
  EXPECT_EQ(shunde.path, "/440000/440606/");
  EXPECT_TRUE(index->IsLeafUnit("440600"));
  EXPECT_TRUE(index->IsLeafUnit("440606"));
  EXPECT_FALSE(index->IsLeafUnit("440000"));
  EXPECT_TRUE(index->IsLeafUnit("660000"));  // 新疆生产建设兵团
  EXPECT_FALSE(index->InSubtree("440606", "440600"));
  // 32 province-level units (with the 兵团) and 22 Guangdong reporting units.
  EXPECT_EQ(index->units.size(), 32u + 22u);
  EXPECT_EQ(index->industries.size(), 41u);
}

TEST(Enterprises, ScopeHidesOtherUnitsOnEveryRead) {
  TempDb t;
  ASSERT_TRUE(InTx(t.db(), store::TxMode::kWrite, [](store::Tx& tx) -> Result<bool> {
    for (auto e : {Make("440100", 1, "广州甲公司"), Make("440300", 2, "深圳乙公司"),
                   Make("440600", 3, "佛山丙公司"), Make("440606", 4, "顺德丁公司")}) {
      if (auto r = store::InsertEnterprise(tx, e); !r) return Fail(r.error());
    }
    return true;
  }));
  auto list = [&](const Principal& p, EnterpriseQuery q = {}) {
    return InTx(t.db(), store::TxMode::kRead,
                [&](store::Tx& tx) { return store::ListEnterprises(tx, p, q); });
  };
  EXPECT_EQ(list(UnitAdmin("440000"))->total, 4);
  EXPECT_EQ(list(UnitAdmin("440100"))->total, 1);
  // 佛山 does not see 顺德: each enterprise is counted once.
  auto foshan = list(UnitAdmin("440600"));
  ASSERT_EQ(foshan->total, 1);
  EXPECT_EQ(foshan->items[0].name, "佛山丙公司");
  EXPECT_EQ(list(UnitAdmin("440606"))->total, 1);
  // Search cannot reach across units.
  EnterpriseQuery q;
  q.q = "深圳";
  EXPECT_EQ(list(UnitAdmin("440100"), q)->total, 0);
  q.q = MakeUscc("440300", 2);
  EXPECT_EQ(list(UnitAdmin("440100"), q)->total, 0);
  EXPECT_EQ(list(UnitAdmin("440300"), q)->total, 1);
  // Filtering by another unit yields nothing rather than an error.
  EnterpriseQuery other;
  other.unit = "440300";
  EXPECT_EQ(list(UnitAdmin("440100"), other)->total, 0);
  auto found = InTx(t.db(), store::TxMode::kRead, [&](store::Tx& tx) {
    return store::FindEnterprise(tx, UnitAdmin("440100"), MakeUscc("440300", 2));
  });
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
  // LIKE metacharacters are literal.
  q.q = "%";
  EXPECT_EQ(list(UnitAdmin("440000"), q)->total, 0);
}

TEST(Enterprises, StaleVersionIsAConflict) {
  TempDb t;
  auto e = Make("440100", 7, "广州某公司");
  auto inserted = InTx(t.db(), store::TxMode::kWrite,
                       [&](store::Tx& tx) { return store::InsertEnterprise(tx, e); });
  ASSERT_TRUE(inserted);
  EXPECT_EQ(inserted->version, 1);
  auto first = InTx(t.db(), store::TxMode::kWrite,
                    [&](store::Tx& tx) { return store::UpdateEnterprise(tx, *inserted); });
  ASSERT_TRUE(first);
  EXPECT_EQ(first->version, 2);
  auto stale = InTx(t.db(), store::TxMode::kWrite,
                    [&](store::Tx& tx) { return store::UpdateEnterprise(tx, *inserted); });
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().kind, ErrorKind::kConflict);
  auto dup = InTx(t.db(), store::TxMode::kWrite,
                  [&](store::Tx& tx) { return store::InsertEnterprise(tx, e); });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, "duplicate_uscc");
}

// A value changed outside rongping into something it never writes (a date
// that does not exist, an unknown status) is reported as the store's error,
// not read as some other value (a status as 草稿, a date as 1970).
TEST(StoredValues, AnInvalidDateOrStatusIsReportedNotGuessed) {
  TempDb t;
  Enterprise e = Make("440100", 1, "广州甲公司");
  ASSERT_TRUE(InTx(t.db(), store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
    domain::Round round = testing::TestRound("r");
    round.contacts_due = domain::Date::Of("2016-05-10");
    if (auto r = store::UpsertRound(tx, round); !r) return Fail(r.error());
    if (auto r = store::InsertEnterprise(tx, e); !r) return Fail(r.error());
    domain::Assessment a;
    a.round_code = "r";
    a.uscc = e.uscc;
    a.model_id = "m";
    a.unit_code = e.unit_code;
    a.production_type = e.production_type;
    a.answers_json = "{}";
    if (auto r = store::SaveAssessment(tx, a, 0); !r) return Fail(r.error());
    return true;
  }));
  auto read = [&] {
    return InTx(t.db(), store::TxMode::kRead, [&](store::Tx& tx) -> Result<bool> {
      auto round = store::FindRound(tx, "r");
      if (!round) return Fail(round.error());
      auto a = store::FindAssessment(tx, "r", e.uscc);
      if (!a) return Fail(a.error());
      return *round && *a;
    });
  };
  auto change = [&](const char* sql) {
    ASSERT_TRUE(InTx(t.db(), store::TxMode::kWrite, [&](store::Tx& tx) { return tx.Exec(sql); }));
  };
  ASSERT_TRUE(read());
  EXPECT_EQ(*read(), true);
  for (auto [broken, mended, what] :
       {std::tuple{"UPDATE rounds SET opens_on = '2016-02-30'",
                   "UPDATE rounds SET opens_on = '2016-04-01'", "2016-02-30"},
        {"UPDATE rounds SET contacts_due = 'May 10'", "UPDATE rounds SET contacts_due = NULL",
         "May 10"},
        {"UPDATE assessments SET status = 'archived'", "UPDATE assessments SET status = 'draft'",
         "archived"}}) {
    change(broken);
    auto r = read();
    ASSERT_FALSE(r) << broken;
    EXPECT_EQ(r.error().kind, ErrorKind::kInternal);
    EXPECT_NE(r.error().message.find(what), std::string::npos) << r.error().message;
    change(mended);
    EXPECT_TRUE(read()) << mended;
  }
}

// A read of one statement answers it, refuses a second one, and leaves its
// connection fit for the transactions after it.
TEST(Store, AReadOfOneStatementRunsOneOnly) {
  TempDb t;
  for (int i = 0; i < 3; ++i) {
    auto tx = t.db().Begin(store::TxMode::kReadOne);
    ASSERT_TRUE(tx) << tx.error().message;
    auto rows = (*tx)->Query("SELECT COUNT(*) FROM units");
    ASSERT_TRUE(rows) << rows.error().message;
    EXPECT_GT(rows->rows[0].Int(0), 20);
    auto second = (*tx)->Query("SELECT 1");
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().kind, ErrorKind::kInternal);
    if (i == 0) {
      ASSERT_TRUE((*tx)->Commit());  // the others end without: nothing to roll back
    }
  }
  ASSERT_TRUE(InTx(t.db(), store::TxMode::kWrite, [](store::Tx& tx) {
    return store::InsertEnterprise(tx, Make("440100", 8, "单语句读取之后写入的公司"));
  }));
  auto count = InTx(t.db(), store::TxMode::kRead, [](store::Tx& tx) {
    return tx.Query("SELECT COUNT(*) FROM enterprises");
  });
  ASSERT_TRUE(count);
  EXPECT_EQ(count->rows[0].Int(0), 1);
}

TEST(Store, FailedTransactionWritesNothing) {
  TempDb t;
  auto r = InTx(t.db(), store::TxMode::kWrite, [](store::Tx& tx) -> Result<bool> {
    if (auto i = store::InsertEnterprise(tx, Make("440100", 9, "先写入的公司")); !i) {
      return Fail(i.error());
    }
    return Fail(Error::Invalid("later_row", "后面的行有误"));
  });
  ASSERT_FALSE(r);
  auto count = InTx(t.db(), store::TxMode::kRead, [](store::Tx& tx) {
    return tx.Query("SELECT COUNT(*) FROM enterprises");
  });
  EXPECT_EQ(count->rows[0].Int(0), 0);
}

TEST(Audit, FiltersByObjectAndScope) {
  TempDb t;
  ASSERT_TRUE(InTx(t.db(), store::TxMode::kWrite, [](store::Tx& tx) -> Result<bool> {
    for (auto e : {Make("440100", 1, "广州甲公司"), Make("440300", 2, "深圳乙公司")}) {
      if (auto r = store::InsertEnterprise(tx, e); !r) return Fail(r.error());
      if (auto r = store::RecordAudit(tx, {0, "", "someone", "enterprise.create", "enterprise",
                                           e.uscc, std::nullopt, "{}", "req"});
          !r) {
        return Fail(r.error());
      }
    }
    return true;
  }));
  auto list = [&](const Principal& p, domain::AuditQuery q) {
    return InTx(t.db(), store::TxMode::kRead,
                [&](store::Tx& tx) { return store::ListAudit(tx, p, q); });
  };
  Principal ministry;
  ministry.role = Role::kMinistry;
  EXPECT_EQ(list(ministry, {})->size(), 2u);
  domain::AuditQuery by_object;
  by_object.object_type = "enterprise";
  by_object.object_id = MakeUscc("440300", 2);
  EXPECT_EQ(list(ministry, by_object)->size(), 1u);
  EXPECT_EQ(list(UnitAdmin("440100"), {})->size(), 1u);
  EXPECT_EQ(list(UnitAdmin("440100"), by_object)->size(), 0u);
  domain::AuditQuery future;
  future.since = "2999-01-01";
  EXPECT_EQ(list(ministry, future)->size(), 0u);
}

// The failing-store double itself: it fails the Nth statement and those
// after it, and ExpectAllOrNothing catches an operation that writes in two
// transactions (the first one's write survives the second one's failure).
TEST(FailingDb, FailsTheNthStatementAndCatchesAHalfWrite) {
  testing::TempDb t;
  auto write = [](store::Db& db, const std::string& actor) {
    return store::InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) {
      return store::RecordAudit(tx, {0, "", actor, "test.write", "test", "1", std::nullopt, "{}", ""});
    });
  };
  testing::FailingDb third(t.db(), 3);  // begin, insert, commit
  EXPECT_TRUE(third.Begin(store::TxMode::kRead));
  EXPECT_FALSE(third.failed());
  auto tx = third.Begin(store::TxMode::kRead);
  ASSERT_TRUE(tx);
  auto failed = (*tx)->Query("SELECT 1");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind, ErrorKind::kUnavailable);
  EXPECT_TRUE(third.failed());
  EXPECT_FALSE((*tx)->Query("SELECT 1"));  // and it stays down

  EXPECT_GE(testing::ExpectAllOrNothing(t.db(), [&](store::Db& db) { return write(db, "one"); }), 3);
  EXPECT_NONFATAL_FAILURE(testing::ExpectAllOrNothing(t.db(),
                                                      [&](store::Db& db) -> Result<void> {
                                                        if (auto r = write(db, "first"); !r) return r;
                                                        return write(db, "second");
                                                      }),
                          "changed");
}

}  // namespace
}  // namespace rongping
