#include "campaign/progress.h"

#include <gtest/gtest.h>

#include "auth/auth_service.h"
#include "demo/demo_test_support.h"
#include "store/test_support.h"

namespace rongping::campaign {
namespace {

TEST(TargetRule, ParsesAndDescribes) {
  auto both = ParseTargetRule("min_completed:1000 | min_share_above_scale:50");
  ASSERT_TRUE(both) << both.error().message;
  EXPECT_EQ(both->ToString(), "min_completed:1000|min_share_above_scale:50");
  EXPECT_EQ(both->Describe(), "完成评估不少于1000家或不少于规上工业企业数的50%");
  for (const char* bad : {"", "min_completed:", "min_completed:-1", "min_share_above_scale:0",
                          "min_share_above_scale:101", "min_x:3", "min_completed:3|min_completed:4"}) {
    auto r = ParseTargetRule(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().field, "rule");
    }
  }
}

TEST(TargetRule, NationalRuleWithGuangdongCounts) {
  // "不少于1000家或不少于规上工业企业数的50%": either alternative satisfies,
  // so the requirement is the smaller one.
  auto rule = *ParseTargetRule("min_completed:1000|min_share_above_scale:50");
  // Guangdong 2015: 42,134 above-scale enterprises; 50% is 21,067, so 1000 rules.
  EXPECT_EQ(rule.RequiredCompleted(42134), 1000);
  EXPECT_TRUE(rule.IsMet(1000, 42134));
  EXPECT_FALSE(rule.IsMet(999, 42134));
  // A region the size of 汕尾 (238): 50% is 119, below 1000.
  EXPECT_EQ(rule.RequiredCompleted(238), 119);
  EXPECT_TRUE(rule.IsMet(119, 238));
  // 50% of an odd count rounds up: 云浮 830 -> 415, 茂名 957 -> 479.
  auto share = *ParseTargetRule("min_share_above_scale:50");
  EXPECT_EQ(share.RequiredCompleted(957), 479);
  EXPECT_EQ(share.RequiredCompleted(830), 415);
  // Unknown above-scale count: only min_completed can apply.
  EXPECT_EQ(rule.RequiredCompleted(std::nullopt), 1000);
  EXPECT_FALSE(share.RequiredCompleted(std::nullopt));
  EXPECT_FALSE(share.IsMet(100000, std::nullopt));
}

TEST(Progress, RollsUpTheReportingTreeWithoutDoubleCounting) {
  testing::TempDb t;
  auto index = InTx(t.db(), store::TxMode::kRead,
                    [](store::Tx& tx) { return store::LoadReferenceIndex(tx); });
  ASSERT_TRUE(index);
  domain::Round round = testing::TestRound("r");
  std::vector<store::UnitCounts> counts = {
      {"440100", 219, 168}, {"440600", 79, 62}, {"440606", 129, 102}, {"440300", 622, 446}};
  std::map<std::string, TargetRule> targets = {
      {"440100", *ParseTargetRule("min_completed:400")},
      {"440300", *ParseTargetRule("min_completed:400")},
      {"440600", *ParseTargetRule("min_completed:300")},
      {"440000", *ParseTargetRule("min_completed:1000|min_share_above_scale:50")}};
  auto table = BuildProgress(round, *index, "440000", counts, targets, "2016-05-16");
  ASSERT_EQ(table.rows.size(), 22u);
  EXPECT_EQ(table.rows.back().unit_name, "顺德区");  // carved-out units after the cities
  std::map<std::string, ProgressRow> by;
  for (const auto& r : table.rows) by[r.unit_code] = r;
  EXPECT_EQ(by["440600"].participating, 79);  // 佛山 without 顺德
  EXPECT_EQ(by["440606"].participating, 129);
  EXPECT_EQ(table.total.participating, 219 + 79 + 129 + 622);
  EXPECT_EQ(table.total.completed, 168 + 62 + 102 + 446);
  EXPECT_EQ(table.total.target, 1000);
  EXPECT_FALSE(*table.total.target_met);  // 778 < 1000
  EXPECT_EQ(*table.total.gap, 222);
  // 深圳 446/400 ranks first, 广州 168/400 = 0.42 second, 佛山 62/300 third.
  EXPECT_EQ(*by["440300"].rank, 1);
  EXPECT_TRUE(*by["440300"].target_met);
  EXPECT_EQ(*by["440100"].rank, 2);
  EXPECT_DOUBLE_EQ(*by["440100"].completion_rate, 0.42);
  EXPECT_EQ(*by["440600"].rank, 3);
  EXPECT_FALSE(by["440606"].target);  // 顺德's target is not stated
  EXPECT_FALSE(by["440606"].rank);
  // Pace: 45 of 90 days elapsed on 2016-05-16: half of 400 expected.
  EXPECT_DOUBLE_EQ(*by["440100"].expected_by_today, 200);
  // A unit's own table: no children, the total is the unit itself.
  auto own = BuildProgress(round, *index, "440600", counts, targets, "2016-06-30");
  EXPECT_TRUE(own.rows.empty());
  EXPECT_EQ(own.total.participating, 79);
  EXPECT_DOUBLE_EQ(*own.total.expected_by_today, 300);
}

TEST(Progress, TiesShareARank) {
  testing::TempDb t;
  auto index = InTx(t.db(), store::TxMode::kRead,
                    [](store::Tx& tx) { return store::LoadReferenceIndex(tx); });
  domain::Round round = testing::TestRound("r");
  std::map<std::string, TargetRule> targets = {{"440100", *ParseTargetRule("min_completed:10")},
                                               {"440300", *ParseTargetRule("min_completed:20")},
                                               {"440400", *ParseTargetRule("min_completed:10")}};
  auto table = BuildProgress(round, *index, "440000",
                             {{"440100", 5, 5}, {"440300", 10, 10}, {"440400", 1, 1}}, targets,
                             "2016-06-30");
  std::map<std::string, int> rank;
  for (const auto& r : table.rows) {
    if (r.rank) rank[r.unit_code] = *r.rank;
  }
  EXPECT_EQ(rank, (std::map<std::string, int>{{"440100", 1}, {"440300", 1}, {"440400", 3}}));
}

TEST(ProgressSnapshot, AgreesWithSqlAndFollowsTheChangeFeed) {
  testing::TempDb t;
  ASSERT_TRUE(demo::testing::LoadGuangdong2016(t.db()));
  auto sql = [&] {
    auto counts = InTx(t.db(), store::TxMode::kRead,
                       [](store::Tx& tx) { return store::CountByUnit(tx, "gd-2016"); });
    std::map<std::string, std::pair<int64_t, int64_t>> out;
    for (const auto& c : *counts) out[c.unit_code] = {c.participating, c.completed};
    return out;
  };
  // The scenario's round counts submissions, an enterprise once.
  auto memory = [](const analytics::ProgressSnapshot& s) {
    std::map<std::string, std::pair<int64_t, int64_t>> out;
    for (const auto& c : s.Count("gd-2016", store::Completion::kSubmitted, store::EntryCount::kEnterprise)) {
      out[c.unit_code] = {c.participating, c.completed};
    }
    return out;
  };
  analytics::ProgressSnapshot snapshot;
  ASSERT_TRUE(snapshot.CatchUp(t.db()));
  // The scenario's assessments: gd-2016's 2,084 and gd-2015's 1,233.
  EXPECT_EQ(snapshot.assessments(), 2084u + 1233u);
  EXPECT_EQ(memory(snapshot), sql());
  EXPECT_EQ(memory(snapshot).at("440606"), std::make_pair(int64_t{129}, int64_t{102}));
  // Send one submitted assessment back behind the snapshot's back: it catches up.
  ASSERT_TRUE(InTx(t.db(), store::TxMode::kWrite, [](store::Tx& tx) -> Result<bool> {
    auto rows = tx.Query("SELECT uscc FROM assessments WHERE status = 'submitted' AND unit_code = "
                         "'440100' LIMIT 1");
    if (!rows || rows->empty()) return Fail(Error::Internal("no submitted assessment"));
    auto a = store::FindAssessment(tx, "gd-2016", rows->rows[0].Text(0));
    auto record = **a;
    record.status = domain::AssessmentStatus::kRejected;
    auto saved = store::SaveAssessment(tx, record, record.version);
    if (!saved) return Fail(saved.error());
    return true;
  }));
  EXPECT_EQ(memory(snapshot).at("440100").second, 168);  // not yet caught up
  ASSERT_TRUE(snapshot.CatchUp(t.db()));
  EXPECT_EQ(memory(snapshot).at("440100").second, 167);
  EXPECT_EQ(memory(snapshot), sql());
  EXPECT_EQ(snapshot.assessments(), 2084u + 1233u);
  // Counting reviewed ones only gives fewer; per assessment, as many here
  // (one model: one assessment an enterprise).
  auto approved_only = snapshot.Count("gd-2016", store::Completion::kApproved, store::EntryCount::kEnterprise);
  auto per_assessment = snapshot.Count("gd-2016", store::Completion::kSubmitted, store::EntryCount::kAssessment);
  int64_t approved = 0, entries = 0, completed = 0;
  for (const auto& c : approved_only) approved += c.completed;
  for (const auto& c : per_assessment) entries += c.participating, completed += c.completed;
  EXPECT_LT(approved, 1530);
  EXPECT_EQ(entries, 2084);
  EXPECT_EQ(completed, 1530);
}

// Enterprises of 广州 with assessments whose event histories span several
// days, to count as of a day.
class ProgressAsOf : public ::testing::Test {
 protected:
  void SetUp() override {
    Round(store::Completion::kSubmitted, store::EntryCount::kEnterprise);
    // (enterprise, model, [(status, at)...]); times are UTC: 2016-05-31T16:00Z
    // is midnight of 6月1日 in China.
    Add(1, "m1", {{"draft", "2016-05-01T02:00:00.000Z"}, {"submitted", "2016-05-20T15:30:00.000Z"},
                  {"approved", "2016-06-02T01:00:00.000Z"}});
    Add(1, "m2", {{"submitted", "2016-06-05T01:00:00.000Z"}});
    Add(2, "m1", {{"draft", "2016-05-25T01:00:00.000Z"}, {"submitted", "2016-05-31T15:59:59.000Z"}});
    Add(3, "m1", {{"submitted", "2016-05-31T16:00:00.000Z"}});
    Add(4, "m1", {{"submitted", "2016-05-10T01:00:00.000Z"}, {"rejected", "2016-06-10T01:00:00.000Z"}});
  }

  void Round(store::Completion completion, store::EntryCount entries) {
    domain::Round round = testing::TestRound("r", {"m1", "m2"});
    round.completion = completion;
    round.entries = entries;
    ASSERT_TRUE(InTx(t_.db(), store::TxMode::kWrite, [&](store::Tx& tx) { return store::UpsertRound(tx, round); }));
  }

  void Add(int n, const std::string& model, std::vector<std::pair<std::string, std::string>> history) {
    auto r = InTx(t_.db(), store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
      const std::string uscc = testing::MakeUscc("440100", n);
      auto e = tx.Exec(
          "INSERT INTO enterprises (uscc, name, unit_code, industry_code, production_type, employees, "
          "revenue_10k_yuan, size_class, above_scale, version, created_at, updated_at) VALUES ($1, $2, "
          "'440100', '38', 'discrete_mass', 100, 5000, 'medium', 1, 1, 'x', 'x') ON CONFLICT (uscc) DO NOTHING",
          {uscc, "企业" + std::to_string(n)});
      if (!e) return Fail(e.error());
      domain::Assessment a;
      a.round_code = "r";
      a.uscc = *domain::Uscc::Parse(uscc);
      a.model_id = model;
      a.unit_code = domain::UnitCode::Of("440100");
      a.production_type = "discrete_mass";
      auto status_of = [](const std::string& name) { return *domain::ParseAssessmentStatus(name); };
      a.status = status_of(history.back().first);
      a.answers_json = "{}";
      auto saved = store::SaveAssessment(tx, a, 0);
      if (!saved) return Fail(saved.error());
      std::optional<domain::AssessmentStatus> from;
      for (const auto& [status, at] : history) {
        if (auto ev = store::RecordAssessmentEvent(tx, {saved->id, at, "test", from, status_of(status), std::nullopt});
            !ev) {
          return Fail(ev.error());
        }
        from = status_of(status);
      }
      return true;
    });
    ASSERT_TRUE(r) << r.error().message;
  }

  // The total of 广东 as of `as_of` when today is `today`.
  std::pair<int64_t, int64_t> Total(const std::string& as_of, const std::string& today = "2016-07-15") {
    auto table = LoadProgress(t_.db(), nullptr, "r", "440000", as_of, nullptr, today);
    EXPECT_TRUE(table) << table.error().message;
    return table ? std::pair{table->total.participating, table->total.completed} : std::pair<int64_t, int64_t>{};
  }

  testing::TempDb t_;
};

TEST_F(ProgressAsOf, CountsWhatHadHappenedByTheEndOfTheDayInChina) {
  EXPECT_EQ(Total("2016-04-30"), std::make_pair(int64_t{0}, int64_t{0}));
  EXPECT_EQ(Total("2016-05-15"), std::make_pair(int64_t{2}, int64_t{1}));  // 1 draft, 4 submitted
  // 2's submission at 23:59:59 counts on 5月31日; 3's at midnight does not.
  EXPECT_EQ(Total("2016-05-31"), std::make_pair(int64_t{3}, int64_t{3}));
  EXPECT_EQ(Total("2016-06-01"), std::make_pair(int64_t{4}, int64_t{4}));
  // 4 was sent back on 6月10日.
  EXPECT_EQ(Total("2016-06-30"), std::make_pair(int64_t{4}, int64_t{3}));
  // As of today: the assessments as they are (the same here).
  EXPECT_EQ(Total("2016-07-15"), std::make_pair(int64_t{4}, int64_t{3}));
}

TEST_F(ProgressAsOf, ALaterEventNeverChangesAnEarlierDay) {
  const auto before = Total("2016-06-30");
  // A review made "today" (an event after the day) moves today's count only.
  ASSERT_TRUE(InTx(t_.db(), store::TxMode::kWrite, [&](store::Tx& tx) -> Result<void> {
    auto a = store::FindAssessment(tx, "r", testing::MakeUscc("440100", 2));
    if (!a || !*a) return Fail(Error::Internal("no assessment"));
    domain::Assessment record = **a;
    record.status = domain::AssessmentStatus::kRejected;
    auto saved = store::SaveAssessment(tx, record, record.version);
    if (!saved) return Fail(saved.error());
    return store::RecordAssessmentEvent(tx, {saved->id, "2016-07-14T02:00:00.000Z", "test", domain::AssessmentStatus::kSubmitted,
                                             domain::AssessmentStatus::kRejected, "退回"});
  }));
  EXPECT_EQ(Total("2016-06-30"), before);
  EXPECT_EQ(Total("2016-07-15").second, before.second - 1);
}

TEST_F(ProgressAsOf, CompletionAndEntriesAreTheRoundsRules) {
  Round(store::Completion::kApproved, store::EntryCount::kEnterprise);
  EXPECT_EQ(Total("2016-06-30"), std::make_pair(int64_t{4}, int64_t{1}));  // only 1 was approved
  EXPECT_EQ(Total("2016-05-31"), std::make_pair(int64_t{3}, int64_t{0}));
  Round(store::Completion::kSubmitted, store::EntryCount::kAssessment);
  EXPECT_EQ(Total("2016-06-30"), std::make_pair(int64_t{5}, int64_t{4}));  // 1 answered both models
  EXPECT_EQ(Total("2016-06-01"), std::make_pair(int64_t{4}, int64_t{4}));  // m2 came on 6月5日
  auto table = LoadProgress(t_.db(), nullptr, "r", "440000", "2016-06-30", nullptr, "2016-07-15");
  ASSERT_TRUE(table);
  EXPECT_NE(table->counting_note.find("每份答卷各计一条"), std::string::npos);
  EXPECT_NE(table->counting_note.find("上报"), std::string::npos);
}

// A store failing at any statement is reported, whether the day is read
// from the history (before today) or as it is now (today); the clock's day
// decides which.
TEST_F(ProgressAsOf, AFailingStoreIsReportedOnEitherPath) {
  for (const char* today : {"2016-07-15", "2016-06-30"}) {
    EXPECT_GE(testing::ExpectAllOrNothing(t_.db(),
                                          [&](store::Db& db) {
                                            return LoadProgress(db, nullptr, "r", "440000", "2016-06-30",
                                                                nullptr, today);
                                          }),
              2)
        << today;
  }
}

}  // namespace
}  // namespace rongping::campaign
