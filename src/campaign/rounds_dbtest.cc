#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "campaign/rounds.h"
#include "core/clock.h"
#include "store/audit.h"
#include "store/test_support.h"

namespace rongping::campaign {
namespace {

domain::Round Round(std::string code, std::string province) {
  domain::Round r;
  r.code = std::move(code);
  r.name = "2016年评估";
  r.year = 2016;
  r.province_code = std::move(province);
  r.models = {"gbt23020-2013"};
  r.opens_on = domain::Date::Of("2016-03-01");
  r.closes_on = domain::Date::Of("2016-06-30");
  r.deadline = domain::Date::Of("2016-06-30");
  return r;
}

class RoundsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(PutRound(t_.db(), ministry_, Round("gx-2016", "450000"), "r0"));
    ASSERT_TRUE(PutRound(t_.db(), guangdong_, Round("gd-2016", "440000"), "r1"));
  }

  std::optional<domain::Round> Find(const std::string& code) {
    auto r = store::InTx(t_.db(), store::TxMode::kRead, [&](store::Tx& tx) { return store::FindRound(tx, code); });
    EXPECT_TRUE(r);
    return r ? *r : std::nullopt;
  }

  std::vector<domain::AuditEntry> Audit(const std::string& type, const std::string& id) {
    domain::AuditQuery q;
    q.object_type = type;
    q.object_id = id;
    auto r = store::InTx(t_.db(), store::TxMode::kRead, [&](store::Tx& tx) { return store::ListAudit(tx, ministry_, q); });
    EXPECT_TRUE(r);
    return r ? *r : std::vector<domain::AuditEntry>{};
  }

  // An enterprise of 广州 with a draft in `round`.
  void AddDraft(const std::string& round) {
    auto r = store::InTx(t_.db(), store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
      const std::string uscc = testing::MakeUscc("440100", 1);
      auto e = tx.Exec(
          "INSERT INTO enterprises (uscc, name, unit_code, industry_code, production_type, "
          "employees, revenue_10k_yuan, size_class, above_scale, version, created_at, updated_at) "
          "VALUES ($1, '广州企业', '440100', '38', 'discrete_mass', 100, 5000, 'medium', 1, 1, 'x', 'x')",
          {uscc});
      if (!e) return Fail(e.error());
      auto a = tx.Exec(
          "INSERT INTO assessments (round_code, uscc, model_id, unit_code, production_type, status, "
          "answers_json, version, created_at, updated_at) VALUES ($1, $2, 'gbt23020-2013', '440100', "
          "'discrete_mass', 'draft', '{}', 1, 'x', 'x')",
          {round, uscc});
      if (!a) return Fail(a.error());
      return true;
    });
    ASSERT_TRUE(r) << r.error().message;
  }

  testing::TempDb t_;
  Principal ministry_ = testing::MakePrincipal(Role::kMinistry, "", "ministry");
  Principal guangdong_ = testing::MakePrincipal(Role::kProvince, "440000", "guangdong");
  Principal guangzhou_ = testing::MakePrincipal(Role::kUnit, "440100", "guangzhou");
};

TEST_F(RoundsTest, OnlyProvinceAndMinistryAdminsSetRounds) {
  EXPECT_TRUE(MaySetRounds(guangdong_));
  EXPECT_TRUE(MaySetRounds(ministry_));
  for (Role role : {Role::kUnit, Role::kAssociation, Role::kAgency, Role::kEnterprise}) {
    Principal p = testing::MakePrincipal(role, "440100", "x");
    EXPECT_FALSE(MaySetRounds(p));
    auto r = PutRound(t_.db(), p, Round("gd-2016", "440000"), "");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::kForbidden);
  }
}

TEST_F(RoundsTest, AProvinceCannotTakeOverAnotherProvincesRound) {
  // The attack: 广东 rewrites 广西's round with its own province code.
  auto r = PutRound(t_.db(), guangdong_, Round("gx-2016", "440000"), "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(Find("gx-2016")->province_code, "450000");
  // Nor create one for another province.
  auto other = PutRound(t_.db(), guangdong_, Round("zj-2016", "330000"), "");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().field, "province_code");
  EXPECT_FALSE(Find("zj-2016"));
  // A city is not a province.
  auto city = PutRound(t_.db(), guangdong_, Round("gz-2016", "440100"), "");
  ASSERT_FALSE(city);
  EXPECT_EQ(city.error().field, "province_code");
}

TEST_F(RoundsTest, TheProvinceOfARoundInUseIsFixed) {
  ASSERT_TRUE(PutRound(t_.db(), ministry_, Round("gd-2016", "450000"), ""));  // unused: may move
  ASSERT_TRUE(PutRound(t_.db(), ministry_, Round("gd-2016", "440000"), ""));
  AddDraft("gd-2016");
  auto moved = PutRound(t_.db(), ministry_, Round("gd-2016", "450000"), "");
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code, "round_in_use");
  EXPECT_EQ(Find("gd-2016")->province_code, "440000");
  domain::Round renamed = Round("gd-2016", "440000");
  renamed.name = "2016年广东评估";
  ASSERT_TRUE(PutRound(t_.db(), guangdong_, renamed, ""));
  EXPECT_EQ(Find("gd-2016")->name, "2016年广东评估");
}

TEST_F(RoundsTest, ChangesAreAuditedWithBeforeAndAfter) {
  domain::Round later = Round("gd-2016", "440000");
  later.closes_on = domain::Date::Of("2016-07-15");
  ASSERT_TRUE(PutRound(t_.db(), guangdong_, later, "req-1"));
  auto entries = Audit("round", "gd-2016");
  ASSERT_EQ(entries.size(), 2u);  // newest first
  ASSERT_TRUE(entries[0].before_json);
  EXPECT_EQ(nlohmann::json::parse(*entries[0].before_json)["closes_on"], "2016-06-30");
  EXPECT_EQ(nlohmann::json::parse(*entries[0].after_json)["closes_on"], "2016-07-15");
  EXPECT_EQ(entries[0].request_id, "req-1");
  EXPECT_FALSE(entries[1].before_json);
}

// A change's audit entry carries the store's clock's time.
TEST_F(RoundsTest, AuditedAtTheClocksTime) {
  FixedClock clock = FixedClock::AtChinaDate("2031-03-01", 9);
  t_.db().SetClock(clock);
  domain::Round later = Round("gd-2016", "440000");
  later.closes_on = domain::Date::Of("2016-07-15");
  ASSERT_TRUE(PutRound(t_.db(), guangdong_, later, "req-2"));
  EXPECT_EQ(Audit("round", "gd-2016")[0].at, "2031-03-01T01:00:00.000Z");
  t_.db().SetClock(SystemClock::Get());  // the clock ends with this test
}

TEST_F(RoundsTest, InvalidRoundsAreRefusedByField) {
  auto bad = [&](auto change, const char* field) {
    domain::Round r = Round("gd-2017", "440000");
    change(r);
    auto put = PutRound(t_.db(), guangdong_, r, "");
    ASSERT_FALSE(put) << field;
    EXPECT_EQ(put.error().kind, ErrorKind::kInvalid) << field;
    EXPECT_EQ(put.error().field, field);
  };
  bad([](auto& r) { r.code = "GD 2017"; }, "code");
  bad([](auto& r) { r.name = "\u3000\u200B"; }, "name");
  bad([](auto& r) { r.name = "评估\u202E6102"; }, "name");
  bad([](auto& r) { r.closes_on = domain::Date::Of("2016-01-01"); }, "closes_on");
  bad([](auto& r) { r.deadline = domain::Date::Of("2016-02-29"); }, "deadline");
  bad([](auto& r) { r.year = 1999; }, "year");
  bad([](auto& r) { r.models = {}; }, "models");
  bad([](auto& r) { r.models = {"nope"}; }, "models");
  EXPECT_FALSE(Find("gd-2017"));
}

// Dates come as text in a request; the field is named when one is not a date.
TEST(RoundDates, OnlyCalendarDatesAreAccepted) {
  EXPECT_EQ(ParseRoundDate("opens_on", "2016-04-20")->ToString(), "2016-04-20");
  for (auto [field, text] : {std::pair{"opens_on", "2016-02-30"},
                             {"contacts_due", "May 10"},
                             {"deadline", "2016-6-30"},
                             {"closes_on", ""}}) {
    auto date = ParseRoundDate(field, text);
    ASSERT_FALSE(date) << text;
    EXPECT_EQ(date.error().kind, ErrorKind::kInvalid);
    EXPECT_EQ(date.error().field, field);
    EXPECT_NE(date.error().message.find("应为日期"), std::string::npos);
  }
}

TEST_F(RoundsTest, TargetsOnlyForUnitsOfTheRoundsProvinceInScope) {
  auto rule = ParseTargetRule("min_completed:300");
  ASSERT_TRUE(rule);
  EXPECT_TRUE(PutTarget(t_.db(), guangdong_, "gd-2016", "440100", *rule, ""));
  // 广东 on 广西's round, on a unit of 广西, on a 广西 unit of its own round.
  for (auto [round, unit] : {std::pair{"gx-2016", "450000"}, {"gx-2016", "440100"}, {"gd-2016", "450000"},
                             {"nope", "440100"}, {"gd-2016", "999999"}}) {
    auto r = PutTarget(t_.db(), guangdong_, round, unit, *rule, "");
    ASSERT_FALSE(r) << round << " " << unit;
    EXPECT_EQ(r.error().kind, ErrorKind::kNotFound) << round << " " << unit;
  }
  // The ministry may set any unit of the round's province, never another's.
  EXPECT_TRUE(PutTarget(t_.db(), ministry_, "gx-2016", "450000", *rule, ""));
  EXPECT_FALSE(PutTarget(t_.db(), ministry_, "gx-2016", "440100", *rule, ""));
  auto forbidden = PutTarget(t_.db(), guangzhou_, "gd-2016", "440100", *rule, "");
  ASSERT_FALSE(forbidden);
  EXPECT_EQ(forbidden.error().kind, ErrorKind::kForbidden);
  auto targets = store::InTx(t_.db(), store::TxMode::kRead, [](store::Tx& tx) { return store::ListTargets(tx, "gx-2016"); });
  ASSERT_TRUE(targets);
  ASSERT_EQ(targets->size(), 1u);
  EXPECT_EQ((*targets)[0].first, "450000");
}

TEST_F(RoundsTest, TargetChangesAreAuditedWithBeforeAndAfter) {
  ASSERT_TRUE(PutTarget(t_.db(), guangdong_, "gd-2016", "440300", *ParseTargetRule("min_completed:300"), ""));
  ASSERT_TRUE(PutTarget(t_.db(), guangdong_, "gd-2016", "440300", *ParseTargetRule("min_completed:400"), ""));
  auto entries = Audit("target", "gd-2016/440300");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(*entries[0].before_json, R"({"rule":"min_completed:300"})");
  EXPECT_EQ(*entries[0].after_json, R"({"rule":"min_completed:400"})");
  EXPECT_FALSE(entries[1].before_json);
}

TEST_F(RoundsTest, AFailingStoreWritesNothing) {
  EXPECT_GE(testing::ExpectAllOrNothing(t_.db(), [&](store::Db& db) {
              return PutRound(db, guangdong_, Round("gd-2017", "440000"), "");
            }),
            4);
  EXPECT_GE(testing::ExpectAllOrNothing(t_.db(), [&](store::Db& db) {
              return PutTarget(db, guangdong_, "gd-2016", "440100", *ParseTargetRule("min_completed:100"), "");
            }),
            4);
  EXPECT_GE(testing::ExpectAllOrNothing(t_.db(), [&](store::Db& db) { return GetRound(db, "gd-2016"); }), 2);
  EXPECT_GE(testing::ExpectAllOrNothing(t_.db(), [&](store::Db& db) { return ListRounds(db); }), 2);
  auto missing = GetRound(t_.db(), "no-such-round");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
}

}  // namespace
}  // namespace rongping::campaign
