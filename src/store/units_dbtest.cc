#include "store/units.h"

#include <gtest/gtest.h>

#include "store/test_support.h"

namespace rongping::store {
namespace {

// Renames unit `code` in `db` through the store, in a transaction that
// commits unless `roll_back`; returns the name the transaction's own
// shared lists gave after the rename.
std::string Rename(Db& db, const std::string& code, const std::string& name, bool roll_back = false) {
  auto tx = db.Begin(TxMode::kWrite);
  EXPECT_TRUE(tx);
  auto units = ListUnits(**tx);
  EXPECT_TRUE(units);
  for (auto u : *units) {
    if (u.code.str() != code) continue;
    u.name = name;
    EXPECT_TRUE(UpsertUnits(**tx, {u}));
  }
  auto seen = SharedReferenceIndex(**tx);
  EXPECT_TRUE(seen);
  std::string own = (*seen)->UnitName(code);
  if (!roll_back) {
    EXPECT_TRUE((*tx)->Commit());
  }
  return own;
}

std::shared_ptr<const domain::ReferenceIndex> Read(Db& db) {
  auto shared = InTx(db, TxMode::kRead, [](Tx& tx) { return SharedReferenceIndex(tx); });
  EXPECT_TRUE(shared) << shared.error().message;
  return shared ? *shared : nullptr;
}

TEST(SharedReferenceIndex, IsReadWholeOnlyWhenAWriteOfTheListsCommitted) {
  testing::TempDb t;
  auto first = Read(t.db());
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->UnitName("440100"), "广州市");
  EXPECT_GT(first->units.size(), 20u);
  EXPECT_FALSE(first->industries.empty());
  EXPECT_EQ(Read(t.db()), first);  // kept

  // A write that is rolled back sees its own lists, and leaves nothing kept.
  EXPECT_EQ(Rename(t.db(), "440100", "试改广州市", /*roll_back=*/true), "试改广州市");
  EXPECT_EQ(Read(t.db()), first);

  // A committed write: the next read has the new lists.
  EXPECT_EQ(Rename(t.db(), "440100", "新广州市"), "新广州市");
  auto renamed = Read(t.db());
  EXPECT_NE(renamed, first);
  EXPECT_EQ(renamed->UnitName("440100"), "新广州市");
  EXPECT_EQ(first->UnitName("440100"), "广州市");  // a reader's copy never changes under it

  // Another app server's write is seen as well.
  auto other_server = Db::Open(t.url());
  ASSERT_TRUE(other_server);
  Rename(**other_server, "440300", "新深圳市");
  EXPECT_EQ(Read(t.db())->UnitName("440300"), "新深圳市");
  // A write that changes no row adds no version.
  auto unchanged = Read(t.db());
  auto none = InTx(t.db(), TxMode::kWrite, [](Tx& tx) { return UpsertIndustries(tx, {}); });
  ASSERT_TRUE(none);
  EXPECT_EQ(Read(t.db()), unchanged);
}

// The lists kept are those last written, also when an operator edited them
// by hand, which the triggers count as any other write.
TEST(SharedReferenceIndex, AnEditByHandIsReadAtTheNextRead) {
  testing::TempDb t;
  auto first = Read(t.db());
  ASSERT_NE(first, nullptr);
  const std::string industry = first->industries.begin()->first;
  auto edited = InTx(t.db(), TxMode::kWrite, [&](Tx& tx) -> Result<int64_t> {
    if (auto u = tx.Exec("UPDATE units SET name = '手改广州市' WHERE code = '440100'"); !u) return u;
    return tx.Exec("UPDATE industries SET name = '手改行业' WHERE code = $1", {industry});
  });
  ASSERT_TRUE(edited) << edited.error().message;
  auto now = Read(t.db());
  EXPECT_EQ(now->UnitName("440100"), "手改广州市");
  EXPECT_EQ(now->industries.at(industry).name, "手改行业");
  EXPECT_EQ(first->UnitName("440100"), "广州市");
}

// A write transaction uses the lists as committed, kept for the version it
// sees (read and kept for it by a read of their own when none is), and its
// own lists once it has changed them.
TEST(SharedReferenceIndex, AWriteUsesTheCommittedListsUntilItChangesThem) {
  testing::TempDb t;
  Rename(t.db(), "440100", "新广州市");  // nothing kept for this version yet
  auto in_write = InTx(t.db(), TxMode::kWrite, [](Tx& tx) { return SharedReferenceIndex(tx); });
  ASSERT_TRUE(in_write) << in_write.error().message;
  EXPECT_EQ((*in_write)->UnitName("440100"), "新广州市");
  EXPECT_EQ(Read(t.db()), *in_write);  // kept by the write's own read
  auto again = InTx(t.db(), TxMode::kWrite, [](Tx& tx) { return SharedReferenceIndex(tx); });
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *in_write);
  EXPECT_EQ(Rename(t.db(), "440100", "再改广州市", /*roll_back=*/true), "再改广州市");
  EXPECT_EQ(Read(t.db())->UnitName("440100"), "新广州市");
}

}  // namespace
}  // namespace rongping::store
