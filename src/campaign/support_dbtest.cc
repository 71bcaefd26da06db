#include <gtest/gtest.h>

#include "campaign/support.h"
#include "store/audit.h"
#include "store/enterprises.h"
#include "store/test_support.h"

namespace rongping::campaign {
namespace {

using testing::MakePrincipal;
using testing::MakeUscc;

class SupportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ok = InTx(t_.db(), store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
      for (const auto& [unit, n] : {std::pair{"440100", 1}, {"440100", 2}, {"440300", 3}}) {
        Enterprise e;
        e.uscc = *domain::Uscc::Parse(MakeUscc(unit, n));
        e.name = std::string("测试企业") + std::to_string(n);
        e.unit_code = domain::UnitCode::Of(unit);
        e.industry_code = "39";
        e.production_type = "discrete_mass";
        e.employees = 100;
        e.revenue_10k_yuan = 3000;
        e.size_class = ClassifySize(e.employees, e.revenue_10k_yuan);
        if (auto r = store::InsertEnterprise(tx, e); !r) return Fail(r.error());
      }
      return true;
    });
    ASSERT_TRUE(ok) << ok.error().message;
  }

  domain::SupportMeasure Create(const Principal& who, const std::string& unit = "") {
    MeasureInput in{"专项资金", "fund", 2016, 100.0, unit, "", 0};
    auto m = CreateMeasure(t_.db(), who, in, "req");
    EXPECT_TRUE(m) << m.error().message;
    return m ? *m : domain::SupportMeasure{};
  }

  testing::TempDb t_;
  Principal province_ = MakePrincipal(Role::kProvince, "440000", "guangdong");
  Principal guangzhou_ = MakePrincipal(Role::kUnit, "440100", "guangzhou");
  Principal shenzhen_ = MakePrincipal(Role::kUnit, "440300", "shenzhen");
};

TEST_F(SupportTest, AMeasureIsItsUnitsAndSeenOnlyByThatRegionsAdmins) {
  auto gz = Create(guangzhou_);
  EXPECT_EQ(gz.unit_code, "440100");
  auto sz = Create(province_, "440300");
  EXPECT_EQ(ListMeasures(t_.db(), guangzhou_, 0, nullptr)->size(), 1u);
  EXPECT_EQ(ListMeasures(t_.db(), province_, 0, nullptr)->size(), 2u);
  EXPECT_EQ(ListMeasures(t_.db(), province_, 2015, nullptr)->size(), 0u);
  EXPECT_EQ(GetMeasure(t_.db(), guangzhou_, sz.id).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(DeleteMeasure(t_.db(), guangzhou_, sz.id, "").error().kind, ErrorKind::kNotFound);
  MeasureInput edit{"改名", "pilot", 2016, std::nullopt, "", "", sz.version};
  EXPECT_EQ(UpdateMeasure(t_.db(), guangzhou_, sz.id, edit, "").error().kind, ErrorKind::kNotFound);
  // A city cannot make a measure of another city, nor an enterprise-facing role any.
  MeasureInput elsewhere{"专项资金", "fund", 2016, std::nullopt, "440300", "", 0};
  EXPECT_EQ(CreateMeasure(t_.db(), guangzhou_, elsewhere, "").error().field, "unit_code");
  auto agency = MakePrincipal(Role::kAgency, "");
  EXPECT_EQ(ListMeasures(t_.db(), agency, 0, nullptr).error().kind, ErrorKind::kForbidden);
}

TEST_F(SupportTest, RecipientsComeFromTheMeasuresUnitAndAllOrNone) {
  auto m = Create(province_, "440100");
  std::vector<RecipientInput> items = {{MakeUscc("440100", 1), 20.0, "", 0},
                                       {MakeUscc("440300", 3), std::nullopt, "", 1},
                                       {MakeUscc("440100", 2), -1.0, "", 2}};
  std::vector<RecipientProblem> problems;
  auto added = AddRecipients(t_.db(), province_, m.id, items, "", &problems);
  ASSERT_FALSE(added);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].row, 1);
  EXPECT_EQ(problems[0].field, "uscc");
  EXPECT_EQ(problems[1].field, "amount_10k_yuan");
  EXPECT_TRUE(GetMeasure(t_.db(), province_, m.id)->recipients.empty());
  items.resize(1);
  added = AddRecipients(t_.db(), province_, m.id, items, "", &problems);
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_EQ(added->added, 1);
  auto seen = GetMeasure(t_.db(), guangzhou_, m.id);
  ASSERT_TRUE(seen);
  ASSERT_EQ(seen->recipients.size(), 1u);
  EXPECT_EQ(seen->recipients[0].name, "测试企业1");
  EXPECT_EQ(*seen->recipients[0].recipient.amount_10k_yuan, 20.0);
  EXPECT_EQ(RemoveRecipient(t_.db(), shenzhen_, m.id, MakeUscc("440100", 1), "").error().kind,
            ErrorKind::kNotFound);
  auto trail = InTx(t_.db(), store::TxMode::kRead, [&](store::Tx& tx) {
    return store::ListAudit(tx, MakePrincipal(Role::kMinistry, ""),
                            testing::AuditOf("support_measure", std::to_string(m.id)));
  });
  ASSERT_TRUE(trail);
  EXPECT_EQ(trail->size(), 2u);  // created, recipients added; the refused attempt left nothing
}

TEST_F(SupportTest, AFailingStoreWritesNothing) {
  auto m = Create(province_);
  EXPECT_GE(testing::ExpectAllOrNothing(t_.db(),
                                        [&](store::Db& db) {
                                          return AddRecipients(
                                              db, province_, m.id,
                                              {{MakeUscc("440100", 1), 5.0, "", 0},
                                               {MakeUscc("440300", 3), 5.0, "", 1}},
                                              "", nullptr);
                                        }),
            6);
  EXPECT_GE(testing::ExpectAllOrNothing(t_.db(),
                                        [&](store::Db& db) {
                                          MeasureInput in{"措施",   "voucher", 2017, 3.5,
                                                          "440300", "备注",    0};
                                          return CreateMeasure(db, province_, in, "");
                                        }),
            3);
  EXPECT_GE(testing::ExpectAllOrNothing(
                t_.db(), [&](store::Db& db) { return DeleteMeasure(db, province_, m.id, ""); }),
            4);
}

TEST_F(SupportTest, ACaseIsMarkedForAnEnterpriseOfTheRegionOnly) {
  domain::TypicalCase c{2016, MakeUscc("440300", 3), "", "标题", "经验", std::nullopt, "", ""};
  EXPECT_EQ(MarkCase(t_.db(), guangzhou_, c, "").error().kind, ErrorKind::kNotFound);
  auto marked = MarkCase(t_.db(), shenzhen_, c, "");
  ASSERT_TRUE(marked) << marked.error().message;
  EXPECT_EQ(marked->c.unit_code, "440300");
  EXPECT_TRUE(ListCases(t_.db(), guangzhou_, 2016)->empty());
  EXPECT_EQ(ListCases(t_.db(), province_, 0)->size(), 1u);
  c.title = std::string(61 * 3, 'x');
  EXPECT_EQ(MarkCase(t_.db(), shenzhen_, c, "").error().field, "title");
}

}  // namespace
}  // namespace rongping::campaign
