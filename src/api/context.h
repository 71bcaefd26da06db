// What every API handler needs: the store, the services and options. Built
// once by the composition root (src/cli/main.cc) and shared by handlers.
#ifndef RONGPING_API_CONTEXT_H_
#define RONGPING_API_CONTEXT_H_

#include <string>

#include "analytics/progress_snapshot.h"
#include "analytics/results_snapshot.h"
#include "auth/account_admin.h"
#include "auth/auth_service.h"
#include "campaign/benchmark_packs.h"
#include "campaign/lifecycle.h"
#include "campaign/reminders.h"
#include "core/clock.h"
#include "enterprise/enterprise_service.h"
#include "enterprise/registration.h"
#include "http/static_files.h"
#include "jobs/job_runner.h"
#include "jobs/mail_outbox.h"
#include "report/pdf.h"

namespace rongping::store {
class Db;
}  // namespace rongping::store

namespace rongping::api {

struct AppOptions {
  AuthOptions auth;
  // Mark the session cookie Secure (behind HTTPS).
  bool secure_cookies = false;
  // Minimum number of enterprises behind any published aggregate.
  int64_t min_group_size = 5;
  // Headless Chromium for PDF reports.
  report::PdfOptions pdf;
  // 督办 reminders: the platform's address in them, rate limits.
  campaign::ReminderSettings reminders;
  // Enterprise self-registration: rate limits (the address is reminders').
  RegistrationSettings registrations;
  // The mail server reminders are e-mailed through (none: in-app only).
  jobs::MailOutboxOptions mail;
};

struct Context {
  Context(store::Db& db, AppOptions opts)
      : db(db),
        options(std::move(opts)),
        clock(options.auth.clock ? *options.auth.clock : SystemClock::Get()),
        auth(db, options.auth),
        accounts(db, auth),
        enterprises(db),
        lifecycle(db, clock),
        jobs(db, {.clock = &clock}),
        mail(db, WithClock(options.mail, clock)) {
    db.SetClock(clock);  // the rows a transaction stamps read the services' time
  }
  store::Db& db;
  AppOptions options;
  // Every service's, and the Db's (set by the constructor):
  // options.auth.clock, or the system's.
  const Clock& clock;
  AuthService auth;
  AccountAdmin accounts;  // hashes with `auth`
  EnterpriseService enterprises;
  campaign::LifecycleService lifecycle;
  analytics::ProgressSnapshot progress;  // kept current from the change feed
  analytics::ResultsSnapshot results;    // likewise
  campaign::BenchmarkPackCache benchmark_packs;  // the loaded packs, parsed
  jobs::JobRunner jobs;                  // handlers registered with the routes
  jobs::MailOutbox mail;                 // reminders' e-mails; started by the composition root
  http::StaticFiles web_app;             // the built web app; empty: a start page

  // The registration settings, with whether e-mails go out.
  RegistrationSettings registration_settings() const {
    RegistrationSettings s = options.registrations;
    s.mail_enabled = mail.enabled();
    s.public_url = options.reminders.public_url;
    return s;
  }

  // The reminder settings, with whether e-mails go out.
  campaign::ReminderSettings reminder_settings() const {
    campaign::ReminderSettings s = options.reminders;
    s.mail_enabled = mail.enabled();
    return s;
  }

 private:
  static jobs::MailOutboxOptions WithClock(jobs::MailOutboxOptions o, const Clock& clock) {
    o.clock = &clock;
    return o;
  }
};

}  // namespace rongping::api

#endif  // RONGPING_API_CONTEXT_H_
