#include "core/uscc.h"

#include <array>
#include <fmt/format.h>

namespace rongping {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                          29, 25, 13, 8,  24, 10, 30, 28};

int CharValue(char c) {
  auto pos = kAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// Decodes one UTF-8 code point starting at s[i]; advances i. Returns -1 on a
// malformed sequence (and advances by one byte).
int32_t DecodeUtf8(std::string_view s, size_t& i) {
  auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return s[i++];
  int len = (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return -1;
  }
  int32_t cp = b0 & (0xFF >> (len + 1));
  for (int k = 1; k < len; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return -1;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += len;
  return cp;
}

}  // namespace

std::string NormalizeUscc(std::string_view input) {
  std::string out;
  out.reserve(input.size());
  for (size_t i = 0; i < input.size();) {
    size_t start = i;
    int32_t cp = DecodeUtf8(input, i);
    if (cp == ' ' || cp == '\t' || cp == 0x3000 || cp == '\r' || cp == '\n') continue;
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width ASCII block
    if (cp >= 'a' && cp <= 'z') cp -= 'a' - 'A';
    if (cp >= 0 && cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else {
      out.append(input.substr(start, i - start));
    }
  }
  return out;
}

char UsccCheckCharacter(std::string_view first17) {
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    int v = CharValue(first17[i]);
    if (v < 0) return '\0';
    sum += v * kWeights[i];
  }
  int check = 31 - sum % 31;
  if (check == 31) check = 0;
  return kAlphabet[check];
}

Result<std::string> ValidateUscc(std::string_view input) {
  std::string code = NormalizeUscc(input);
  auto fail = [](std::string message) {
    return Fail(Error::Invalid("invalid_uscc", std::move(message), "uscc"));
  };
  if (code.empty()) return fail("统一社会信用代码不能为空");
  // Count code points so that a non-ASCII character counts as one position.
  size_t points = 0;
  for (size_t i = 0; i < code.size();) {
    DecodeUtf8(code, i);
    ++points;
  }
  if (points != 18) {
    return fail(fmt::format("统一社会信用代码应为18位，实际为{}位", points));
  }
  size_t pos = 0;
  for (size_t i = 0; i < code.size(); ++pos) {
    size_t start = i;
    int32_t cp = DecodeUtf8(code, i);
    std::string_view ch = std::string_view(code).substr(start, i - start);
    if (cp < 0) return fail(fmt::format("第{}位含有无效的字符编码", pos + 1));
    if (cp >= 0x80) {
      return fail(fmt::format("第{}位字符“{}”无效：只允许数字和大写字母", pos + 1, ch));
    }
    char c = static_cast<char>(cp);
    if (CharValue(c) < 0) {
      if (c == 'I' || c == 'O' || c == 'Z' || c == 'S' || c == 'V') {
        return fail(fmt::format("第{}位字符“{}”无效：统一社会信用代码不使用字母 I、O、Z、S、V", pos + 1,
                                c));
      }
      return fail(fmt::format("第{}位字符“{}”无效：只允许数字和大写字母", pos + 1,
                              c == '\0' ? std::string("\\0") : std::string(1, c)));
    }
    if (pos >= 2 && pos <= 7 && (c < '0' || c > '9')) {
      return fail(fmt::format("第{}位字符“{}”无效：第3-8位是行政区划码，应为数字", pos + 1, c));
    }
  }
  char expected = UsccCheckCharacter(std::string_view(code).substr(0, 17));
  if (expected != code[17]) {
    return fail(fmt::format("第18位校验码应为 {}，实际为 {}", expected, code[17]));
  }
  return code;
}

}  // namespace rongping
