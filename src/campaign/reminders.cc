#include "campaign/reminders.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "auth/auth_service.h"
#include "campaign/contacts.h"
#include "campaign/outstanding.h"
#include "campaign/rounds.h"
#include "core/text.h"
#include "core/time.h"
#include "domain/date.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "store/campaign.h"
#include "store/units.h"

namespace rongping::campaign {
namespace {

constexpr int64_t kMaxRecipients = 10'000;
constexpr size_t kMaxMessage = 500;
constexpr int64_t kDayMillis = 86'400'000;
constexpr std::string_view kEnterpriseKind = "enterprise";
constexpr std::string_view kUnitKind = "unit";
// The kinds of outstanding an enterprise is reminded of (a submission
// waiting for review waits on its reviewer, not on the enterprise).
constexpr std::string_view kRemindable[] = {"not_started", "draft", "rejected"};

bool IsRemindable(std::string_view state) {
  return std::find(std::begin(kRemindable), std::end(kRemindable), state) != std::end(kRemindable);
}

// What the reminder says an enterprise has not done.
std::string_view EnterpriseOwes(std::string_view state) {
  if (state == "draft") return "已保存评估问卷草稿，尚未提交";
  if (state == "rejected") return "提交的评估已被退回，尚未修改后重新提交";
  return "尚未开始填报评估问卷";
}

std::string SenderUnitName(const Principal& sender, const domain::ReferenceIndex& index) {
  if (sender.role == Role::kMinistry || sender.scope_code.empty()) return "工业和信息化部";
  return index.UnitName(sender.scope_code);
}

// The closing lines every reminder shares: the platform's address, the
// sender's words, who sends it and the day.
std::string ReminderFooter(const ReminderSettings& settings, const store::ReminderBatch& batch,
                           const std::string& sender_unit, const domain::Date& today) {
  std::string out;
  if (!settings.public_url.empty()) out += fmt::format("平台地址：{}\n", settings.public_url);
  if (!batch.message.empty()) out += fmt::format("\n{}\n", batch.message);
  out += fmt::format("\n{}\n{}\n\n（本通知由两化融合评估诊断和对标引导平台发送，请勿直接回复。）\n", sender_unit,
                     today.ToChinese());
  return out;
}

struct Recipient {
  std::string code;
  std::string name;
  std::string unit_code;
  std::string state;
  std::vector<std::string> emails;
};

// The recipients a batch reaches now, as `sender` sees the round.
Result<std::vector<Recipient>> Candidates(store::Tx& tx, const Principal& sender, const domain::Round& round,
                                          const domain::ReferenceIndex& index, const store::ReminderBatch& batch) {
  std::vector<Recipient> out;
  if (batch.target == "contacts") {
    auto stored = ListRoundContacts(tx, round.code);
    if (!stored) return Fail(stored.error());
    std::set<std::string> submitted;
    for (const auto& c : *stored) submitted.insert(c.unit_code);
    for (const auto& unit : ContactUnitsFor(sender, round, index)) {
      if (submitted.count(unit) || !index.InSubtree(unit, batch.unit_code)) continue;
      auto emails = store::UnitAdminEmails(tx, unit);
      if (!emails) return Fail(emails.error());
      out.push_back({unit, index.UnitName(unit), unit, "contacts", std::move(*emails)});
    }
    return out;
  }
  store::OutstandingQuery query{round.code, batch.unit_code, std::nullopt, false, "", kMaxRecipients * 100, 0};
  auto page = store::ListOutstanding(tx, sender, query);
  if (!page) return Fail(page.error());
  const std::set<std::string> states(batch.states.begin(), batch.states.end());
  for (auto& row : page->rows) {
    std::string state(store::OutstandingName(row.state));
    if (!states.empty() && !states.count(state)) continue;
    std::vector<std::string> emails;
    if (row.contact_email) emails.push_back(Trim(*row.contact_email));
    out.push_back({std::move(row.uscc), std::move(row.name), std::move(row.unit_code), std::move(state),
                   std::move(emails)});
  }
  return out;
}

store::Reminder ReminderFor(const ReminderSettings& settings, const store::ReminderBatch& batch,
                            const domain::Round& round, const Recipient& to, const std::string& sender_unit,
                            const domain::Date& today, const std::string& now) {
  store::Reminder r;
  r.batch_id = batch.id;
  r.round_code = round.code;
  r.recipient = to.code;
  r.recipient_kind = batch.target == "contacts" ? kUnitKind : kEnterpriseKind;
  r.recipient_name = to.name;
  r.unit_code = to.unit_code;
  r.state = to.state;
  r.created_at = now;
  if (batch.target == "contacts") {
    r.subject = fmt::format("【督办提醒】请报送{}工作联系人表", round.name);
    r.body = fmt::format("{}：\n\n贵单位尚未报送“{}”的工作联系人表{}。请登录平台填写并提交。\n", to.name,
                         round.name,
                         round.contacts_due ? fmt::format("（报送截止日期：{}）", round.contacts_due->ToChinese())
                                            : "");
  } else {
    r.subject = fmt::format("【督办提醒】请完成{}", round.name);
    r.body = fmt::format("{}：\n\n贵单位在“{}”中{}。请于{}前登录平台完成填报并提交。\n", to.name, round.name,
                         EnterpriseOwes(to.state), round.closes_on.ToChinese());
  }
  r.body += ReminderFooter(settings, batch, sender_unit, today);
  std::vector<std::string> valid;
  for (const auto& e : to.emails) {
    if (IsMailAddress(e)) valid.push_back(e);
  }
  if (!settings.mail_enabled) {
    r.mail_error = "平台未配置邮件服务器，仅发送站内通知";
  } else if (valid.empty()) {
    r.mail_error = to.emails.empty() ? "无电子邮箱，仅发送站内通知" : "电子邮箱地址无效，仅发送站内通知";
  } else {
    r.email = JoinCodes(valid);
    r.mail_state = "queued";
  }
  return r;
}

// Makes a scheduled (or just inserted) batch's reminders and marks it sent.
// Returns the recipients chosen but not outstanding; kConflict when the
// batch was no longer scheduled (another server sent it, or it was
// cancelled).
Result<int64_t> Deliver(store::Tx& tx, const Clock& clock, const ReminderSettings& settings, const Principal& sender,
                        const domain::Round& round, const domain::ReferenceIndex& index,
                        store::ReminderBatch& batch) {
  auto candidates = Candidates(tx, sender, round, index, batch);
  if (!candidates) return Fail(candidates.error());
  const int64_t now_millis = clock.NowMillis();
  const std::string now = Clock::Rfc3339OfMillis(now_millis);
  const std::string_view kind = batch.target == "contacts" ? kUnitKind : kEnterpriseKind;
  auto recent = store::RemindedSince(tx, kind, Clock::Rfc3339OfMillis(now_millis - kDayMillis));
  if (!recent) return Fail(recent.error());
  const std::set<std::string> chosen(batch.recipients.begin(), batch.recipients.end());
  const domain::Date today = domain::Date::TodayInChina(clock);
  const std::string sender_unit = SenderUnitName(sender, index);
  int64_t matched = 0;
  batch.reminded = batch.skipped = 0;
  for (const auto& to : *candidates) {
    if (!chosen.empty() && !chosen.count(to.code)) continue;
    ++matched;
    if (recent->count(to.code)) {
      ++batch.skipped;
      continue;
    }
    const store::Reminder reminder = ReminderFor(settings, batch, round, to, sender_unit, today, now);
    auto id = store::InsertReminder(tx, reminder);
    if (!id) return Fail(id.error());
    ++batch.reminded;
    ++(reminder.mail_state == "queued" ? batch.mail_queued : batch.mail_none);
  }
  auto moved = store::SetReminderBatchState(tx, batch.id, "scheduled", "sent", now, batch.reminded, batch.skipped);
  if (!moved) return Fail(moved.error());
  if (!*moved) return Fail(Error::Conflict("reminder_batch_taken", "该提醒已发送或已撤销"));
  batch.state = "sent";
  batch.sent_at = now;
  return chosen.empty() ? 0 : static_cast<int64_t>(chosen.size()) - matched;
}

std::string BatchAuditJson(const store::ReminderBatch& b) {
  return nlohmann::ordered_json{{"round", b.round_code},   {"unit", b.unit_code},         {"target", b.target},
                                {"states", b.states},       {"recipients", b.recipients},  {"message", b.message},
                                {"due_at", b.due_at},       {"state", b.state},            {"reminded", b.reminded},
                                {"skipped", b.skipped}}
      .dump();
}

// Checks the request's fields that need no database; fills `batch`'s.
Result<void> CheckRequest(const Clock& clock, const ReminderRequest& request, store::ReminderBatch& batch) {
  if (request.target != "enterprises" && request.target != "contacts") {
    return Fail(Error::Invalid("invalid_field", "target 应为 enterprises 或 contacts", "target"));
  }
  batch.target = request.target;
  if (request.target == "enterprises") {
    for (const auto& s : request.states) {
      if (s == "waiting_review") {
        return Fail(Error::Invalid("invalid_field", "待审核的提交由审核单位处理，不向企业发送提醒", "states"));
      }
      if (!IsRemindable(s)) {
        return Fail(Error::Invalid("invalid_field", "states 的每一项应为 not_started、draft 或 rejected", "states"));
      }
      if (std::find(batch.states.begin(), batch.states.end(), s) == batch.states.end()) batch.states.push_back(s);
    }
  } else if (!request.states.empty()) {
    return Fail(Error::Invalid("invalid_field", "提醒报送联系人表时不能指定 states", "states"));
  }
  if (static_cast<int64_t>(request.recipients.size()) > kMaxRecipients) {
    return Fail(Error::Invalid("invalid_field", fmt::format("一次最多提醒 {} 个对象", kMaxRecipients), "recipients"));
  }
  for (const auto& r : request.recipients) {
    if (r.empty() || r.size() > 32 || r.find_first_not_of("0123456789ABCDEFGHJKLMNPQRTUWXY") != std::string::npos) {
      return Fail(Error::Invalid("invalid_field", "recipients 的每一项应为统一社会信用代码或单位代码", "recipients"));
    }
    if (std::find(batch.recipients.begin(), batch.recipients.end(), r) == batch.recipients.end()) {
      batch.recipients.push_back(r);
    }
  }
  std::string flat = request.message;
  std::replace(flat.begin(), flat.end(), '\n', ' ');
  if (!IsValidUtf8(request.message) || CountCodePoints(request.message) > kMaxMessage || HasControlCharacter(flat)) {
    return Fail(Error::Invalid("invalid_field", "附言最多500个字符，不含换行以外的控制字符", "message"));
  }
  batch.message = Trim(request.message);
  const int64_t now_millis = clock.NowMillis();
  batch.created_at = Clock::Rfc3339OfMillis(now_millis);
  batch.due_at = batch.created_at;
  if (!request.at.empty()) {
    auto at = ParseRfc3339(request.at);
    if (!at) return Fail(Error::Invalid("invalid_field", "at 应为带时区的时间，如 2026-12-10T09:00:00+08:00", "at"));
    if (*at * 1000 <= now_millis) return Fail(Error::Invalid("invalid_field", "定时发送的时间应晚于现在", "at"));
    batch.due_at = Clock::Rfc3339OfMillis(*at * 1000);
  }
  return {};
}

struct RoundView {
  domain::Round round;
  std::shared_ptr<const domain::ReferenceIndex> index;
};

// The round as the caller may see it: 404 otherwise.
Result<RoundView> ReadRound(store::Tx& tx, const Principal& who, const std::string& code) {
  auto found = store::FindRound(tx, code);
  if (!found) return Fail(found.error());
  auto shared = store::SharedReferenceIndex(tx);
  if (!shared) return Fail(shared.error());
  if (!*found || !RoundConcerns(who, **found, **shared)) return Fail(Error::NotFound("评估周期不存在"));
  return RoundView{std::move(**found), std::move(*shared)};
}

Result<void> MayRemind(const Principal& who) {
  if (!IsRegionAdmin(who.role)) return Fail(Error::Forbidden("只有主管部门管理员可以发送督办提醒"));
  return {};
}

// The notices' recipient for a caller: kind and code; nullopt for roles
// that receive none.
std::optional<std::pair<std::string_view, std::string>> NoticeRecipient(const Principal& who) {
  if (who.role == Role::kEnterprise) return std::pair{kEnterpriseKind, who.scope_code};
  if (who.role == Role::kUnit || who.role == Role::kProvince) return std::pair{kUnitKind, who.scope_code};
  return std::nullopt;
}

}  // namespace

Result<ReminderOutcome> SendReminders(store::Db& db, const Clock& clock, const ReminderSettings& settings,
                                      const Principal& who, const ReminderRequest& request) {
  if (auto r = MayRemind(who); !r) return Fail(r.error());
  store::ReminderBatch batch;
  if (auto r = CheckRequest(clock, request, batch); !r) return Fail(r.error());
  batch.sender_id = who.user_id;
  batch.sender_name = who.display_name.empty() ? who.username : who.display_name;
  const bool scheduled = batch.due_at != batch.created_at;
  batch.state = "scheduled";
  return store::InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<ReminderOutcome> {
    auto view = ReadRound(tx, who, request.round);
    if (!view) return Fail(view.error());
    const domain::Round& round = view->round;
    auto region = OfficialRegion(who, round, *view->index, request.unit);
    if (!region) return Fail(region.error());
    batch.round_code = round.code;
    batch.unit_code = *region;
    if (batch.target == "contacts" && !round.contacts_due) {
      return Fail(Error::Invalid("invalid_field", "本评估周期未要求报送联系人表", "target"));
    }
    const domain::Date today = domain::Date::TodayInChina(clock);
    if (batch.target == "enterprises" && StateOn(round, today) == domain::RoundState::kClosed) {
      return Fail(Error::Invalid("invalid_field", "评估周期已截止，不再向企业发送提醒", "round"));
    }
    if (scheduled && batch.due_at > ChinaDayEndUtc(round.closes_on.ToString())) {
      return Fail(Error::Invalid("invalid_field",
                                 fmt::format("定时发送的时间应在评估周期截止（{}）之前", round.closes_on.ToChinese()),
                                 "at"));
    }
    const int64_t now_millis = clock.NowMillis();
    auto activity = store::CountSenderBatches(tx, who.user_id, Clock::Rfc3339OfMillis(now_millis - 3'600'000));
    if (!activity) return Fail(activity.error());
    if (activity->created_since >= settings.max_batches_per_hour) {
      const auto oldest = activity->oldest_since ? ParseRfc3339(*activity->oldest_since) : std::nullopt;
      const int64_t wait = oldest ? std::max<int64_t>(1, *oldest + 3600 - now_millis / 1000) : 3600;
      return Fail(Error::RateLimited(
          fmt::format("一小时内最多发送 {} 批提醒，请 {} 分钟后再试", settings.max_batches_per_hour, (wait + 59) / 60),
          wait));
    }
    if (scheduled && activity->scheduled >= settings.max_scheduled) {
      return Fail(Error::RateLimited(
          fmt::format("待发送的定时提醒已有 {} 批，请先撤销不需要的", settings.max_scheduled), 3600));
    }
    auto id = store::InsertReminderBatch(tx, batch);
    if (!id) return Fail(id.error());
    batch.id = *id;
    ReminderOutcome outcome;
    if (!scheduled) {
      auto missed = Deliver(tx, clock, settings, who, round, *view->index, batch);
      if (!missed) return Fail(missed.error());
      outcome.not_outstanding = *missed;
    }
    if (auto r = store::RecordAudit(tx, {0, "", who.username, "reminders.send", "reminder_batch",
                                         std::to_string(batch.id), std::nullopt, BatchAuditJson(batch), ""});
        !r) {
      return Fail(r.error());
    }
    outcome.batch = batch;
    return outcome;
  });
}

Result<std::vector<store::ReminderBatch>> ListReminderBatches(store::Db& db, const Principal& who,
                                                              const std::string& round, const std::string& unit) {
  if (auto r = MayRemind(who); !r) return Fail(r.error());
  return store::InTx(db, store::TxMode::kRead, [&](store::Tx& tx) -> Result<std::vector<store::ReminderBatch>> {
    auto view = ReadRound(tx, who, round);
    if (!view) return Fail(view.error());
    auto region = OfficialRegion(who, view->round, *view->index, unit);
    if (!region) return Fail(region.error());
    return store::ListReminderBatches(tx, view->round.code, *region, 200);
  });
}

namespace {

// The batch `id` of `round` if its region is in the caller's; 404 otherwise.
Result<store::ReminderBatch> BatchInScope(store::Tx& tx, const Principal& who, const std::string& round, int64_t id) {
  auto view = ReadRound(tx, who, round);
  if (!view) return Fail(view.error());
  auto batch = store::FindReminderBatch(tx, id);
  if (!batch) return Fail(batch.error());
  if (!*batch || (*batch)->round_code != view->round.code || !view->index->UnitInScope(who, (*batch)->unit_code)) {
    return Fail(Error::NotFound("提醒记录不存在"));
  }
  return std::move(**batch);
}

}  // namespace

Result<ReminderBatchDetail> GetReminderBatch(store::Db& db, const Principal& who, const std::string& round,
                                             int64_t id) {
  if (auto r = MayRemind(who); !r) return Fail(r.error());
  return store::InTx(db, store::TxMode::kRead, [&](store::Tx& tx) -> Result<ReminderBatchDetail> {
    auto batch = BatchInScope(tx, who, round, id);
    if (!batch) return Fail(batch.error());
    auto reminders = store::ListBatchReminders(tx, id);
    if (!reminders) return Fail(reminders.error());
    return ReminderBatchDetail{std::move(*batch), std::move(*reminders)};
  });
}

Result<std::vector<store::Reminder>> RecipientReminders(store::Db& db, const Principal& who, const std::string& round,
                                                        const std::string& recipient) {
  if (auto r = MayRemind(who); !r) return Fail(r.error());
  return store::InTx(db, store::TxMode::kRead, [&](store::Tx& tx) -> Result<std::vector<store::Reminder>> {
    auto view = ReadRound(tx, who, round);
    if (!view) return Fail(view.error());
    const std::string_view kind = view->index->units.count(recipient) ? kUnitKind : kEnterpriseKind;
    auto found = store::ListRecipientReminders(tx, view->round.code, kind, recipient);
    if (!found) return Fail(found.error());
    std::erase_if(*found, [&](const store::Reminder& r) { return !view->index->UnitInScope(who, r.unit_code); });
    return std::move(*found);
  });
}

Result<store::ReminderBatch> CancelReminderBatch(store::Db& db, const Principal& who, const std::string& round,
                                                 int64_t id) {
  if (auto r = MayRemind(who); !r) return Fail(r.error());
  return store::InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<store::ReminderBatch> {
    auto batch = BatchInScope(tx, who, round, id);
    if (!batch) return Fail(batch.error());
    const std::string before = BatchAuditJson(*batch);
    auto moved = store::SetReminderBatchState(tx, id, "scheduled", "cancelled", std::nullopt, 0, 0);
    if (!moved) return Fail(moved.error());
    if (!*moved) return Fail(Error::Conflict("reminder_not_scheduled", "该提醒已发送或已撤销，无法撤销"));
    batch->state = "cancelled";
    if (auto r = store::RecordAudit(tx, {0, "", who.username, "reminders.cancel", "reminder_batch",
                                         std::to_string(id), before, BatchAuditJson(*batch), ""});
        !r) {
      return Fail(r.error());
    }
    return std::move(*batch);
  });
}

Result<int64_t> SendDueReminders(store::Db& db, const Clock& clock, const ReminderSettings& settings) {
  auto due = store::InTx(db, store::TxMode::kRead, [&](store::Tx& tx) {
    return store::DueReminderBatches(tx, Clock::Rfc3339OfMillis(clock.NowMillis()), 20);
  });
  if (!due) return Fail(due.error());
  int64_t sent = 0;
  for (auto& batch : *due) {
    auto done = store::InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
      auto user = store::FindUserById(tx, batch.sender_id);
      if (!user) return Fail(user.error());
      auto round = store::FindRound(tx, batch.round_code);
      if (!round) return Fail(round.error());
      auto index = store::SharedReferenceIndex(tx);
      if (!index) return Fail(index.error());
      if (!*user || (*user)->disabled || !*round) {
        auto moved = store::SetReminderBatchState(tx, batch.id, "scheduled", "cancelled", std::nullopt, 0, 0);
        if (!moved) return Fail(moved.error());
        return false;
      }
      auto delivered = Deliver(tx, clock, settings, PrincipalOf(**user), **round, **index, batch);
      if (!delivered) return Fail(delivered.error());
      return true;
    });
    if (done && *done) ++sent;
    if (!done && done.error().kind != ErrorKind::kConflict) return Fail(done.error());
  }
  return sent;
}

Result<store::Notices> ListNotices(store::Db& db, const Principal& who) {
  const auto recipient = NoticeRecipient(who);
  if (!recipient) return store::Notices{};
  return store::InTx(db, store::TxMode::kRead, [&](store::Tx& tx) {
    return store::ListNotices(tx, recipient->first, recipient->second, 50);
  });
}

Result<void> ReadNotice(store::Db& db, const Clock& clock, const Principal& who, int64_t id) {
  const auto recipient = NoticeRecipient(who);
  if (!recipient) return Fail(Error::NotFound("通知不存在"));
  return store::InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<void> {
    auto marked = store::MarkNoticeRead(tx, id, recipient->first, recipient->second,
                                        Clock::Rfc3339OfMillis(clock.NowMillis()));
    if (!marked) return Fail(marked.error());
    if (!*marked) return Fail(Error::NotFound("通知不存在"));
    return {};
  });
}

}  // namespace rongping::campaign
