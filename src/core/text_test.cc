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
