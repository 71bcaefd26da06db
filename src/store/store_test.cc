// Store tests on SQLite: migrations, the reporting tree, scoped reads,
// optimistic versions and audit.
#include <gtest/gtest.h>

#include "auth/principal.h"
#include "enterprise/enterprise.h"
#include "store/audit.h"
#include "store/enterprises.h"
#include "store/migrations.h"
#include "store/sqlite/sqlite_db.h"
#include "store/test_support.h"
#include "store/units.h"

namespace rongping {
namespace {

using testing::MakeUscc;
using testing::TempDb;

Enterprise Make(const std::string& unit, int n, const std::string& name) {
  Enterprise e;
  e.uscc = MakeUscc(unit, n);
  e.name = name;
  e.unit_code = unit;
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
  auto list = [&](const Principal& p, store::EnterpriseQuery q = {}) {
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
  store::EnterpriseQuery q;
  q.q = "深圳";
  EXPECT_EQ(list(UnitAdmin("440100"), q)->total, 0);
  q.q = MakeUscc("440300", 2);
  EXPECT_EQ(list(UnitAdmin("440100"), q)->total, 0);
  EXPECT_EQ(list(UnitAdmin("440300"), q)->total, 1);
  // Filtering by another unit yields nothing rather than an error.
  store::EnterpriseQuery other;
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
  auto list = [&](const Principal& p, store::AuditQuery q) {
    return InTx(t.db(), store::TxMode::kRead,
                [&](store::Tx& tx) { return store::ListAudit(tx, p, q); });
  };
  Principal ministry;
  ministry.role = Role::kMinistry;
  EXPECT_EQ(list(ministry, {})->size(), 2u);
  store::AuditQuery by_object;
  by_object.object_type = "enterprise";
  by_object.object_id = MakeUscc("440300", 2);
  EXPECT_EQ(list(ministry, by_object)->size(), 1u);
  EXPECT_EQ(list(UnitAdmin("440100"), {})->size(), 1u);
  EXPECT_EQ(list(UnitAdmin("440100"), by_object)->size(), 0u);
  store::AuditQuery future;
  future.since = "2999-01-01";
  EXPECT_EQ(list(ministry, future)->size(), 0u);
}

}  // namespace
}  // namespace rongping
