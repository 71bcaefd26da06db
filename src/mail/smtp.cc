#include "mail/smtp.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <cstring>
#include <memory>
#include <mutex>

namespace rongping::mail {
namespace {

struct Upload {
  std::string_view bytes;
  size_t sent = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, upload->bytes.size() - upload->sent);
  std::memcpy(buffer, upload->bytes.data() + upload->sent, n);
  upload->sent += n;
  return n;
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

bool IsSmtpUrl(const std::string& url) {
  for (std::string_view scheme : {"smtp://", "smtps://"}) {
    if (url.starts_with(scheme)) {
      std::string_view rest = std::string_view(url).substr(scheme.size());
      const auto at = rest.rfind('@');
      if (at != std::string_view::npos) rest = rest.substr(at + 1);
      return !rest.empty() && rest.front() != ':' && rest.front() != '/';
    }
  }
  return false;
}

SmtpSender::SmtpSender(SmtpOptions options) : options_(std::move(options)) { InitCurlOnce(); }

Result<void> SmtpSender::Send(const MailMessage& message) const {
  if (!enabled()) return Fail(Error::Invalid("smtp_not_configured", "未配置邮件服务器（--smtp-url）"));
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Fail(Error::Unavailable("邮件发送失败：无法初始化连接"));
  std::unique_ptr<curl_slist, SlistDeleter> recipients;
  for (const auto& to : message.to) {
    curl_slist* grown = curl_slist_append(recipients.get(), ("<" + to + ">").c_str());
    if (!grown) return Fail(Error::Unavailable("邮件发送失败：内存不足"));
    recipients.release();
    recipients.reset(grown);
  }
  const std::string bytes = ComposeMail(message);
  Upload upload{bytes};
  const std::string from = "<" + message.from_address + ">";
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  if (options_.url.starts_with("smtp://")) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout_seconds));
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  const CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) {
    return Fail(Error::Unavailable(
        fmt::format("邮件服务器未接收：{}", error[0] ? std::string(error) : curl_easy_strerror(code))));
  }
  return {};
}

}  // namespace rongping::mail
