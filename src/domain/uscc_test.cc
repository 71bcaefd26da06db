#include "domain/uscc.h"

#include <gtest/gtest.h>

#include <map>

#include "core/uscc.h"

namespace rongping::domain {
namespace {

const std::string kCode =
    std::string("91440101MA59") + "ABCD1" + UsccCheckCharacter("91440101MA59ABCD1");

TEST(UsccType, OnlyAValidatedCodeIsMadeFromText) {
  auto code = Uscc::Parse(" 91440101ma59abcd1" + std::string(1, kCode[17]) + " ");
  ASSERT_TRUE(code) << code.error().message;
  EXPECT_EQ(code->str(), kCode);  // normalised
  std::string wrong = kCode;
  wrong[17] = wrong[17] == '0' ? '1' : '0';
  auto refused = Uscc::Parse(wrong);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "invalid_uscc");
  EXPECT_NE(refused.error().message.find("第18位"), std::string::npos) << refused.error().message;
  EXPECT_FALSE(Uscc::Parse(""));
}

TEST(UsccType, ReadsAndComparesAsItsText) {
  Uscc a = *Uscc::Parse(kCode), b = Uscc::FromStored(kCode);
  EXPECT_EQ(a, b);
  EXPECT_TRUE(a == std::string_view(kCode));
  const std::string& text = a;
  EXPECT_EQ(text, kCode);
  EXPECT_EQ(fmt::format("{}/{}", "gd-2016", a), "gd-2016/" + kCode);
  std::map<std::string, int> by_code{{kCode, 1}};
  EXPECT_EQ(by_code[a], 1);
  EXPECT_TRUE(Uscc().empty());
  EXPECT_LT(Uscc(), a);
}

}  // namespace
}  // namespace rongping::domain
