// An e-mail as the platform sends it: plain text in UTF-8, the subject and
// names encoded so that any mail client shows the Chinese, and nothing a
// recipient's or sender's text holds can add a header.
#ifndef RONGPING_MAIL_MESSAGE_H_
#define RONGPING_MAIL_MESSAGE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rongping::mail {

struct MailMessage {
  std::string from_address;          // REQUIRES: IsMailAddress (core/text.h)
  std::string from_name;             // any UTF-8 text; may be empty
  std::vector<std::string> to;       // REQUIRES: non-empty, each IsMailAddress
  std::string subject;               // any UTF-8 text
  std::string body;                  // any UTF-8 text; line ends become CRLF
  int64_t date_unix_seconds = 0;     // the Date header
  std::string message_id;            // the part before '@' of Message-ID; [A-Za-z0-9.-] only
};

// The message as RFC 5322 bytes with MIME headers (text/plain; UTF-8;
// base64), every line ending in CRLF and no longer than 78 characters.
std::string ComposeMail(const MailMessage& message);

// An RFC 2047 encoded-word form of `text` ("=?UTF-8?B?...?=", split into
// words of at most `word_bytes` bytes of text (4-45; 39 makes words of 64
// characters, which fit a line after "Subject: ", 45 words of 72) joined by
// CRLF and a space, never inside a character); `text` itself when it is
// printable ASCII of at most 60 characters.
std::string EncodeHeaderText(std::string_view text, size_t word_bytes = 39);

}  // namespace rongping::mail

#endif  // RONGPING_MAIL_MESSAGE_H_
