#include "domain/unit_code.h"

#include <gtest/gtest.h>

#include <map>

namespace rongping::domain {
namespace {

TEST(UnitCodeType, OnlySixDigitsOfTheDivisionFormAreMadeFromText) {
  for (const char* good : {"440000", "440600", "440606", "441900", "110101", "429004"}) {
    auto code = UnitCode::Parse(good);
    ASSERT_TRUE(code) << good << ": " << code.error().message;
    EXPECT_EQ(code->str(), good);
  }
  for (const char* bad : {"", "44060", "4406060", "44O600", " 440600", "44060６"}) {
    auto code = UnitCode::Parse(bad);
    ASSERT_FALSE(code) << bad;
    EXPECT_EQ(code.error().code, "invalid_unit_code");
    EXPECT_EQ(code.error().message, "应为6位数字的行政区划代码") << bad;
  }
  EXPECT_NE(UnitCode::Parse("000100").error().message.find("前两位"), std::string::npos);
  EXPECT_NE(UnitCode::Parse("440012").error().message.find("中间两位"), std::string::npos);
}

TEST(UnitCodeType, KnowsItsLevelProvinceAndParentByItsForm) {
  const UnitCode province = UnitCode::Of("440000"), city = UnitCode::Of("440600"),
                 district = UnitCode::Of("440606");
  EXPECT_EQ(province.level(), UnitCode::Level::kProvince);
  EXPECT_EQ(city.level(), UnitCode::Level::kPrefecture);
  EXPECT_EQ(district.level(), UnitCode::Level::kCounty);
  EXPECT_EQ(district.province(), province);
  EXPECT_EQ(city.province(), province);
  EXPECT_EQ(district.parent(), city);  // 顺德区 -> 佛山市
  EXPECT_EQ(city.parent(), province);
  EXPECT_TRUE(province.parent().empty());
  EXPECT_EQ(UnitCode::Of("110101").parent(), UnitCode::Of("110100"));  // a municipality's district
}

TEST(UnitCodeType, ReadsAndComparesAsItsText) {
  const UnitCode a = UnitCode::Of("440100"), b = UnitCode::FromStored("440100");
  EXPECT_EQ(a, b);
  EXPECT_TRUE(a == std::string_view("440100"));
  EXPECT_LT(a, UnitCode::Of("440300"));
  const std::string& text = a;
  EXPECT_EQ(text, "440100");
  EXPECT_EQ(fmt::format("[{}]", a), "[440100]");
  std::map<std::string, int, std::less<>> by_code{{"440100", 1}};
  EXPECT_EQ(by_code.find(std::string_view(a))->second, 1);
  std::map<UnitCode, int, std::less<>> by_unit{{a, 2}};
  EXPECT_EQ(by_unit.find(std::string_view("440100"))->second, 2);
  EXPECT_TRUE(UnitCode().empty());
}

TEST(UnitCodeTypeDeathTest, AConstantThatIsNoCodeIsATypo) {
  EXPECT_DEATH(UnitCode::Of("4401"), "not a unit code: 4401");
}

}  // namespace
}  // namespace rongping::domain
