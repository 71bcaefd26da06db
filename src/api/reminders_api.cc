// 督办 reminders and the notices they leave:
//   POST   /api/v1/rounds/{round}/reminders          send now, or schedule ("at")
//   GET    /api/v1/rounds/{round}/reminders          the batches in the caller's region
//                                                    (?recipient=: what one was sent)
//   GET    /api/v1/rounds/{round}/reminders/{batch}  one batch, recipient by recipient
//   DELETE /api/v1/rounds/{round}/reminders/{batch}  cancel a scheduled batch
//   GET    /api/v1/notices                           the caller's notices
//   POST   /api/v1/notices/{id}/read                 one of them read
#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "campaign/reminders.h"
#include "core/text.h"

namespace rongping::api {
namespace {

Json BatchJson(const store::ReminderBatch& b) {
  return {{"id", b.id},
          {"round", b.round_code},
          {"unit_code", b.unit_code},
          {"target", b.target},
          {"states", b.states},
          {"recipients", b.recipients},
          {"message", b.message},
          {"sender", b.sender_name},
          {"created_at", b.created_at},
          {"due_at", b.due_at},
          {"state", b.state},
          {"sent_at", OptionalJson(b.sent_at)},
          {"reminded", b.reminded},
          {"skipped", b.skipped},
          {"mail", {{"sent", b.mail_sent}, {"queued", b.mail_queued}, {"failed", b.mail_failed}, {"none", b.mail_none}}}};
}

Json ReminderJson(const store::Reminder& r) {
  return {{"id", r.id},
          {"batch_id", r.batch_id},
          {"round", r.round_code},
          {"recipient", r.recipient},
          {"recipient_kind", r.recipient_kind},
          {"recipient_name", r.recipient_name},
          {"unit_code", r.unit_code},
          {"state", r.state},
          {"subject", r.subject},
          {"body", r.body},
          {"created_at", r.created_at},
          {"read_at", OptionalJson(r.read_at)},
          {"email", OptionalJson(r.email)},
          {"mail_state", r.mail_state},
          {"mail_sent_at", OptionalJson(r.mail_sent_at)},
          {"mail_error", OptionalJson(r.mail_error)}};
}

// An optional array of strings; kInvalid naming it otherwise.
Result<std::vector<std::string>> StringList(const Json& body, std::string_view name) {
  std::vector<std::string> out;
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return out;
  const Error wrong = Error::Invalid("invalid_field", fmt::format("{} 应为字符串数组", name), std::string(name));
  if (!it->is_array() || it->size() > 10'000) return Fail(wrong);
  for (const auto& v : *it) {
    if (!v.is_string()) return Fail(wrong);
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<campaign::ReminderRequest> ParseReminderRequest(const http::Request& req) {
  auto body = ParseJsonObject(req);
  if (!body) return Fail(body.error());
  if (auto r = CheckKnownFields(*body, {"target", "unit", "states", "recipients", "message", "at"}); !r) {
    return Fail(r.error());
  }
  campaign::ReminderRequest request;
  request.round = req.path_params.at("round");
  for (auto [name, field] : {std::pair{"target", &request.target}, {"unit", &request.unit},
                             {"message", &request.message}, {"at", &request.at}}) {
    auto value = StringField(*body, name, false);
    if (!value) return Fail(value.error());
    if (!value->empty()) *field = std::move(*value);
  }
  auto states = StringList(*body, "states");
  if (!states) return Fail(states.error());
  request.states = std::move(*states);
  auto recipients = StringList(*body, "recipients");
  if (!recipients) return Fail(recipients.error());
  request.recipients = std::move(*recipients);
  return request;
}

http::Response SendHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto request = ParseReminderRequest(req);
  if (!request) return ErrorToResponse(request.error());
  auto outcome = campaign::SendReminders(c.db, c.clock, c.reminder_settings(), *who, *request);
  if (!outcome) return ErrorToResponse(outcome.error());
  if (outcome->batch.mail_queued > 0) c.mail.Wake();
  Json body = BatchJson(outcome->batch);
  body["not_outstanding"] = outcome->not_outstanding;
  return JsonResponse(body, 201);
}

http::Response ListHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  const std::string round = req.path_params["round"];
  Json items = Json::array();
  if (const std::string recipient(req.Query("recipient")); !recipient.empty()) {
    auto found = campaign::RecipientReminders(c.db, *who, round, recipient);
    if (!found) return ErrorToResponse(found.error());
    for (const auto& r : *found) items.push_back(ReminderJson(r));
    return JsonResponse({{"round", round}, {"recipient", recipient}, {"items", std::move(items)}});
  }
  auto batches = campaign::ListReminderBatches(c.db, *who, round, std::string(req.Query("unit")));
  if (!batches) return ErrorToResponse(batches.error());
  for (const auto& b : *batches) items.push_back(BatchJson(b));
  return JsonResponse({{"round", round}, {"mail_enabled", c.mail.enabled()}, {"items", std::move(items)}});
}

Result<int64_t> PathId(http::Request& req, const std::string& name) {
  auto id = ParseInteger(req.path_params[name]);
  if (!id || *id <= 0) return Fail(Error::NotFound("提醒记录不存在"));
  return *id;
}

http::Response BatchHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto id = PathId(req, "batch");
  if (!id) return ErrorToResponse(id.error());
  const std::string round = req.path_params["round"];
  if (req.method == "DELETE") {
    auto cancelled = campaign::CancelReminderBatch(c.db, *who, round, *id);
    if (!cancelled) return ErrorToResponse(cancelled.error());
    return JsonResponse(BatchJson(*cancelled));
  }
  auto detail = campaign::GetReminderBatch(c.db, *who, round, *id);
  if (!detail) return ErrorToResponse(detail.error());
  Json body = BatchJson(detail->batch);
  Json items = Json::array();
  for (const auto& r : detail->reminders) items.push_back(ReminderJson(r));
  body["items"] = std::move(items);
  return JsonResponse(body);
}

http::Response NoticesHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto notices = campaign::ListNotices(c.db, *who);
  if (!notices) return ErrorToResponse(notices.error());
  Json items = Json::array();
  for (const auto& r : notices->items) {
    items.push_back({{"id", r.id},
                     {"round", r.round_code},
                     {"subject", r.subject},
                     {"body", r.body},
                     {"created_at", r.created_at},
                     {"read_at", OptionalJson(r.read_at)}});
  }
  return JsonResponse({{"unread", notices->unread}, {"items", std::move(items)}});
}

http::Response ReadNoticeHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto id = ParseInteger(req.path_params["id"]);
  if (!id || *id <= 0) return ErrorToResponse(Error::NotFound("通知不存在"));
  if (auto r = campaign::ReadNotice(c.db, c.clock, *who, *id); !r) return ErrorToResponse(r.error());
  return JsonResponse({{"id", *id}, {"read", true}});
}

}  // namespace

void RegisterReminderRoutes(http::Router& router, Context& c) {
  router.Add("POST", "/api/v1/rounds/{round}/reminders", RegionAdmins(),
             [&c](http::Request& r) { return SendHandler(c, r); });
  router.Add("GET", "/api/v1/rounds/{round}/reminders", RegionAdmins(),
             [&c](http::Request& r) { return ListHandler(c, r); });
  for (const char* method : {"GET", "DELETE"}) {
    router.Add(method, "/api/v1/rounds/{round}/reminders/{batch}", RegionAdmins(),
               [&c](http::Request& r) { return BatchHandler(c, r); });
  }
  router.Add("GET", "/api/v1/notices", LoggedIn(), [&c](http::Request& r) { return NoticesHandler(c, r); });
  router.Add("POST", "/api/v1/notices/{id}/read", LoggedIn(), [&c](http::Request& r) { return ReadNoticeHandler(c, r); });
}

}  // namespace rongping::api
