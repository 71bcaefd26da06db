// Sends mail through an SMTP server named by URL: smtp://host:port (the
// server's STARTTLS used when it offers it) or smtps://host:port (TLS from
// the start), with user:password@ in the URL when the server asks for a
// login.
#ifndef RONGPING_MAIL_SMTP_H_
#define RONGPING_MAIL_SMTP_H_

#include <string>

#include "core/result.h"
#include "mail/message.h"

namespace rongping::mail {

struct SmtpOptions {
  std::string url;             // smtp://… or smtps://…; empty: no mail is sent
  int timeout_seconds = 30;    // the whole exchange with the server
};

// Whether `url` is one SmtpSender accepts: smtp:// or smtps:// with a host.
bool IsSmtpUrl(const std::string& url);

class SmtpSender {
 public:
  explicit SmtpSender(SmtpOptions options);

  // Whether a server is configured.
  bool enabled() const { return !options_.url.empty(); }

  // Hands `message` to the server for every address in `message.to`.
  // kUnavailable with the server's or the connection's reason (中文 prefix,
  // the transport's words after it) when the server did not accept it;
  // kInvalid when no server is configured. Safe to call from several
  // threads at once.
  Result<void> Send(const MailMessage& message) const;

 private:
  SmtpOptions options_;
};

}  // namespace rongping::mail

#endif  // RONGPING_MAIL_SMTP_H_
