#include "jobs/mail_outbox.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/text.h"
#include "store/mail_outbox.h"

namespace rongping::jobs {

MailOutbox::MailOutbox(store::Db& db, MailOutboxOptions options)
    : db_(db), options_(std::move(options)), sender_(options_.smtp) {}

MailOutbox::~MailOutbox() { Stop(); }

int64_t MailOutbox::NowSeconds() const {
  return (options_.clock ? *options_.clock : SystemClock::Get()).NowMillis() / 1000;
}

void MailOutbox::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void MailOutbox::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void MailOutbox::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  wake_.notify_all();
}

Result<int64_t> MailOutbox::RunOnce() {
  if (hook_) hook_();
  if (!sender_.enabled()) return 0;
  int64_t sent = 0;
  for (;;) {
    auto any = store::InTx(db_, store::TxMode::kRead,
                           [&](store::Tx& tx) { return store::HasClaimableMail(tx, NowSeconds()); });
    if (!any) return Fail(any.error());
    if (!*any) return sent;
    auto claimed = store::InTx(db_, store::TxMode::kWrite, [&](store::Tx& tx) {
      return store::ClaimMails(tx, NowSeconds(), options_.lease_seconds, options_.claim_batch);
    });
    if (!claimed) return Fail(claimed.error());
    for (const auto& m : *claimed) {
      mail::MailMessage message{options_.from_address, options_.from_name, m.to, m.subject, m.body, NowSeconds(),
                                fmt::format("mail-{}.{}", m.id, m.attempts)};
      auto delivered = message.to.empty() ? Fail(Error::Invalid("no_address", "无电子邮箱")) : sender_.Send(message);
      auto recorded = store::InTx(db_, store::TxMode::kWrite, [&](store::Tx& tx) {
        return delivered ? store::MailSent(tx, m.id, Clock::Rfc3339OfMillis(NowSeconds() * 1000))
                         : store::MailFailed(tx, m.id, delivered.error().message, m.attempts >= options_.max_attempts);
      });
      if (!recorded) return Fail(recorded.error());
      if (delivered) {
        ++sent;
      } else {
        spdlog::warn("mail outbox: mail {}: {}", m.id, delivered.error().message);
      }
      std::lock_guard lock(mu_);
      if (stop_) return sent;
    }
    if (claimed->empty()) return sent;
  }
}

void MailOutbox::Loop() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, std::chrono::milliseconds(options_.poll_milliseconds), [this] { return stop_ || woken_; });
      if (stop_) return;
      woken_ = false;
    }
    if (auto r = RunOnce(); !r) spdlog::warn("mail outbox: {}", r.error().message);
  }
}

}  // namespace rongping::jobs
