#include "analytics/results_snapshot.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <thread>

#include "analytics/datamap.h"
#include "analytics/feed_follower.h"
#include "scoring/score_vector.h"
#include "auth/auth_service.h"
#include "demo/demo_test_support.h"
#include "store/campaign.h"
#include "store/enterprises.h"
#include "store/test_support.h"

namespace rongping::analytics {
namespace {

// Everything a reader can see of a round's columns, keyed so that two
// snapshots built along different histories can be compared: per cell (as
// attribute texts) the assessment ids and the sums; per assessment its row.
struct Picture {
  std::map<std::vector<std::string>, std::pair<std::vector<int64_t>, GroupSums>> cells;
  // id -> USCC, attribute texts, total, level, dimensions, key indicators
  // (as text, so that unknown ones compare equal).
  std::map<int64_t, std::tuple<std::string, std::vector<std::string>, double, int, std::vector<double>,
                               std::vector<std::string>>>
      rows;
};

Picture Take(const ResultsSnapshot& s, const std::string& round, const std::string& model) {
  Picture p;
  s.Read(round, model, [&](const ResultColumns& c, const ResultsSnapshot& snapshot) {
    auto texts = [&](const AttributeValues& a) {
      std::vector<std::string> out;
      for (int i = 0; i < kAttributeCount; ++i) out.push_back(snapshot.Dictionary(static_cast<Attribute>(i))[a[i]]);
      return out;
    };
    for (const ResultCell& cell : c.cells) {
      if (cell.rows.empty()) continue;
      std::vector<int64_t> ids;
      for (uint32_t row : cell.rows) ids.push_back(c.assessment_id[row]);
      std::sort(ids.begin(), ids.end());
      p.cells[texts(cell.attributes)] = {ids, cell.sums};
    }
    for (size_t row = 0; row < c.rows(); ++row) {
      const AttributeValues& a = c.AttributesOf(row);
      std::vector<double> dims;
      for (const auto& d : c.dimensions) dims.push_back(d[row]);
      std::vector<std::string> keys;
      for (const auto& k : c.key_indicators) keys.push_back(fmt::format("{}", k[row]));
      p.rows[c.assessment_id[row]] = {ToString(c.uscc[row]), texts(a), c.total[row], c.level[row], dims, keys};
    }
  });
  return p;
}

void ExpectSameSums(const GroupSums& a, const GroupSums& b) {
  EXPECT_EQ(a.n, b.n);
  EXPECT_EQ(a.total_sum, b.total_sum);  // bit for bit: sums are made in id order
  EXPECT_EQ(a.levels, b.levels);
  EXPECT_EQ(a.dimension_n, b.dimension_n);
  EXPECT_EQ(a.key_n, b.key_n);
  ASSERT_EQ(a.dimension_sum.size(), b.dimension_sum.size());
  for (size_t i = 0; i < a.dimension_sum.size(); ++i) EXPECT_EQ(a.dimension_sum[i], b.dimension_sum[i]);
  for (size_t i = 0; i < a.key_sum.size(); ++i) EXPECT_EQ(a.key_sum[i], b.key_sum[i]);
}

void ExpectSamePicture(const Picture& a, const Picture& b) {
  ASSERT_EQ(a.rows, b.rows);
  ASSERT_EQ(a.cells.size(), b.cells.size());
  for (const auto& [key, cell] : a.cells) {
    auto other = b.cells.find(key);
    ASSERT_NE(other, b.cells.end());
    EXPECT_EQ(cell.first, other->second.first);
    ExpectSameSums(cell.second, other->second.second);
  }
}

class ResultsSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(demo::testing::LoadGuangdong2016(t_.db()));
  }

  // Runs `change` on the first assessment matching `where` (SQL on a), in
  // `db` (another app server's) or the test's; returns its USCC.
  std::string ChangeAssessment(const std::string& where, const std::function<void(domain::Assessment&)>& change,
                               store::Db* db = nullptr) {
    std::string uscc;
    EXPECT_TRUE(InTx(db ? *db : t_.db(), store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
      auto rows = tx.Query("SELECT uscc FROM assessments a WHERE " + where + " ORDER BY id LIMIT 1");
      if (!rows || rows->empty()) return Fail(Error::Internal("no assessment matches " + where));
      uscc = rows->rows[0].Text(0);
      auto a = store::FindAssessment(tx, "gd-2016", uscc);
      auto record = **a;
      change(record);
      auto saved = store::SaveAssessment(tx, record, record.version);
      if (!saved) return Fail(saved.error());
      return true;
    }));
    return uscc;
  }

  testing::TempDb t_;
};

TEST_F(ResultsSnapshotTest, HoldsExactlyTheCompletedScoredAssessments) {
  ResultsSnapshot s;
  ASSERT_TRUE(s.CatchUp(t_.db()));
  auto expected = InTx(t_.db(), store::TxMode::kRead, [](store::Tx& tx) {
    return tx.Query("SELECT COUNT(*) FROM assessments a JOIN rounds r ON r.code = a.round_code WHERE "
                    "a.total IS NOT NULL AND (a.status = 'approved' OR (a.status = 'submitted' AND "
                    "r.completion = 'submitted'))");
  });
  ASSERT_TRUE(expected);
  EXPECT_GT(s.rows(), 100u);
  EXPECT_EQ(static_cast<int64_t>(s.rows()), expected->rows[0].Int(0));
  EXPECT_GT(s.MemoryBytes(), s.rows() * 100);
}

TEST_F(ResultsSnapshotTest, KeyIndicatorsAreTheStoredValuesAndAYesNoThatIsNeitherIsLeftOut) {
  // Yes/no key indicators are held in a byte each: every value read back
  // equals the stored vector's, unknown (NaN) included.
  auto stored = InTx(t_.db(), store::TxMode::kRead, [](store::Tx& tx) {
    return tx.Query("SELECT id, score_vector FROM assessments WHERE score_vector IS NOT NULL ORDER BY id");
  });
  ASSERT_TRUE(stored);
  std::map<int64_t, std::string> vector_of;
  for (const auto& r : stored->rows) vector_of[r.Int(0)] = r.Text(1);
  ResultsSnapshot s;
  ASSERT_TRUE(s.CatchUp(t_.db()));
  const std::string model_id = s.ModelsOf("gd-2016").at(0);
  int yes_no = -1;
  size_t yes = 0, no = 0;
  s.Read("gd-2016", model_id, [&](const ResultColumns& c, const ResultsSnapshot&) {
    for (size_t k = 0; k < c.key_indicators.size() && yes_no < 0; ++k) {
      if (c.key_indicators[k].yes_no()) yes_no = static_cast<int>(k);
    }
    for (size_t row = 0; row < c.rows(); ++row) {
      scoring::ScoreVector v;
      ASSERT_TRUE(scoring::DecodeScoreVector(vector_of.at(c.assessment_id[row]), c.dimensions.size(),
                                             c.key_indicators.size(), &v));
      for (size_t k = 0; k < c.key_indicators.size(); ++k) {
        const double got = c.key_indicators[k][row], want = v.key_indicators[k];
        EXPECT_TRUE(got == want || (std::isnan(got) && std::isnan(want))) << "row " << row << " key " << k;
        if (c.key_indicators[k].yes_no()) (got == 1 ? yes : no) += 1;
      }
    }
  });
  ASSERT_GE(yes_no, 0) << "the model has a yes/no key indicator";
  EXPECT_GT(yes, 0u);
  EXPECT_GT(no, 0u);
  // A stored vector whose yes/no value is neither (a hand-edited row) is
  // not kept, like any vector that does not read back.
  int64_t id = 0;
  s.Read("gd-2016", model_id, [&](const ResultColumns& c, const ResultsSnapshot&) { id = c.assessment_id.at(0); });
  const std::string& text = vector_of.at(id);
  size_t at = text.find('|');  // the key indicators follow, comma-separated
  for (int k = 0; k < yes_no; ++k) at = text.find(',', at + 1);
  ASSERT_NE(at, std::string::npos);
  const size_t end = std::min(text.find(',', at + 1), text.size());
  const std::string edited = text.substr(0, at + 1) + "0.5" + text.substr(end);
  ASSERT_TRUE(InTx(t_.db(), store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
    auto r = tx.Exec("UPDATE assessments SET score_vector = $1 WHERE id = $2", {edited, id});
    if (!r) return Fail(r.error());
    return *r == 1;
  }));
  ResultsSnapshot fresh;
  ASSERT_TRUE(fresh.CatchUp(t_.db()));
  EXPECT_EQ(fresh.rows(), s.rows() - 1);
  fresh.Read("gd-2016", model_id, [&](const ResultColumns& c, const ResultsSnapshot&) {
    EXPECT_EQ(std::find(c.assessment_id.begin(), c.assessment_id.end(), id), c.assessment_id.end());
  });
}

// Followed by a FeedFollower, a snapshot shows this process's own write as
// soon as Current() returns, applies further writes without any reader
// asking, and shows another server's write within a poll; once the
// follower is gone, readers catch up themselves again.
TEST_F(ResultsSnapshotTest, AFollowedSnapshotShowsOwnWritesAtOnceAndOtherServersWithinAPoll) {
  ResultsSnapshot s;
  ProgressSnapshot progress;
  auto rows_become = [&s](size_t n) {
    for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(std::chrono::milliseconds(5))) {
      if (s.rows() == n) return true;
    }
    return s.rows() == n;
  };
  auto reject = [](domain::Assessment& r) { r.status = domain::AssessmentStatus::kRejected; };
  size_t rows = 0;
  {
    FeedFollower follower(t_.db(), s, progress, {.poll = std::chrono::milliseconds(100)});
    ASSERT_TRUE(s.Current(t_.db()));  // waits for the build on the follower's thread
    rows = s.rows();
    ASSERT_GT(rows, 10u);
    ASSERT_TRUE(progress.Current(t_.db()));
    EXPECT_GT(progress.assessments(), rows);

    ChangeAssessment("status = 'approved'", reject);
    ASSERT_TRUE(s.Current(t_.db()));
    EXPECT_EQ(s.rows(), rows - 1);  // read-your-writes

    ChangeAssessment("status = 'approved'", reject);
    EXPECT_TRUE(rows_become(rows - 2));  // woken by the commit, no reader asked

    auto other_server = store::Db::Open(t_.url());
    ASSERT_TRUE(other_server);
    ChangeAssessment("status = 'approved'", reject, other_server->get());
    EXPECT_TRUE(rows_become(rows - 3));  // the next poll
  }
  auto other_server = store::Db::Open(t_.url());
  ASSERT_TRUE(other_server);
  ChangeAssessment("status = 'approved'", reject, other_server->get());
  ASSERT_TRUE(s.Current(t_.db()));
  EXPECT_EQ(s.rows(), rows - 4);  // no follower: Current() read the feed
}

// On PostgreSQL another server's commit is told (NOTIFY), so the follower
// applies it at once, not at its next poll; SQLite has no such notices.
TEST_F(ResultsSnapshotTest, AnotherServersCommitWakesTheFollowerWhereTheDatabaseTellsOfIt) {
  if (t_.db().Dialect() != "postgresql") {
    EXPECT_FALSE(t_.db().HasFeedNotices());  // followers poll; the test above shows it
    return;
  }
  ASSERT_TRUE(t_.db().HasFeedNotices());
  ResultsSnapshot s;
  ProgressSnapshot progress;
  FeedFollower follower(t_.db(), s, progress, {.poll = std::chrono::hours(1)});
  ASSERT_TRUE(s.Current(t_.db()));
  const size_t rows = s.rows();
  // The listener's connection LISTENs once it has started: commit until
  // one is told, for at most 5 s.
  auto other_server = store::Db::Open(t_.url());
  ASSERT_TRUE(other_server);
  size_t rejected = 0;
  bool seen = false;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
       !seen && std::chrono::steady_clock::now() < deadline;) {
    ChangeAssessment("status = 'approved'", [](domain::Assessment& r) { r.status = domain::AssessmentStatus::kRejected; },
                     other_server->get());
    ++rejected;
    for (int i = 0; i < 100 && !seen; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      seen = s.rows() < rows;
    }
  }
  EXPECT_TRUE(seen) << "no notice woke the follower";
  EXPECT_LE(rejected, 3u);
}

// A snapshot kept current through rejections, a resubmission and an enterprise
// moving to another size class holds the same rows, cells and sums (bit
// for bit) as one built afresh from the tables.
TEST_F(ResultsSnapshotTest, FollowingTheFeedEqualsBuildingAfresh) {
  ResultsSnapshot followed;
  ASSERT_TRUE(followed.CatchUp(t_.db()));
  const std::string model = followed.ModelsOf("gd-2016").at(0);
  const size_t before = followed.rows();

  // Reject the first approved assessment; submit the first rejected one
  // again (the round counts what was submitted).
  const std::string out =
      ChangeAssessment("status = 'approved'", [](domain::Assessment& r) { r.status = domain::AssessmentStatus::kRejected; });
  ChangeAssessment("status = 'rejected' AND uscc <> '" + out + "'",
                   [](domain::Assessment& r) { r.status = domain::AssessmentStatus::kSubmitted; });
  // An approved enterprise becomes large: its result moves to another cell.
  std::string moved;
  ASSERT_TRUE(InTx(t_.db(), store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
    auto rows = tx.Query(
        "SELECT e.uscc FROM enterprises e JOIN assessments a ON a.uscc = e.uscc WHERE a.status = "
        "'approved' AND e.size_class <> 'large' ORDER BY a.id DESC LIMIT 1");
    if (!rows || rows->empty()) return Fail(Error::Internal("no enterprise"));
    moved = rows->rows[0].Text(0);
    auto e = store::FindEnterpriseUnscoped(tx, moved);
    auto record = **e;
    record.size_class = SizeClass::kLarge;
    auto updated = store::UpdateEnterprise(tx, record);
    if (!updated) return Fail(updated.error());
    return true;
  }));
  ASSERT_TRUE(followed.CatchUp(t_.db()));
  EXPECT_EQ(followed.rows(), before);  // one out, one in

  ResultsSnapshot afresh;
  ASSERT_TRUE(afresh.CatchUp(t_.db()));
  EXPECT_EQ(afresh.last_seq(), followed.last_seq());
  Picture a = Take(followed, "gd-2016", model), b = Take(afresh, "gd-2016", model);
  ExpectSamePicture(a, b);
  bool found = false;
  for (const auto& [id, row] : a.rows) {
    if (std::get<0>(row) != moved) continue;
    found = true;
    EXPECT_EQ(std::get<1>(row)[static_cast<int>(Attribute::kSize)], "large");
  }
  EXPECT_TRUE(found);
}

// Each cell's sums are those of its rows, added in the order of assessment id.
TEST_F(ResultsSnapshotTest, CellSumsAreTheSumsOfTheirRows) {
  ResultsSnapshot s;
  ASSERT_TRUE(s.CatchUp(t_.db()));
  ChangeAssessment("status = 'submitted'", [](domain::Assessment& r) { r.status = domain::AssessmentStatus::kApproved; });
  ASSERT_TRUE(s.CatchUp(t_.db()));
  size_t cells = 0;
  s.Read("gd-2016", s.ModelsOf("gd-2016").at(0), [&](const ResultColumns& c, const ResultsSnapshot&) {
    for (const ResultCell& cell : c.cells) {
      std::vector<uint32_t> rows = cell.rows;
      std::sort(rows.begin(), rows.end(),
                [&](uint32_t x, uint32_t y) { return c.assessment_id[x] < c.assessment_id[y]; });
      GroupSums sums;
      sums.Reset(*c.model);
      for (uint32_t row : rows) {
        sums.Add(c, row);
        EXPECT_EQ(c.cell[row], static_cast<uint32_t>(&cell - c.cells.data()));
      }
      ExpectSameSums(cell.sums, sums);
      ++cells;
    }
  });
  EXPECT_GT(cells, 10u);
}

// Each cell's sorted values are its rows' values, whether sorted in the
// background after the first build or on first read after a change.
TEST_F(ResultsSnapshotTest, SortedValuesAreTheCellsValuesInOrder) {
  ResultsSnapshot s;
  ASSERT_TRUE(s.CatchUp(t_.db()));
  s.WaitForSorting();
  ChangeAssessment("status = 'submitted'", [](domain::Assessment& r) { r.status = domain::AssessmentStatus::kApproved; });
  ChangeAssessment("status = 'approved'", [](domain::Assessment& r) { r.status = domain::AssessmentStatus::kRejected; });
  ASSERT_TRUE(s.CatchUp(t_.db()));
  size_t values = 0;
  s.Read("gd-2016", s.ModelsOf("gd-2016").at(0), [&](const ResultColumns& c, const ResultsSnapshot& snapshot) {
    for (size_t i = 0; i < c.cells.size(); ++i) {
      const ResultCell& cell = snapshot.SortedCell(c, i);
      for (size_t j = 0; j < c.numeric_columns(); ++j) {
        std::vector<double> want;
        if (c.KeepsSorted(j)) {
          for (uint32_t row : cell.rows) {
            if (!std::isnan(c.Value(j, row))) want.push_back(c.Value(j, row));
          }
        }
        std::sort(want.begin(), want.end());
        auto got = cell.SortedColumn(j);
        EXPECT_EQ(std::vector<double>(got.begin(), got.end()), want) << "cell " << i << " column " << j;
        values += want.size();
      }
    }
  });
  EXPECT_GT(values, 100u);
}

}  // namespace
}  // namespace rongping::analytics
