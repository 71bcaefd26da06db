#include "mail/message.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include "core/text.h"

namespace rongping::mail {
namespace {

std::string FromBase64(std::string_view text) {
  std::string out(text.size(), '\0');
  size_t n = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                        nullptr, &n, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    throw std::runtime_error("not base64");
  }
  out.resize(n);
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t end; (end = text.find("\r\n", start)) != std::string::npos; start = end + 2) {
    out.push_back(text.substr(start, end - start));
  }
  EXPECT_EQ(start, text.size()) << "the message ends with CRLF";
  return out;
}

// The decoded text of one header's encoded words.
std::string DecodeWords(std::string value) {
  std::string out;
  size_t at = 0;
  while ((at = value.find("=?UTF-8?B?", at)) != std::string::npos) {
    const size_t end = value.find("?=", at + 10);
    out += FromBase64(value.substr(at + 10, end - at - 10));
    at = end + 2;
  }
  return out;
}

MailMessage Sample() {
  return {"noreply@rongping.example.cn",
          "两化融合评估诊断和对标引导平台",
          {"a@example.cn", "b@example.cn"},
          "【督办提醒】请完成2026年两化融合评估诊断和对标引导工作（体验用，全年开放），逾期将予以通报",
          "广州某企业：\n\n贵单位尚未开始填报。\r\n请尽快完成。\n",
          1796616000,
          "reminder-7.1"};
}

TEST(ComposeMail, HeadersAndBodyAreEncodedAndLinesStayShort) {
  const std::string bytes = ComposeMail(Sample());
  const auto lines = Lines(bytes);
  for (const auto& line : lines) EXPECT_LE(line.size(), 78u) << line;
  EXPECT_EQ(lines[0], "Date: Mon, 07 Dec 2026 04:00:00 +0000");
  const size_t blank = std::find(lines.begin(), lines.end(), "") - lines.begin();
  ASSERT_LT(blank, lines.size());
  std::string subject, body64;
  bool in_subject = false;
  for (size_t i = 0; i < blank; ++i) {
    if (lines[i].starts_with("Subject: ")) {
      in_subject = true;
      subject += lines[i].substr(9);
    } else if (in_subject && lines[i].starts_with(" ")) {
      subject += lines[i].substr(1);
    } else {
      in_subject = false;
    }
  }
  EXPECT_EQ(DecodeWords(subject), Sample().subject);
  EXPECT_NE(bytes.find("To: a@example.cn,\r\n b@example.cn\r\n"), std::string::npos);
  EXPECT_NE(bytes.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(bytes.find("Message-ID: <reminder-7.1@rongping.example.cn>\r\n"), std::string::npos);
  for (size_t i = blank + 1; i < lines.size(); ++i) body64 += lines[i];
  EXPECT_EQ(FromBase64(body64), "广州某企业：\r\n\r\n贵单位尚未开始填报。\r\n请尽快完成。\r\n");
}

TEST(ComposeMail, NoTextAddsAHeader) {
  MailMessage m = Sample();
  m.subject = "提醒\r\nBcc: victim@example.cn";
  m.from_name = "平台\r\nX-Injected: 1";
  m.body = "正文\r\n\r\nBcc: victim@example.cn";
  const std::string bytes = ComposeMail(m);
  EXPECT_EQ(bytes.find("Bcc:"), std::string::npos);
  EXPECT_EQ(bytes.find("X-Injected"), std::string::npos);
}

TEST(EncodeHeaderText, WordsNeverSplitACharacter) {
  EXPECT_EQ(EncodeHeaderText("Reminder"), "Reminder");
  std::string text;
  for (int i = 0; i < 40; ++i) text += i % 3 ? "评" : "a";
  const std::string encoded = EncodeHeaderText(text);
  size_t at = 0, words = 0;
  while ((at = encoded.find("=?UTF-8?B?", at)) != std::string::npos) {
    const size_t end = encoded.find("?=", at);
    EXPECT_LE(end + 2 - at, 64u);
    EXPECT_TRUE(IsValidUtf8(FromBase64(encoded.substr(at + 10, end - at - 10))));
    at = end;
    ++words;
  }
  EXPECT_GT(words, 1u);
  EXPECT_EQ(DecodeWords(encoded), text);
}

TEST(IsMailAddress, TheAddressesThePlatformSendsTo) {
  for (const char* good : {"a@b.cn", "chen.jian+gd@ningteng.com.cn", "gdxxhtj@163.com"}) {
    EXPECT_TRUE(IsMailAddress(good)) << good;
  }
  for (const char* bad : {"", "a", "a@b", "@b.cn", "a@.cn", "a@b.cn.", "a@@b.cn", "a b@c.cn", "a@b.cn\r\nBcc: x",
                          "<a@b.cn>", "a,b@c.cn", "a;b@c.cn", "\"a\"@b.cn", "张三@b.cn", "a@b.cn)"}) {
    EXPECT_FALSE(IsMailAddress(bad)) << bad;
  }
  EXPECT_FALSE(IsMailAddress(std::string(250, 'a') + "@b.cn"));
}

}  // namespace
}  // namespace rongping::mail
