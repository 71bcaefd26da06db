#include "domain/enterprise.h"

#include <gtest/gtest.h>

#include "store/test_support.h"

namespace rongping {
namespace {

EnterpriseReference Ref() {
  return {[](std::string_view c) { return c == "440100" || c == "440606"; },
          [](std::string_view c) { return c == "39" || c == "26"; }};
}

EnterpriseFields Good() {
  return {{"uscc", testing::MakeUscc("440100", 1)},
          {"name", "广州市华锐电子科技有限公司"},
          {"unit_code", "440100"},
          {"industry_code", "39"},
          {"production_type", "discrete_mass"},
          {"employees", "350"},
          {"revenue_10k_yuan", "25,000.5"}};
}

TEST(Enterprise, ValidRecordGetsSizeClassAndAboveScale) {
  Enterprise e;
  auto errors = ApplyEnterpriseFields(Good(), Enterprise{}, true, Ref(), &e);
  ASSERT_TRUE(errors.empty()) << errors[0].message;
  EXPECT_EQ(e.size_class, SizeClass::kMedium);
  EXPECT_TRUE(e.above_scale);
  EXPECT_DOUBLE_EQ(e.revenue_10k_yuan, 25000.5);
}

TEST(Enterprise, AcceptsChineseLabelsAndSectionPrefixedIndustry) {
  auto f = Good();
  f["production_type"] = "流程型";
  f["industry_code"] = "C26";
  f["ownership"] = "民营";
  Enterprise e;
  ASSERT_TRUE(ApplyEnterpriseFields(f, Enterprise{}, true, Ref(), &e).empty());
  EXPECT_EQ(e.production_type, "process");
  EXPECT_EQ(e.industry_code, "26");
  EXPECT_EQ(e.ownership, "private");
}

TEST(Enterprise, ReportsEveryBadFieldOnce) {
  auto f = Good();
  f["employees"] = "-3";
  f["revenue_10k_yuan"] = "NaN";
  f["unit_code"] = "440000";  // the province is not a leaf reporting unit
  f["contact_email"] = "not-an-email";
  f["colour"] = "red";
  Enterprise e;
  auto errors = ApplyEnterpriseFields(f, Enterprise{}, true, Ref(), &e);
  std::set<std::string> fields;
  for (const auto& err : errors) fields.insert(err.field);
  EXPECT_EQ(fields, (std::set<std::string>{"employees", "revenue_10k_yuan", "unit_code",
                                           "contact_email", "colour"}));
}

TEST(Enterprise, MissingRequiredFieldsAreNamed) {
  Enterprise e;
  auto errors = ApplyEnterpriseFields({{"name", "某公司"}}, Enterprise{}, true, Ref(), &e);
  ASSERT_EQ(errors.size(), 6u);
  EXPECT_EQ(errors[0].field, "uscc");
}

TEST(Enterprise, NamesAreCheckedForLengthControlsAndEncoding) {
  Enterprise e;
  auto f = Good();
  f["name"] = std::string(10000, 'A');
  auto errors = ApplyEnterpriseFields(f, Enterprise{}, true, Ref(), &e);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("最多100个字符"), std::string::npos);
  f["name"] = std::string("公司\0名", 10);
  EXPECT_EQ(ApplyEnterpriseFields(f, Enterprise{}, true, Ref(), &e).size(), 1u);
  f["name"] = "公司\xFF";
  EXPECT_EQ(ApplyEnterpriseFields(f, Enterprise{}, true, Ref(), &e).size(), 1u);
  f["name"] = "'; DROP TABLE enterprises; --";
  EXPECT_TRUE(ApplyEnterpriseFields(f, Enterprise{}, true, Ref(), &e).empty());
}

TEST(Enterprise, PartialUpdateKeepsOtherFields) {
  Enterprise base;
  ASSERT_TRUE(ApplyEnterpriseFields(Good(), Enterprise{}, true, Ref(), &base).empty());
  Enterprise after;
  ASSERT_TRUE(
      ApplyEnterpriseFields({{"employees", "1200"}, {"revenue_10k_yuan", "50000"}}, base, false,
                            Ref(), &after)
          .empty());
  EXPECT_EQ(after.name, base.name);
  EXPECT_EQ(after.size_class, SizeClass::kLarge);
}

}  // namespace
}  // namespace rongping
