// 遴选 and the enterprise diagnosis as services, on the Guangdong 2016 demo:
// region and scope, the query's checks, and a failing store.
#include "campaign/selection.h"

#include <gtest/gtest.h>

#include "analytics/results_snapshot.h"
#include "campaign/enterprise_diagnosis.h"
#include "demo/demo_test_support.h"
#include "store/test_support.h"

namespace rongping::campaign {
namespace {

class SelectionTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(demo::testing::LoadGuangdong2016(t_.db())); }

  Result<Selection> Select(const Principal& who, SelectionQuery q) {
    q.round = "gd-2016";
    return SelectEnterprises(t_.db(), results_, who, q);
  }

  testing::TempDb t_;
  analytics::ResultsSnapshot results_;
  Principal province_ = testing::MakePrincipal(Role::kProvince, "440000", "guangdong");
};

TEST_F(SelectionTest, BestFirstWithinTheRegionAndTheQuery) {
  auto all = Select(province_, {});
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_GT(all->items.size(), 10u);
  EXPECT_EQ(all->matched, all->items.size());
  EXPECT_FALSE(all->truncated);
  for (size_t i = 1; i < all->items.size(); ++i)
    EXPECT_GE(all->items[i - 1].total, all->items[i].total);
  for (const auto& item : all->items) EXPECT_FALSE(item.name.empty());

  SelectionQuery high;
  high.min_total = 60;
  high.unit = "440100";
  auto guangzhou = Select(province_, high);
  ASSERT_TRUE(guangzhou);
  ASSERT_FALSE(guangzhou->items.empty());
  EXPECT_LT(guangzhou->items.size(), all->items.size());
  for (const auto& item : guangzhou->items) {
    EXPECT_GE(item.total, 60);
    EXPECT_EQ(item.unit_code.substr(0, 4), "4401");
    EXPECT_EQ(item.unit_name, "广州市");
  }
  // The level filter takes the model's level ids, and nothing else.
  SelectionQuery level;
  level.min_level = all->model->levels.back().id;
  auto top = Select(province_, level);
  ASSERT_TRUE(top);
  for (const auto& item : top->items)
    EXPECT_EQ(item.level, static_cast<int>(all->model->levels.size()) - 1);
}

// An enterprise that has moved out of the region since its assessment is
// left out of what the province sees; the selection is not "truncated" for it.
TEST_F(SelectionTest, AnEnterpriseMovedOutOfTheRegionIsLeftOut) {
  auto before = Select(province_, {});
  ASSERT_TRUE(before && !before->items.empty());
  const std::string moved = before->items.front().uscc;
  ASSERT_TRUE(InTx(t_.db(), store::TxMode::kWrite, [&](store::Tx& tx) {
    return tx.Exec("UPDATE enterprises SET unit_code = '450000' WHERE uscc = $1", {moved});
  }));
  auto after = Select(province_, {});
  ASSERT_TRUE(after);
  EXPECT_EQ(after->items.size(), before->items.size() - 1);
  EXPECT_FALSE(after->truncated);
  for (const auto& item : after->items) EXPECT_NE(item.uscc, moved);
}

TEST_F(SelectionTest, ScopeAndChecks) {
  auto city = Select(testing::MakePrincipal(Role::kUnit, "440100"), {});
  ASSERT_FALSE(city);
  EXPECT_EQ(city.error().kind, ErrorKind::kForbidden);
  SelectionQuery outside;
  outside.unit = "450100";
  auto other = Select(province_, outside);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().kind, ErrorKind::kNotFound);
  // Another province's admin finds nothing of Guangdong's.
  auto guangxi = Select(testing::MakePrincipal(Role::kProvince, "450000"), {});
  ASSERT_TRUE(guangxi);
  EXPECT_TRUE(guangxi->items.empty());
  auto field = [&](SelectionQuery q) {
    auto r = Select(province_, q);
    return r ? std::string() : r.error().field;
  };
  SelectionQuery q;
  q.min_total = 101;
  EXPECT_EQ(field(q), "min_total");
  q = {};
  q.industry_group = "不存在的行业组";
  EXPECT_EQ(field(q), "industry_group");
  q = {};
  q.min_level = "no-such-level";
  EXPECT_EQ(field(q), "min_level");
  q = {};
  q.key_indicator = "no-such-indicator";
  EXPECT_EQ(field(q), "key_indicator");
  SelectionQuery no_round;
  no_round.round = "no-such-round";
  auto missing = SelectEnterprises(t_.db(), results_, province_, no_round);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
}

TEST_F(SelectionTest, AFailingStoreIsReported) {
  EXPECT_GE(
      testing::ExpectAllOrNothing(t_.db(),
                                  [&](store::Db& db) {
                                    analytics::ResultsSnapshot fresh;
                                    SelectionQuery q;  // a few enterprises: one name read each
                                    q.round = "gd-2016";
                                    q.unit = "440100";
                                    q.min_total = 70;
                                    return SelectEnterprises(db, fresh, province_, q);
                                  }),
      3);
}

TEST_F(SelectionTest, TheDiagnosisOfAnEnterpriseInScopeOnly) {
  auto top = Select(province_, {});
  ASSERT_TRUE(top && !top->items.empty());
  const SelectedEnterprise& e = top->items.front();
  BenchmarkPackCache packs;
  auto diagnose = [&](store::Db& db, const Principal& who) {
    LifecycleService service(db, SystemClock::Get());
    analytics::ResultsSnapshot fresh;
    return DiagnoseEnterprise(db, service, fresh, packs, who, "gd-2016", e.uscc, 5);
  };
  auto d = diagnose(t_.db(), province_);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->key.unit, e.unit_code);
  EXPECT_EQ(d->key.province, "440000");
  EXPECT_EQ(d->labels.province, "广东省");
  EXPECT_EQ(d->labels.unit, e.unit_name);
  EXPECT_TRUE(d->diagnosis.has_peers);
  ASSERT_FALSE(d->history.empty());
  EXPECT_EQ(d->history.back().assessment.round_code, "gd-2016");
  EXPECT_EQ(d->history.back().round_name, "2016年广东省两化融合评估诊断和对标引导");
  EXPECT_FALSE(d->national_pack);
  EXPECT_FALSE(d->national_pack_unreadable);
  const std::string other_city = e.unit_code.substr(0, 4) == "4403" ? "440100" : "440300";
  auto outside = diagnose(t_.db(), testing::MakePrincipal(Role::kUnit, other_city));
  ASSERT_FALSE(outside);
  EXPECT_EQ(outside.error().kind, ErrorKind::kNotFound);
  // A failing store fails the diagnosis, except at the national pack, which
  // is only left out (the diagnosis is still given, saying so).
  int failures = 0;
  for (int fail_at = 1;; ++fail_at) {
    testing::FailingDb failing(t_.db(), fail_at);
    auto r = diagnose(failing, province_);
    if (!failing.failed()) {
      EXPECT_TRUE(r);
      break;
    }
    ++failures;
    if (r) {
      EXPECT_TRUE(r->national_pack_unreadable) << "statement " << fail_at;
    } else {
      EXPECT_EQ(r.error().kind, ErrorKind::kUnavailable)
          << "statement " << fail_at << ": " << r.error().message;
    }
  }
  EXPECT_GE(failures, 4);
}

}  // namespace
}  // namespace rongping::campaign
