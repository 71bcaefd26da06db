// What read transactions keep between them (store/memo.h), on SQLite and,
// as ctest's postgresql.* tests, on PostgreSQL: which writes change which
// kind's version (the triggers of migrations 17 and 18), and what is kept
// when.
#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>

#include "store/accounts.h"
#include "store/campaign.h"
#include "store/memo.h"
#include "store/test_support.h"

namespace rongping {
namespace {

using store::MemoKind;
using testing::TempDb;

// The value of a result that must have one.
template <typename T>
T Ok(Result<T> r) {
  if (!r) throw std::runtime_error(r.error().message);
  return std::move(*r);
}

store::StoreVersions Versions(store::Db& db) {
  return Ok(store::InTx(db, store::TxMode::kRead,
                        [](store::Tx& tx) { return store::ReadStoreVersions(tx); }));
}

int64_t At(const store::StoreVersions& versions, MemoKind kind) { return versions.of(kind); }

void Write(store::Db& db, const std::function<Result<void>(store::Tx&)>& body) {
  auto done = store::InTx(db, store::TxMode::kWrite, body);
  ASSERT_TRUE(done) << done.error().message;
}

void Sql(store::Db& db, const std::string& sql) {
  Write(db, [&](store::Tx& tx) { return store::Done(tx.Exec(sql)); });
}

// A user with one session, "token-1"; returns the user's id.
int64_t UserWithSession(store::Db& db) {
  int64_t id = 0;
  Write(db, [&](store::Tx& tx) -> Result<void> {
    store::UserRecord u;
    u.username = "memo-user";
    u.password_hash = "x";
    u.role = Role::kUnit;
    u.scope_code = "440100";
    auto made = store::InsertUser(tx, u);
    if (!made) return Fail(made.error());
    id = *made;
    return store::InsertSession(tx, {"token-1", id, "csrf", 0, 4'000'000'000});
  });
  return id;
}

// Reads `key` of kind kRounds in a read transaction; counts the loads.
std::optional<std::string> ReadKept(store::Db& db, const std::string& key, int* loads,
                                    std::optional<std::string> value = "value") {
  return Ok(store::InTx(db, store::TxMode::kRead, [&](store::Tx& tx) {
    return store::Memoized<std::string>(tx, MemoKind::kRounds, key,
                                        [&](store::Tx&) -> Result<std::optional<std::string>> {
                                          ++*loads;
                                          return value;
                                        });
  }));
}

TEST(Memo, AReadTransactionTakesWhatAnEarlierOneKeptUntilTheKindIsWritten) {
  TempDb t;
  int loads = 0;
  EXPECT_EQ(ReadKept(t.db(), "r", &loads), "value");
  EXPECT_EQ(ReadKept(t.db(), "r", &loads, "other"), "value");
  EXPECT_EQ(loads, 1);
  Write(t.db(), [](store::Tx& tx) { return store::UpsertRound(tx, testing::TestRound("r")); });
  EXPECT_EQ(ReadKept(t.db(), "r", &loads, "other"), "other");
  EXPECT_EQ(loads, 2);
}

TEST(Memo, NothingIsKeptOfAValueNotFoundNorByAWriteOrASingleStatementRead) {
  TempDb t;
  int loads = 0;
  EXPECT_EQ(ReadKept(t.db(), "r", &loads, std::nullopt), std::nullopt);
  EXPECT_EQ(ReadKept(t.db(), "r", &loads), "value");
  EXPECT_EQ(loads, 2);
  for (store::TxMode mode : {store::TxMode::kWrite, store::TxMode::kReadOne}) {
    auto read = store::InTx(t.db(), mode, [&](store::Tx& tx) {
      return store::Memoized<std::string>(
          tx, MemoKind::kRounds, "w", [&](store::Tx&) -> Result<std::optional<std::string>> {
            ++loads;
            return std::optional<std::string>("from " + std::to_string(static_cast<int>(mode)));
          });
    });
    ASSERT_TRUE(read) << read.error().message;
  }
  EXPECT_EQ(loads, 4);
  EXPECT_EQ(ReadKept(t.db(), "w", &loads), "value");  // neither was kept
}

TEST(Memo, AValueKeptAtAnOlderVersionDoesNotReplaceNewerOnes) {
  TempDb t;
  store::Db& db = t.db();
  db.KeepMemo(MemoKind::kAccounts, 5, "a", std::make_shared<const int>(5));
  db.KeepMemo(MemoKind::kAccounts, 4, "b", std::make_shared<const int>(4));
  EXPECT_NE(db.FindMemo(MemoKind::kAccounts, 5, "a"), nullptr);
  EXPECT_EQ(db.FindMemo(MemoKind::kAccounts, 4, "b"), nullptr);
  EXPECT_EQ(db.FindMemo(MemoKind::kRounds, 5, "a"), nullptr);  // kinds apart
  db.KeepMemo(MemoKind::kAccounts, 6, "b", std::make_shared<const int>(6));
  EXPECT_EQ(db.FindMemo(MemoKind::kAccounts, 5, "a"), nullptr);
  EXPECT_EQ(db.FindMemo(MemoKind::kAccounts, 6, "a"), nullptr);
  EXPECT_EQ(*std::static_pointer_cast<const int>(db.FindMemo(MemoKind::kAccounts, 6, "b")), 6);
}

TEST(Memo, AKindHoldsAtMostItsBoundOfValues) {
  TempDb t;
  store::Db& db = t.db();
  for (size_t i = 0; i <= store::Db::kMaxMemoValues; ++i) {
    db.KeepMemo(MemoKind::kRounds, 1, std::to_string(i), std::make_shared<const size_t>(i));
  }
  EXPECT_EQ(db.FindMemo(MemoKind::kRounds, 1, "0"), nullptr);
  EXPECT_NE(db.FindMemo(MemoKind::kRounds, 1, std::to_string(store::Db::kMaxMemoValues)), nullptr);
}

// The principal's columns and a session's end change the accounts' version;
// a login's time and a new session do not, nor do other kinds' writes.
TEST(Memo, SessionsAndTheColumnsOfAPrincipalCountAsAccounts) {
  TempDb t;
  const int64_t user = UserWithSession(t.db());
  const auto counted = [&](const std::function<Result<void>(store::Tx&)>& write) {
    const store::StoreVersions before = Versions(t.db());
    Write(t.db(), write);
    const store::StoreVersions after = Versions(t.db());
    EXPECT_EQ(At(after, MemoKind::kRounds), At(before, MemoKind::kRounds));
    return At(after, MemoKind::kAccounts) - At(before, MemoKind::kAccounts);
  };
  EXPECT_EQ(
      counted([&](store::Tx& tx) { return store::RecordLogin(tx, user, "2026-12-07T10:00:00Z"); }),
      0);
  EXPECT_EQ(counted([&](store::Tx& tx) {
              return store::InsertSession(tx, {"token-2", user, "c", 0, 4'000'000'000});
            }),
            0);
  EXPECT_GE(counted([&](store::Tx& tx) { return store::SetUserDisabled(tx, user, true); }), 1);
  EXPECT_GE(counted([&](store::Tx& tx) { return store::SetPasswordHash(tx, user, "y", true); }), 1);
  EXPECT_GE(counted([&](store::Tx& tx) { return store::DeleteSession(tx, "token-2"); }), 1);
  EXPECT_EQ(counted([&](store::Tx& tx) { return store::DeleteSession(tx, "no-such-token"); }), 0);
  EXPECT_GE(counted([&](store::Tx& tx) {
              return store::Done(tx.Exec("UPDATE users SET role = 'province'"));
            }),
            1);
  EXPECT_GE(counted([&](store::Tx& tx) { return store::Done(tx.Exec("DELETE FROM users")); }), 1);
}

TEST(Memo, RoundsAndBenchmarkPacksCountEachAsTheirOwnKind) {
  TempDb t;
  const auto versions = [&] { return Versions(t.db()); };
  auto before = versions();
  Write(t.db(), [](store::Tx& tx) { return store::UpsertRound(tx, testing::TestRound("r")); });
  Sql(t.db(), "UPDATE rounds SET name = 'by hand'");
  Sql(t.db(), "DELETE FROM rounds");
  auto after = versions();
  EXPECT_EQ(At(after, MemoKind::kRounds) - At(before, MemoKind::kRounds), 3);
  EXPECT_EQ(At(after, MemoKind::kAccounts), At(before, MemoKind::kAccounts));
  EXPECT_EQ(At(after, MemoKind::kBenchmarkPacks), At(before, MemoKind::kBenchmarkPacks));

  before = after;
  Sql(t.db(),
      "INSERT INTO benchmark_packs (digest, model_id, province_code, model_version, model_hash, "
      "installation, "
      "scope, round_code, round_title, as_of, group_count, loaded_at, loaded_by, body) VALUES "
      "('d', 'm', '', 'v', 'h', 'i', 's', 'r', 't', 'a', 1, 'l', 'b', '{}')");
  Sql(t.db(), "UPDATE benchmark_packs SET digest = 'e'");
  Sql(t.db(), "DELETE FROM benchmark_packs");
  after = versions();
  EXPECT_EQ(At(after, MemoKind::kBenchmarkPacks) - At(before, MemoKind::kBenchmarkPacks), 3);
  EXPECT_EQ(At(after, MemoKind::kRounds), At(before, MemoKind::kRounds));
}

TEST(Memo, UnitsAndIndustriesCountAsTheReferenceLists) {
  TempDb t;
  const auto versions = [&] { return Versions(t.db()); };
  const auto before = versions();
  Sql(t.db(), "INSERT INTO units (code, name, kind, path) VALUES ('990000', '试验单位', 'province', '990000')");
  Sql(t.db(), "UPDATE units SET name = '改名' WHERE code = '990000'");
  Sql(t.db(), "DELETE FROM units WHERE code = '990000'");
  Sql(t.db(), "INSERT INTO industries (code, name, section, grp) VALUES ('9999', '试验行业', 'Z', 'z')");
  Sql(t.db(), "UPDATE industries SET name = '改名' WHERE code = '9999'");
  Sql(t.db(), "DELETE FROM industries WHERE code = '9999'");
  const auto after = versions();
  EXPECT_EQ(At(after, MemoKind::kReferenceLists) - At(before, MemoKind::kReferenceLists), 6);
  for (MemoKind other : {MemoKind::kAccounts, MemoKind::kRounds, MemoKind::kBenchmarkPacks}) {
    EXPECT_EQ(At(after, other), At(before, other));
  }
}

// The round a read transaction reads is the one last written, also when it
// was written by hand, which the triggers count as any other write.
TEST(Memo, ARoundEditedByHandIsReadAsEdited) {
  TempDb t;
  Write(t.db(), [](store::Tx& tx) { return store::UpsertRound(tx, testing::TestRound("r")); });
  const auto name = [&] {
    auto round = Ok(store::InTx(t.db(), store::TxMode::kRead,
                                [](store::Tx& tx) { return store::FindRound(tx, "r"); }));
    return round ? round->name : "";
  };
  const std::string first = name();
  EXPECT_EQ(name(), first);
  Sql(t.db(), "UPDATE rounds SET name = '改过的名称'");
  EXPECT_EQ(name(), "改过的名称");
}

}  // namespace
}  // namespace rongping
