// The stamp under which a diagnosis is found again by one statement
// (store::ReadEnterpriseStamp, campaign::ReadDiagnosisStamp), on SQLite and,
// as ctest's postgresql.* tests, on PostgreSQL: it changes with everything
// a diagnosis shows or is scoped by, whoever writes it, and with nothing of
// another enterprise.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "campaign/enterprise_diagnosis.h"
#include "core/clock.h"
#include "demo/demo_test_support.h"
#include "store/memo.h"
#include "store/test_support.h"

namespace rongping::campaign {
namespace {

class DiagnosisStampTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(demo::testing::LoadGuangdong2016(t_.db()));
    auto rows = store::InTx(t_.db(), store::TxMode::kRead, [](store::Tx& tx) {
      return tx.Query(
          "SELECT a.uscc, e.unit_code FROM assessments a JOIN enterprises e ON e.uscc = a.uscc "
          "WHERE a.round_code = 'gd-2016' AND a.status = 'approved' ORDER BY a.uscc LIMIT 2");
    });
    ASSERT_TRUE(rows && rows->size() == 2);
    uscc_ = rows->rows[0].Text(0);
    unit_ = rows->rows[0].Text(1);
    other_ = rows->rows[1].Text(0);
  }

  std::string Stamp(const std::string& uscc) {
    auto stamp = store::InTx(t_.db(), store::TxMode::kReadOne,
                             [&](store::Tx& tx) { return store::ReadEnterpriseStamp(tx, uscc); });
    EXPECT_TRUE(stamp) << stamp.error().message;
    return stamp ? *stamp : "";
  }

  void Sql(const std::string& sql) {
    auto done = store::InTx(t_.db(), store::TxMode::kWrite,
                            [&](store::Tx& tx) { return store::Done(tx.Exec(sql)); });
    ASSERT_TRUE(done) << done.error().message;
  }

  // A session begun (no change of the accounts' version), and ended (one).
  void BeginASession() {
    Sql("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) "
        "SELECT 'stamp-test', id, 'c', 0, 4000000000 FROM users ORDER BY id LIMIT 1");
  }
  void EndTheSession() { Sql("DELETE FROM sessions WHERE token_hash = 'stamp-test'"); }

  testing::TempDb t_;
  std::string uscc_;   // an enterprise with an approved assessment in gd-2016
  std::string unit_;   // its unit
  std::string other_;  // another such enterprise
};

TEST_F(DiagnosisStampTest, ChangesWithWhatADiagnosisShowsOrIsScopedByWhoeverWritesIt) {
  std::string before = Stamp(uscc_);
  EXPECT_EQ(Stamp(uscc_), before);
  const std::string other_before = Stamp(other_);
  const std::string where = " WHERE uscc = '" + uscc_ + "'";
  for (const std::string& edit :
       {"UPDATE enterprises SET name = name || '（改）'" + where,
        "UPDATE enterprises SET unit_code = '440300'" + where,
        "UPDATE enterprises SET industry_code = '13'" + where,
        "UPDATE enterprises SET size_class = 'micro'" + where,
        "UPDATE assessments SET status = 'submitted'" + where,
        "UPDATE assessments SET total = total + 1e-9" + where,
        "UPDATE assessments SET level_id = NULL" + where,
        std::string("UPDATE rounds SET name = name || '（改）'"),
        std::string("UPDATE units SET name = name || '（改）' WHERE code = '440100'")}) {
    SCOPED_TRACE(edit);
    Sql(edit);
    const std::string after = Stamp(uscc_);
    EXPECT_NE(after, before);
    before = after;
  }
  BeginASession();
  EXPECT_EQ(Stamp(uscc_), before) << "a session begun";
  EndTheSession();
  EXPECT_NE(Stamp(uscc_), before) << "a session ended";
  before = Stamp(uscc_);
  // Another enterprise's edits leave the stamp as it was.
  Sql("UPDATE enterprises SET name = name || '（改）' WHERE uscc = '" + other_ + "'");
  Sql("UPDATE assessments SET status = 'submitted' WHERE uscc = '" + other_ + "'");
  EXPECT_EQ(Stamp(uscc_), before);
  EXPECT_NE(Stamp(other_), other_before);
}

TEST_F(DiagnosisStampTest, ItsStatementGivesTheVersionsAndAnUnknownEnterpriseOnlyThose) {
  auto read = store::InTx(t_.db(), store::TxMode::kReadOne, [&](store::Tx& tx) -> Result<bool> {
    auto stamp = store::ReadEnterpriseStamp(tx, "91440000000000000X");
    if (!stamp) return Fail(stamp.error());
    // The versions came with it: reading them again runs no statement,
    // which a kReadOne read would refuse.
    auto versions = store::ReadStoreVersions(tx);
    return versions.has_value() && tx.store_versions().has_value();
  });
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_TRUE(*read);
  EXPECT_EQ(Stamp("91440000000000000X"), Stamp("91440000000000001X"));
  EXPECT_NE(Stamp("91440000000000000X"), Stamp(uscc_));
}

TEST_F(DiagnosisStampTest, OneStatementFindsTheStampOfTheFullReadAndTheCallerKeptAtItsVersion) {
  LifecycleService lifecycle(t_.db(), SystemClock::Get());
  analytics::ResultsSnapshot results;
  BenchmarkPackCache packs;
  const Principal official = testing::MakePrincipal(Role::kUnit, unit_.substr(0, 4) + "00", "city");
  auto full =
      ReadEnterpriseDiagnosis(t_.db(), lifecycle, results, packs, official, "gd-2016", uscc_);
  ASSERT_TRUE(full) << full.error().message;

  // A caller kept by an earlier read at the accounts' version, as a session is.
  ASSERT_TRUE(store::InTx(t_.db(), store::TxMode::kRead, [](store::Tx& tx) {
    return store::Memoized<Principal>(tx, store::MemoKind::kAccounts, "session",
                                      [](store::Tx&) -> Result<std::optional<Principal>> {
                                        return testing::MakePrincipal(Role::kUnit, "440100",
                                                                      "kept");
                                      });
  }));
  const KeptCallerInTx kept_caller = [](store::Tx& tx) -> std::optional<Principal> {
    auto kept = store::FindKept<Principal>(tx, store::MemoKind::kAccounts, "session");
    return kept ? std::optional<Principal>(*kept) : std::nullopt;
  };
  auto now = ReadDiagnosisStamp(t_.db(), results, kept_caller, uscc_);
  ASSERT_TRUE(now) << now.error().message;
  EXPECT_EQ(now->stamp, full->stamp);
  ASSERT_TRUE(now->who);
  EXPECT_EQ(now->who->username, "kept");

  // A session ended: the caller is no longer known without a statement,
  // and the stamp is another.
  BeginASession();
  EndTheSession();
  auto after = ReadDiagnosisStamp(t_.db(), results, kept_caller, uscc_);
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_FALSE(after->who);
  EXPECT_NE(after->stamp, full->stamp);
}

TEST(StampedDiagnosisKey, NamesTheCallerAndTheStampAndNoAgency) {
  const DiagnosisStamp stamp{"s", 7};
  Principal a = testing::MakePrincipal(Role::kUnit, "440100", "a");
  Principal b = a;
  a.user_id = 1;
  b.user_id = 2;
  const auto key = StampedDiagnosisKey(a, "gd-2016", "U", stamp);
  ASSERT_TRUE(key);
  EXPECT_NE(key, StampedDiagnosisKey(b, "gd-2016", "U", stamp));
  EXPECT_NE(key, StampedDiagnosisKey(a, "gd-2017", "U", stamp));
  EXPECT_NE(key, StampedDiagnosisKey(a, "gd-2016", "V", stamp));
  EXPECT_NE(key, StampedDiagnosisKey(a, "gd-2016", "U", {"s", 8}));
  EXPECT_NE(key, StampedDiagnosisKey(a, "gd-2016", "U", {"t", 7}));
  EXPECT_EQ(key, StampedDiagnosisKey(a, "gd-2016", "U", stamp));
  Principal agency = testing::MakePrincipal(Role::kAgency, "", "agency");
  EXPECT_FALSE(StampedDiagnosisKey(agency, "gd-2016", "U", stamp));
}

}  // namespace
}  // namespace rongping::campaign
