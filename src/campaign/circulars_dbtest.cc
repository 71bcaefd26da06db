#include "campaign/circulars.h"

#include <gtest/gtest.h>

#include "core/clock.h"

#include "core/time.h"
#include "report/circular_html.h"
#include "report/html.h"
#include "store/campaign.h"
#include "store/test_support.h"

namespace rongping::campaign::circulars {
namespace {

ProgressRow MakeRow(std::string code, std::string name, int64_t participating, int64_t completed,
                    std::optional<int64_t> target, std::optional<int> rank) {
  ProgressRow r;
  r.unit_code = std::move(code);
  r.unit_name = std::move(name);
  r.participating = participating;
  r.completed = completed;
  r.target = target;
  if (target) {
    r.target_met = completed >= *target;
    r.gap = std::max<int64_t>(0, *target - completed);
    if (*target > 0) r.completion_rate = static_cast<double>(completed) / static_cast<double>(*target);
  }
  r.rank = rank;
  return r;
}

ProgressTable MakeTable(std::vector<ProgressRow> rows, ProgressRow total) {
  ProgressTable t;
  t.round_code = "r";
  t.root_code = "440000";
  t.as_of = "2016-06-30";
  t.rows = std::move(rows);
  t.total = std::move(total);
  return t;
}

Principal Who(Role role, std::string scope, std::string name = "tester") {
  Principal p;
  p.user_id = 1;
  p.username = std::move(name);
  p.role = role;
  p.scope_code = std::move(scope);
  return p;
}

const UnitChange& ChangeOf(const Changes& c, const std::string& code) {
  for (const auto& r : c.rows) {
    if (r.unit_code == code) return r;
  }
  throw std::runtime_error("no change row for " + code);
}

TEST(CircularChanges, DeltasAndRankMovesAgainstThePreviousTable) {
  auto before = MakeTable({MakeRow("440100", "广州市", 100, 40, 400, 2),
                           MakeRow("440300", "深圳市", 300, 200, 400, 1),
                           MakeRow("440606", "顺德区", 50, 30, std::nullopt, std::nullopt)},
                          MakeRow("440000", "广东省", 450, 270, 1000, std::nullopt));
  auto now = MakeTable({MakeRow("440100", "广州市", 150, 240, 400, 1),
                        MakeRow("440300", "深圳市", 310, 210, 400, 2),
                        MakeRow("440400", "珠海市", 10, 5, 300, 3),  // not in the previous table
                        MakeRow("440606", "顺德区", 55, 30, std::nullopt, std::nullopt)},
                       MakeRow("440000", "广东省", 525, 485, 1000, std::nullopt));
  Changes c = ComputeChanges(now, before);
  ASSERT_EQ(c.rows.size(), 4u);
  EXPECT_EQ(c.rows[2].unit_code, "440400");  // same order as the current table

  const auto& gz = ChangeOf(c, "440100");
  EXPECT_EQ(gz.participating, 50);
  EXPECT_EQ(gz.completed, 200);
  ASSERT_TRUE(gz.completion_rate);
  EXPECT_NEAR(*gz.completion_rate, 0.5, 1e-12);  // 10% -> 60%
  EXPECT_EQ(gz.rank, 1);                         // 2 -> 1: up one

  const auto& sz = ChangeOf(c, "440300");
  EXPECT_EQ(sz.participating, 10);
  EXPECT_EQ(sz.completed, 10);
  EXPECT_NEAR(*sz.completion_rate, 0.025, 1e-12);
  EXPECT_EQ(sz.rank, -1);  // 1 -> 2: down one

  const auto& zh = ChangeOf(c, "440400");  // new unit: nothing to compare
  EXPECT_FALSE(zh.participating);
  EXPECT_FALSE(zh.completed);
  EXPECT_FALSE(zh.completion_rate);
  EXPECT_FALSE(zh.rank);

  const auto& sd = ChangeOf(c, "440606");  // no target: counts only
  EXPECT_EQ(sd.participating, 5);
  EXPECT_EQ(sd.completed, 0);
  EXPECT_FALSE(sd.completion_rate);
  EXPECT_FALSE(sd.rank);

  EXPECT_EQ(c.total.unit_code, "440000");
  EXPECT_EQ(c.total.participating, 75);
  EXPECT_EQ(c.total.completed, 215);
  EXPECT_NEAR(*c.total.completion_rate, 0.215, 1e-12);
  EXPECT_FALSE(c.total.rank);

  // Round trip through the stored JSON form.
  auto j = ChangesToJson(c);
  EXPECT_EQ(j["rows"][1]["rank"], -1);
  EXPECT_TRUE(j["rows"][2]["participating"].is_null());
  EXPECT_EQ(j["total"]["completed"], 215);
}

TEST(CircularChanges, UnitLosingItsTargetHasNoRateOrRankChange) {
  auto before = MakeTable({MakeRow("440100", "广州市", 10, 5, 10, 1)},
                          MakeRow("440000", "广东省", 10, 5, std::nullopt, std::nullopt));
  auto now = MakeTable({MakeRow("440100", "广州市", 12, 6, std::nullopt, std::nullopt)},
                       MakeRow("440000", "广东省", 12, 6, std::nullopt, std::nullopt));
  Changes c = ComputeChanges(now, before);
  EXPECT_EQ(c.rows[0].completed, 1);
  EXPECT_FALSE(c.rows[0].completion_rate);
  EXPECT_FALSE(c.rows[0].rank);
  EXPECT_FALSE(c.total.completion_rate);
}

TEST(CircularText, ChineseDatesTitlesAndRegions) {
  EXPECT_EQ(report::ChineseDate("2016-06-30"), "2016年6月30日");
  EXPECT_EQ(report::ChineseDate("2016-10-01"), "2016年10月1日");
  EXPECT_EQ(report::ChineseQuarter("2016-06-30"), "2016年第二季度");
  EXPECT_EQ(report::ChineseQuarter("2016-12-31"), "2016年第四季度");
  EXPECT_EQ(report::ChineseQuarter("2016-01-01"), "2016年第一季度");
  EXPECT_EQ(report::RegionWord("广东省"), "全省");
  EXPECT_EQ(report::RegionWord("广西壮族自治区"), "全区");
  EXPECT_EQ(report::RegionWord("深圳市"), "深圳市");
  EXPECT_EQ(DefaultTitle("2016-06-30", "广东省"),
            "关于2016年第二季度全省两化融合评估诊断和对标引导工作进展情况的通报");
  EXPECT_EQ(report::HtmlEscape(R"(<a href="x">'&'</a>)"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(CircularHtml, EscapesDataAndLoadsNothing) {
  Circular c;
  c.round_code = "r";
  c.round_name = "2016年评估 & <b>周期</b>";
  c.unit_code = "440000";
  c.unit_name = "广东省";
  c.as_of = "2016-06-30";
  c.title = "关于<script>alert('t')</script>的通报";
  c.table = MakeTable({MakeRow("440100", "<script>alert(1)</script>市", 10, 10, 10, 1),
                       MakeRow("440300", "深圳市", 10, 2, 10, 2)},
                      MakeRow("440000", "广东省", 20, 12, 20, std::nullopt));
  c.previous = PreviousRef{1, "2016-03-31", "上期"};
  c.changes = ComputeChanges(
      c.table, MakeTable({MakeRow("440100", "<script>alert(1)</script>市", 5, 1, 10, 2),
                          MakeRow("440300", "深圳市", 9, 2, 10, 1)},
                         MakeRow("440000", "广东省", 14, 3, 20, std::nullopt)));
  std::string html = report::CircularToHtml(c);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;市"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("2016年评估 &amp; &lt;b&gt;周期&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  // Self-contained and print-ready.
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  for (const char* external : {"http:", "https:", "src=", "<link", "@import", "url("}) {
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  }
  // Chinese dates, the table, the changes and the named units.
  EXPECT_NE(html.find("2016年6月30日"), std::string::npos);
  EXPECT_NE(html.find("2016年3月31日"), std::string::npos);
  for (const char* header : {"属地", "参与评估数", "完成评估数", "目标", "完成率", "排名", "较上期变化"}) {
    EXPECT_NE(html.find(header), std::string::npos) << header;
  }
  EXPECT_NE(html.find("<td class=\"num\">+9</td>"), std::string::npos);  // completed 1 -> 10
  EXPECT_NE(html.find("<td class=\"num\">↑1</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">↓1</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">+90.0</td>"), std::string::npos);  // 10% -> 100%
  EXPECT_NE(html.find("已完成目标任务的有&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("尚未完成目标任务的有深圳市（20.0%）"), std::string::npos);
}

TEST(CircularHtml, NamesTheBottomThreeWithTies) {
  Circular c;
  c.unit_name = "广东省";
  c.as_of = "2016-06-30";
  c.title = "t";
  // Rates 100%, 50%, 40%, 30%, 30%, 10%: the bottom three ranks are 6, 4 and 4.
  c.table = MakeTable({MakeRow("1", "甲市", 10, 10, 10, 1), MakeRow("2", "乙市", 10, 5, 10, 2),
                       MakeRow("3", "丙市", 10, 4, 10, 3), MakeRow("4", "丁市", 10, 3, 10, 4),
                       MakeRow("5", "戊市", 10, 3, 10, 4), MakeRow("6", "己市", 10, 1, 10, 6),
                       MakeRow("7", "庚区", 10, 1, std::nullopt, std::nullopt)},
                      MakeRow("0", "广东省", 70, 27, std::nullopt, std::nullopt));
  std::string html = report::CircularToHtml(c);
  EXPECT_NE(html.find("已完成目标任务的有甲市，共1个。"), std::string::npos);
  EXPECT_NE(html.find("完成率排名靠后的是己市（10.0%）、丁市（30.0%）、戊市（30.0%），"),
            std::string::npos);
  EXPECT_NE(html.find("庚区尚未设定目标"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">未设定</td>"), std::string::npos);
}

TEST(CircularHtml, FirstCircularSaysSo) {
  Circular c;
  c.unit_name = "广东省";
  c.as_of = "2016-03-31";
  c.title = "t";
  c.table = MakeTable({MakeRow("440100", "广州市", 1, 0, 10, 1)},
                      MakeRow("440000", "广东省", 1, 0, std::nullopt, std::nullopt));
  std::string html = report::CircularToHtml(c);
  EXPECT_NE(html.find("首次通报"), std::string::npos);
  EXPECT_NE(html.find("2016年3月31日"), std::string::npos);
}

// Store-backed: a round of 广东省 opened on 2016-04-01, targets for 广州 and 深圳.
class CircularStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = InTx(t_.db(), store::TxMode::kWrite, [](store::Tx& tx) -> Result<bool> {
      domain::Round round = testing::TestRound("gd-t", {"gbt23020-2013"});
      round.completion = store::Completion::kApproved;  // only reviewed ones count here
      if (auto u = store::UpsertRound(tx, round); !u) return Fail(u.error());
      if (auto u = store::UpsertTarget(tx, "gd-t", "440100", "min_completed:4"); !u)
        return Fail(u.error());
      if (auto u = store::UpsertTarget(tx, "gd-t", "440300", "min_completed:2"); !u)
        return Fail(u.error());
      return true;
    });
    ASSERT_TRUE(r) << r.error().message;
  }

  // An enterprise of `unit` with an assessment in `status` since `at`
  // (the event counts as of a day go by).
  void AddAssessment(const std::string& unit, int n, const std::string& status,
                     const std::string& at = "2016-04-15T01:00:00.000Z") {
    std::string uscc = testing::MakeUscc(unit, n);
    auto r = InTx(t_.db(), store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
      std::string now = NowRfc3339();
      auto e = tx.Exec(
          "INSERT INTO enterprises (uscc, name, unit_code, industry_code, production_type, "
          "employees, revenue_10k_yuan, size_class, above_scale, version, created_at, updated_at) "
          "VALUES ($1, $2, $3, '38', 'discrete', 100, 5000, 'medium', 1, 1, $4, $4)",
          {uscc, "企业" + std::to_string(n), unit, now});
      if (!e) return Fail(e.error());
      auto a = tx.Exec(
          "INSERT INTO assessments (round_code, uscc, model_id, unit_code, production_type, "
          "status, answers_json, version, created_at, updated_at) VALUES ('gd-t', $1, "
          "'gbt23020-2013', $2, 'discrete', $3, '{}', 1, $4, $4)",
          {uscc, unit, status, now});
      if (!a) return Fail(a.error());
      auto id = tx.Query("SELECT id FROM assessments WHERE uscc = $1", {uscc});
      if (!id) return Fail(id.error());
      return store::RecordAssessmentEvent(tx, {id->rows[0].Int(0), at, "test", std::nullopt,
                                                   *domain::ParseAssessmentStatus(status), std::nullopt})
          .map([] { return true; });
    });
    ASSERT_TRUE(r) << r.error().message;
  }

  testing::TempDb t_;
  Principal province_ = Who(Role::kProvince, "440000", "guangdong");
};

TEST_F(CircularStoreTest, FirstHasNoChangesSecondComparesWithIt) {
  AddAssessment("440100", 1, "approved");
  AddAssessment("440100", 2, "draft");
  AddAssessment("440300", 3, "approved");
  AddAssessment("440300", 4, "approved");
  auto first = Generate(t_.db(), &province_, "gd-t", "", "2016-04-30", "", "", SystemClock::Get());
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_GT(first->id, 0);
  EXPECT_EQ(first->unit_code, "440000");
  EXPECT_EQ(first->title, "关于2016年第二季度全省两化融合评估诊断和对标引导工作进展情况的通报");
  EXPECT_FALSE(first->previous);
  EXPECT_FALSE(first->changes);
  EXPECT_EQ(first->table.total.participating, 4);
  EXPECT_EQ(first->table.total.completed, 3);
  auto snap = nlohmann::ordered_json::parse(first->snapshot_json);
  EXPECT_TRUE(snap["changes"].is_null());
  EXPECT_TRUE(snap["previous"].is_null());

  AddAssessment("440100", 5, "approved", "2016-06-15T01:00:00.000Z");
  AddAssessment("440100", 6, "approved", "2016-06-15T01:00:00.000Z");
  AddAssessment("440100", 7, "submitted", "2016-06-15T01:00:00.000Z");  // not completed: only approved ones count
  auto second = Generate(t_.db(), &province_, "gd-t", "440000", "2016-06-30", "第二期通报", "", SystemClock::Get());
  ASSERT_TRUE(second) << second.error().message;
  ASSERT_TRUE(second->previous);
  EXPECT_EQ(second->previous->id, first->id);
  EXPECT_EQ(second->previous->as_of, "2016-04-30");
  ASSERT_TRUE(second->changes);
  const auto& gz = ChangeOf(*second->changes, "440100");
  EXPECT_EQ(gz.participating, 3);
  EXPECT_EQ(gz.completed, 2);
  EXPECT_NEAR(*gz.completion_rate, 0.5, 1e-12);  // 1/4 -> 3/4
  EXPECT_EQ(gz.rank, 0);                         // second both times (深圳 2/2)
  EXPECT_EQ(second->changes->total.participating, 3);
  EXPECT_EQ(second->changes->total.completed, 2);
  EXPECT_NE(second->html.find("截至2016年4月30日"), std::string::npos);
  EXPECT_NE(second->html.find("第二期通报"), std::string::npos);

  // A circular dated between the two compares with the earlier one.
  auto middle = Generate(t_.db(), &province_, "gd-t", "", "2016-05-31", "", "", SystemClock::Get());
  ASSERT_TRUE(middle) << middle.error().message;
  EXPECT_EQ(middle->previous->id, first->id);

  // Listed newest first; readable back with the same changes.
  auto list = List(t_.db(), &province_, "gd-t");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].id, second->id);
  EXPECT_EQ((*list)[1].id, middle->id);
  EXPECT_EQ((*list)[2].id, first->id);
  auto got = Get(t_.db(), &province_, second->id);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(ChangeOf(*got->changes, "440100").completed, 2);
  EXPECT_EQ(got->round_name, "2016年测试周期");

  auto xlsx = ToXlsx(*got);
  ASSERT_TRUE(xlsx) << xlsx.error().message;
  EXPECT_EQ(xlsx->substr(0, 2), "PK");

  // Audited.
  auto audit = InTx(t_.db(), store::TxMode::kRead, [&](store::Tx& tx) {
    return tx.Query("SELECT actor, action FROM audit_log WHERE object_type = 'circular' AND object_id = $1",
                    {std::to_string(second->id)});
  });
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ(audit->rows[0].Text(0), "guangdong");
  EXPECT_EQ(audit->rows[0].Text(1), "circular.create");
}

// "Today" is the clock's day in China: a circular may be dated up to it, not
// after, and is stamped with the clock's time.
TEST_F(CircularStoreTest, DatedByTheClockGiven) {
  AddAssessment("440100", 1, "approved");
  FixedClock clock = FixedClock::AtChinaDate("2016-05-20", 9);
  auto early = Generate(t_.db(), &province_, "gd-t", "", "2016-05-21", "", "", clock);
  ASSERT_FALSE(early);
  EXPECT_NE(early.error().message.find("不能晚于今天（2016-05-20）"), std::string::npos) << early.error().message;
  auto c = Generate(t_.db(), &province_, "gd-t", "", "2016-05-20", "", "", clock);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->created_at, "2016-05-20T01:00:00.000Z");
  clock.AdvanceSeconds(24 * 3600);
  EXPECT_TRUE(Generate(t_.db(), &province_, "gd-t", "", "2016-05-21", "", "", clock));
}

TEST_F(CircularStoreTest, SnapshotIsFrozen) {
  AddAssessment("440100", 1, "approved");
  auto c = Generate(t_.db(), &province_, "gd-t", "", "2016-05-15", "", "", SystemClock::Get());
  ASSERT_TRUE(c) << c.error().message;

  // Later data changes: assessments imported afterwards with earlier dates,
  // a changed target, a renamed unit.
  AddAssessment("440100", 2, "approved", "2016-05-01T01:00:00.000Z");
  AddAssessment("440300", 3, "approved", "2016-05-01T01:00:00.000Z");
  auto changed = InTx(t_.db(), store::TxMode::kWrite, [](store::Tx& tx) -> Result<bool> {
    if (auto u = store::UpsertTarget(tx, "gd-t", "440100", "min_completed:100"); !u) return Fail(u.error());
    auto r = tx.Exec("UPDATE units SET name = '新广州市' WHERE code = '440100'");
    if (!r) return Fail(r.error());
    return true;
  });
  ASSERT_TRUE(changed) << changed.error().message;
  auto live = LoadProgress(t_.db(), &province_, "gd-t", "", "2016-05-15", nullptr, "2016-06-30");
  ASSERT_TRUE(live);
  EXPECT_EQ(live->total.completed, 3);

  auto got = Get(t_.db(), &province_, c->id);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->snapshot_json, c->snapshot_json);
  EXPECT_EQ(got->html, c->html);
  EXPECT_EQ(got->table.total.completed, 1);
  EXPECT_EQ(got->html.find("新广州市"), std::string::npos);
  for (const auto& r : got->table.rows) {
    if (r.unit_code == "440100") {
      EXPECT_EQ(r.unit_name, "广州市");
      EXPECT_EQ(r.target, 4);
      EXPECT_EQ(r.completed, 1);
    }
  }
}

TEST_F(CircularStoreTest, ValidationPermissionsAndDuplicates) {
  auto err = [&](const Principal* who, const std::string& unit, const std::string& as_of,
                 const std::string& title = "") {
    auto r = Generate(t_.db(), who, "gd-t", unit, as_of, title, "", SystemClock::Get());
    return r ? ErrorKind::kInternal : r.error().kind;
  };
  Principal guangzhou = Who(Role::kUnit, "440100", "guangzhou");
  Principal enterprise = Who(Role::kEnterprise, testing::MakeUscc("440100", 9), "e");
  EXPECT_EQ(err(&guangzhou, "", "2016-05-01"), ErrorKind::kForbidden);
  EXPECT_EQ(err(&enterprise, "", "2016-05-01"), ErrorKind::kForbidden);
  EXPECT_EQ(err(&province_, "", "2016-02-30"), ErrorKind::kInvalid);
  EXPECT_EQ(err(&province_, "", "20160501"), ErrorKind::kInvalid);
  EXPECT_EQ(err(&province_, "", "2016-03-31"), ErrorKind::kInvalid);  // before the round opens
  auto tomorrow = FormatDate(*ParseDateDays(TodayInChina()) + 1);
  EXPECT_EQ(err(&province_, "", tomorrow), ErrorKind::kInvalid);
  EXPECT_EQ(err(&province_, "", "2016-05-01", std::string(101, 'x')), ErrorKind::kInvalid);
  EXPECT_EQ(err(&province_, "", "2016-05-01", "a\x01"), ErrorKind::kInvalid);
  // 100 Chinese characters are fine.
  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += "通";
  auto ok = Generate(t_.db(), &province_, "gd-t", "", "2016-05-01", hundred, "", SystemClock::Get());
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(err(&province_, "", "2016-05-01"), ErrorKind::kConflict);
  EXPECT_EQ(err(&province_, "440000", "2016-05-01"), ErrorKind::kConflict);
  // Another unit may use the same date; unknown or foreign units are 404.
  EXPECT_TRUE(Generate(t_.db(), &province_, "gd-t", "440300", "2016-05-01", "", "", SystemClock::Get()));
  EXPECT_EQ(err(&province_, "999999", "2016-05-02"), ErrorKind::kNotFound);
  Principal other = Who(Role::kProvince, "450000", "guangxi");
  EXPECT_EQ(err(&other, "", "2016-05-02"), ErrorKind::kNotFound);
  Principal ministry = Who(Role::kMinistry, "", "ministry");
  EXPECT_EQ(err(&ministry, "450000", "2016-05-02"), ErrorKind::kInvalid);  // not of the round
  EXPECT_EQ(Generate(t_.db(), &province_, "nope", "", "2016-05-02", "", "", SystemClock::Get()).error().kind,
            ErrorKind::kNotFound);
}

TEST_F(CircularStoreTest, ScopeOfListAndGet) {
  auto province = Generate(t_.db(), &province_, "gd-t", "", "2016-05-01", "", "", SystemClock::Get());
  auto shenzhen = Generate(t_.db(), &province_, "gd-t", "440300", "2016-05-01", "", "", SystemClock::Get());
  Principal ministry = Who(Role::kMinistry, "", "ministry");
  auto national = Generate(t_.db(), &ministry, "gd-t", "", "2016-05-02", "", "", SystemClock::Get());
  ASSERT_TRUE(province && shenzhen && national);
  EXPECT_EQ(national->unit_code, "440000");  // the round's province
  EXPECT_EQ(national->created_by, "ministry");

  Principal guangzhou = Who(Role::kUnit, "440100", "guangzhou");
  auto list = List(t_.db(), &guangzhou, "gd-t");
  ASSERT_TRUE(list);
  std::vector<int64_t> ids;
  for (const auto& s : *list) ids.push_back(s.id);
  EXPECT_EQ(ids, (std::vector<int64_t>{national->id, province->id}));  // not 深圳's
  EXPECT_TRUE(Get(t_.db(), &guangzhou, province->id));
  EXPECT_EQ(Get(t_.db(), &guangzhou, shenzhen->id).error().kind, ErrorKind::kNotFound);
  Principal sz = Who(Role::kUnit, "440300", "shenzhen");
  EXPECT_TRUE(Get(t_.db(), &sz, shenzhen->id));
  EXPECT_EQ(List(t_.db(), &sz, "gd-t")->size(), 3u);
  EXPECT_EQ(List(t_.db(), &ministry, "gd-t")->size(), 3u);
  EXPECT_EQ(List(t_.db(), nullptr, "gd-t")->size(), 3u);

  Principal other = Who(Role::kProvince, "450000", "guangxi");
  // Another province's round is not there for it at all.
  EXPECT_EQ(List(t_.db(), &other, "gd-t").error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(Get(t_.db(), &other, province->id).error().kind, ErrorKind::kNotFound);
  Principal enterprise = Who(Role::kEnterprise, testing::MakeUscc("440100", 9), "e");
  EXPECT_EQ(List(t_.db(), &enterprise, "gd-t").error().kind, ErrorKind::kForbidden);
  EXPECT_EQ(Get(t_.db(), &enterprise, province->id).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(List(t_.db(), &province_, "nope").error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(Get(t_.db(), &province_, 999999).error().kind, ErrorKind::kNotFound);
}

TEST_F(CircularStoreTest, AFailingStoreWritesNothing) {
  AddAssessment("440100", 1, "approved");
  FixedClock clock = FixedClock::AtChinaDate("2016-05-20", 9);
  ASSERT_TRUE(Generate(t_.db(), &province_, "gd-t", "", "2016-04-30", "", "", clock));
  // The second compares with the first: more reads before the write.
  EXPECT_GE(testing::ExpectAllOrNothing(t_.db(), [&](store::Db& db) {
              return Generate(db, &province_, "gd-t", "", "2016-05-20", "", "", clock);
            }),
            5);
}

}  // namespace
}  // namespace rongping::campaign::circulars
