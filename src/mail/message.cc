#include "mail/message.h"

#include <sodium.h>

#include <algorithm>
#include <ctime>

namespace rongping::mail {
namespace {

std::string Base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

bool IsPlainAscii(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// Where a UTF-8 character starts (not a continuation byte).
bool StartsCharacter(unsigned char c) { return (c & 0xc0) != 0x80; }

std::string RfcDate(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace

std::string EncodeHeaderText(std::string_view text, size_t word_bytes) {
  if (text.size() <= 60 && IsPlainAscii(text)) return std::string(text);
  const size_t kChunk = std::clamp<size_t>(word_bytes, 4, 45);
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(text.size(), start + kChunk);
    while (end < text.size() && end > start && !StartsCharacter(static_cast<unsigned char>(text[end]))) --end;
    if (end == start) end = std::min(text.size(), start + kChunk);  // not UTF-8: split anywhere
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(start, end - start)) + "?=";
    start = end;
  }
  return out;
}

std::string ComposeMail(const MailMessage& message) {
  std::string out;
  out += "Date: " + RfcDate(message.date_unix_seconds) + "\r\n";
  out += "From: ";
  // A name in one word where it fits: some readers put a space between
  // the words of a display name.
  if (!message.from_name.empty()) out += EncodeHeaderText(message.from_name, 45) + "\r\n ";
  out += "<" + message.from_address + ">\r\n";
  out += "To: ";
  for (size_t i = 0; i < message.to.size(); ++i) out += (i ? ",\r\n " : "") + message.to[i];
  out += "\r\n";
  out += "Subject: " + EncodeHeaderText(message.subject) + "\r\n";
  const auto at = message.from_address.find('@');
  out += "Message-ID: <" + message.message_id + "@" +
         (at == std::string::npos ? std::string("rongping") : message.from_address.substr(at + 1)) + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n\r\n";
  std::string body;
  body.reserve(message.body.size() + 64);
  for (size_t i = 0; i < message.body.size(); ++i) {
    const char c = message.body[i];
    if (c == '\r') continue;
    if (c == '\n') {
      body += "\r\n";
    } else {
      body += c;
    }
  }
  const std::string encoded = Base64(body);
  for (size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
  return out;
}

}  // namespace rongping::mail
