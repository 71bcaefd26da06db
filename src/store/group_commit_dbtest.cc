#include "store/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "store/test_support.h"

namespace rongping::store {
namespace {

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InTx(t_.db(), TxMode::kWrite, [](Tx& tx) {
      return tx.ExecScript("CREATE TABLE group_commit_rows (id INTEGER PRIMARY KEY, n BIGINT NOT NULL UNIQUE)");
    }));
  }
  std::set<int64_t> Rows(Db& db) {
    std::set<int64_t> out;
    auto rows = InTx(db, TxMode::kRead, [](Tx& tx) { return tx.Query("SELECT n FROM group_commit_rows"); });
    EXPECT_TRUE(rows);
    if (rows) {
      for (const auto& r : rows->rows) out.insert(r.Int(0));
    }
    return out;
  }
  static Result<int64_t> Insert(Tx& tx, int64_t n) {
    return tx.Exec("INSERT INTO group_commit_rows (n) VALUES ($1)", {n});
  }
  testing::TempDb t_;
};

TEST_F(GroupCommitTest, AJobAloneIsItsOwnTransaction) {
  GroupCommit writes(t_.db());
  auto r = writes.Write([](Tx& tx) -> Result<int64_t> {
    if (auto i = Insert(tx, 1); !i) return Fail(i.error());
    return 41 + 1;
  });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, 42);
  EXPECT_EQ(writes.groups(), 1u);
  EXPECT_EQ(Rows(t_.db()), (std::set<int64_t>{1}));
  // A failing job leaves nothing, and its error is its own.
  auto failed = writes.Write([](Tx& tx) -> Result<int64_t> {
    if (auto i = Insert(tx, 2); !i) return Fail(i.error());
    return Fail(Error::Invalid("bad", "第 2 行无效"));
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message, "第 2 行无效");
  auto duplicate = writes.Write([](Tx& tx) { return Insert(tx, 1); });  // the database refuses it
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(Rows(t_.db()), (std::set<int64_t>{1}));
}

// Many threads at once: their jobs share transactions; a job that fails
// (by its own rule or the database's) takes back only its own writes; each
// sees the writes of the jobs before it.
TEST_F(GroupCommitTest, ConcurrentJobsShareTransactionsAndFailOnTheirOwn) {
  GroupCommit writes(t_.db());
  constexpr int kThreads = 24;
  std::barrier start(kThreads);
  std::vector<Result<int64_t>> results(kThreads, Result<int64_t>(0));
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = writes.Write([i](Tx& tx) -> Result<int64_t> {
        std::this_thread::sleep_for(std::chrono::milliseconds(3));  // time for the others to queue
        if (auto r = Insert(tx, 1000 + i); !r) return Fail(r.error());
        if (i % 5 == 0) return Fail(Error::Invalid("rule", "不符合规则"));
        if (i % 7 == 0) {
          if (auto r = Insert(tx, 1000 + i); !r) return Fail(r.error());  // a duplicate: refused
        }
        auto seen = tx.Query("SELECT COUNT(*) FROM group_commit_rows WHERE n = $1", {1000 + i});
        if (!seen) return Fail(seen.error());
        return seen->rows[0].Int(0);
      });
    });
  }
  for (auto& t : threads) t.join();
  std::set<int64_t> expected;
  for (int i = 0; i < kThreads; ++i) {
    const bool fails = i % 5 == 0 || i % 7 == 0;
    EXPECT_EQ(static_cast<bool>(results[i]), !fails) << i;
    if (!fails) {
      EXPECT_EQ(*results[i], 1) << i;
      expected.insert(1000 + i);
    }
  }
  EXPECT_EQ(Rows(t_.db()), expected);
  EXPECT_EQ(writes.jobs(), static_cast<uint64_t>(kThreads));
  EXPECT_LT(writes.groups(), writes.jobs() / 2) << "jobs were not gathered";
}

// When the transaction cannot commit, no job of it is acknowledged and none
// of their writes is kept.
TEST_F(GroupCommitTest, AFailedCommitFailsEveryJobOfItsGroup) {
  // Begin, SAVEPOINT, INSERT, RELEASE: the 5th statement is the COMMIT.
  testing::FailingDb failing(t_.db(), 5);
  GroupCommit writes(failing);
  auto r = writes.Write([](Tx& tx) { return Insert(tx, 7); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kUnavailable);
  EXPECT_TRUE(failing.failed());
  EXPECT_TRUE(Rows(t_.db()).empty());
}

}  // namespace
}  // namespace rongping::store
