#include "campaign/progress.h"

#include <gtest/gtest.h>

#include "auth/auth_service.h"
#include "demo/demo.h"
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
    if (!r) EXPECT_EQ(r.error().field, "rule");
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
  store::RoundRecord round{"r", "测试", 2016, "440000", {"m"}, "2016-04-01", "2016-06-30",
                           "2016-06-30", true};
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
  store::RoundRecord round{"r", "测试", 2016, "440000", {"m"}, "2016-04-01", "2016-06-30",
                           "2016-06-30", true};
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
  AuthOptions auth_options;
  auth_options.password_hash_cost = "minimum";
  AuthService auth(t.db(), auth_options);
  demo::DemoOptions options;
  options.scenario = "guangdong-2016";
  ASSERT_TRUE(demo::LoadDemo(t.db(), auth, options));
  auto sql = [&] {
    auto counts = InTx(t.db(), store::TxMode::kRead,
                       [](store::Tx& tx) { return store::CountByUnit(tx, "gd-2016"); });
    std::map<std::string, std::pair<int64_t, int64_t>> out;
    for (const auto& c : *counts) out[c.unit_code] = {c.participating, c.completed};
    return out;
  };
  auto memory = [](const analytics::ProgressSnapshot& s, bool review_required) {
    std::map<std::string, std::pair<int64_t, int64_t>> out;
    for (const auto& c : s.Count("gd-2016", review_required)) {
      out[c.unit_code] = {c.participating, c.completed};
    }
    return out;
  };
  analytics::ProgressSnapshot snapshot;
  ASSERT_TRUE(snapshot.CatchUp(t.db()));
  EXPECT_EQ(snapshot.assessments(), 2084u);
  EXPECT_EQ(memory(snapshot, true), sql());
  EXPECT_EQ(memory(snapshot, true).at("440606"), std::make_pair(int64_t{129}, int64_t{102}));
  // Approve one submitted assessment behind the snapshot's back: it catches up.
  ASSERT_TRUE(InTx(t.db(), store::TxMode::kWrite, [](store::Tx& tx) -> Result<bool> {
    auto rows = tx.Query("SELECT uscc FROM assessments WHERE status = 'submitted' AND unit_code = "
                         "'440100' LIMIT 1");
    if (!rows || rows->empty()) return Fail(Error::Internal("no submitted assessment"));
    auto a = store::FindAssessment(tx, "gd-2016", rows->rows[0].Text(0));
    auto record = **a;
    record.status = "approved";
    auto saved = store::SaveAssessment(tx, record, record.version);
    if (!saved) return Fail(saved.error());
    return true;
  }));
  EXPECT_EQ(memory(snapshot, true).at("440100").second, 168);  // not yet caught up
  ASSERT_TRUE(snapshot.CatchUp(t.db()));
  EXPECT_EQ(memory(snapshot, true).at("440100").second, 169);
  EXPECT_EQ(memory(snapshot, true), sql());
  EXPECT_EQ(snapshot.assessments(), 2084u);
  // Without review, submitted ones count as completed too.
  EXPECT_GT(memory(snapshot, false).at("440100").second, 169);
}

}  // namespace
}  // namespace rongping::campaign
