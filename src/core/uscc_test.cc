#include "core/uscc.h"

#include <gtest/gtest.h>

namespace rongping {
namespace {

// Builds a valid code from 17 characters by computing the check character
// by hand with the GB 32100 weights, independently of UsccCheckCharacter.
std::string WithCheck(const std::string& first17) {
  const std::string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  const int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += static_cast<int>(alphabet.find(first17[i])) * weights[i];
  int c = (31 - sum % 31) % 31;
  return first17 + alphabet[c];
}

TEST(Uscc, AcceptsCodesWithCorrectCheckCharacter) {
  for (std::string first17 : {"91440300MA5DCX1B2", "91440101190440170", "12100000400000780",
                              "91440606MA4W8JXK8", "31110000717805128", "Y1440300000000000"}) {
    std::string code = WithCheck(first17);
    auto r = ValidateUscc(code);
    ASSERT_TRUE(r) << code << ": " << r.error().message;
    EXPECT_EQ(*r, code);
    EXPECT_EQ(UsccCheckCharacter(first17), code[17]);
  }
}

TEST(Uscc, CheckValueOf31BecomesZero) {
  // Search a code whose weighted sum is a multiple of 31: check char '0'.
  for (int n = 0; n < 1000; ++n) {
    std::string first17 = "9144030000000" + std::to_string(1000 + n);
    if (WithCheck(first17).back() == '0') {
      EXPECT_EQ(UsccCheckCharacter(first17), '0');
      EXPECT_TRUE(ValidateUscc(first17 + "0"));
      return;
    }
  }
  FAIL() << "no code with check character 0 found";
}

TEST(Uscc, NormalisesWhatUsersType) {
  std::string code = WithCheck("91440300MA5DCX1B2");
  std::string lower = code;
  for (auto& c : lower) c = static_cast<char>(std::tolower(c));
  EXPECT_EQ(*ValidateUscc(lower), code);
  EXPECT_EQ(*ValidateUscc("  " + code.substr(0, 6) + " " + code.substr(6) + "\t"), code);
  // Full-width: ９１４４… and an ideographic space.
  std::string full;
  for (char c : code) {
    char32_t cp = static_cast<unsigned char>(c) + 0xFEE0;
    full += static_cast<char>(0xE0 | (cp >> 12));
    full += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    full += static_cast<char>(0x80 | (cp & 0x3F));
  }
  EXPECT_EQ(*ValidateUscc(full + "\xE3\x80\x80"), code);
}

TEST(Uscc, WrongCheckCharacterNamesExpectedAndActual) {
  std::string code = WithCheck("91440300MA5DCX1B2");
  std::string bad = code;
  bad[17] = code[17] == '1' ? '2' : '1';
  auto r = ValidateUscc(bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "invalid_uscc");
  EXPECT_EQ(r.error().field, "uscc");
  EXPECT_NE(r.error().message.find("第18位校验码应为 " + std::string(1, code[17])),
            std::string::npos)
      << r.error().message;
}

TEST(Uscc, RejectsWrongLength) {
  auto r = ValidateUscc("9144030");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("应为18位，实际为7位"), std::string::npos);
  EXPECT_FALSE(ValidateUscc(WithCheck("91440300MA5DCX1B2") + "1"));
  EXPECT_FALSE(ValidateUscc(""));
}

TEST(Uscc, RejectsLettersOutsideTheAlphabetByPosition) {
  for (char bad : {'I', 'O', 'Z', 'S', 'V'}) {
    std::string code = "91440300MA5DCX1B2X";
    code[9] = bad;
    auto r = ValidateUscc(code);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("第10位"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("不使用字母"), std::string::npos) << r.error().message;
  }
}

TEST(Uscc, RejectsPunctuationChineseAndNul) {
  auto punct = ValidateUscc("91440300MA5DCX1B-2");
  ASSERT_FALSE(punct);
  EXPECT_NE(punct.error().message.find("第17位"), std::string::npos) << punct.error().message;
  auto han = ValidateUscc("9144030中MA5DCX1B22");
  ASSERT_FALSE(han);
  EXPECT_NE(han.error().message.find("第8位"), std::string::npos) << han.error().message;
  std::string nul = "91440300MA5DCX1B22";
  nul[4] = '\0';
  EXPECT_FALSE(ValidateUscc(nul));
  EXPECT_FALSE(ValidateUscc("91440300MA5DCX1B2\xFF"));
}

TEST(Uscc, DivisionCodeMustBeDigits) {
  auto r = ValidateUscc(WithCheck("914A0300MA5DCX1B2"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("第4位"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("行政区划码"), std::string::npos);
}

}  // namespace
}  // namespace rongping
