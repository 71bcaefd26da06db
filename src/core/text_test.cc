#include "core/text.h"

#include <gtest/gtest.h>

namespace rongping {
namespace {

TEST(Text, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("广东省 abc"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xE5\xB9"));          // truncated
  EXPECT_EQ(CountCodePoints("广东a"), 3u);
}

TEST(Text, ControlCharacters) {
  EXPECT_TRUE(HasControlCharacter(std::string("a\0b", 3)));
  EXPECT_TRUE(HasControlCharacter("a\nb"));
  EXPECT_FALSE(HasControlCharacter("企业 A"));
}

TEST(Text, TrimIncludesIdeographicSpace) {
  EXPECT_EQ(Trim("\xE3\x80\x80 广州 \t"), "广州");
  EXPECT_EQ(Trim("   "), "");
}

TEST(Text, NumbersAsUsersWriteThem) {
  EXPECT_EQ(ParseDecimal("1,234.5"), 1234.5);
  EXPECT_EQ(ParseDecimal(" ３００ "), 300.0);
  EXPECT_EQ(ParseDecimal("-2"), -2.0);
  EXPECT_FALSE(ParseDecimal("nan"));
  EXPECT_FALSE(ParseDecimal("inf"));
  EXPECT_FALSE(ParseDecimal("1e5"));
  EXPECT_FALSE(ParseDecimal("12万"));
  EXPECT_FALSE(ParseDecimal(""));
  EXPECT_EQ(ParseInteger("120"), 120);
  EXPECT_EQ(ParseInteger("120.0"), 120);
  EXPECT_FALSE(ParseInteger("120.5"));
  EXPECT_FALSE(ParseInteger("99999999999999999999"));
}

}  // namespace
}  // namespace rongping

namespace rongping {
namespace {

TEST(Text, DisguisingCharactersCountAsControls) {
  EXPECT_TRUE(HasControlCharacter("企业\u202E名称"));   // right-to-left override
  EXPECT_TRUE(HasControlCharacter("a\u2066b\u2069"));   // isolates
  EXPECT_TRUE(HasControlCharacter("a\u200Bb"));         // zero-width space
  EXPECT_TRUE(HasControlCharacter("\uFEFF广州"));
  EXPECT_TRUE(HasControlCharacter("a\u0085b"));         // C1 next line
  EXPECT_FALSE(HasControlCharacter("广州市 电子（集团）有限公司 A-1"));
  EXPECT_FALSE(HasControlCharacter("\xFF\xFE"));         // not UTF-8: not a control
}

TEST(Text, VisibleCharacters) {
  EXPECT_TRUE(HasVisibleCharacter("广州"));
  EXPECT_TRUE(HasVisibleCharacter(" a "));
  EXPECT_FALSE(HasVisibleCharacter(""));
  EXPECT_FALSE(HasVisibleCharacter("\u3000\u00A0\u2003"));
  EXPECT_FALSE(HasVisibleCharacter("\u200B\u200D\u3164"));
  EXPECT_FALSE(HasVisibleCharacter("\u115F\u1160"));
}

}  // namespace
}  // namespace rongping
