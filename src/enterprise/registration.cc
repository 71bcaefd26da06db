#include "enterprise/registration.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "enterprise/enterprise_json.h"
#include "enterprise/enterprise_service.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "store/enterprises.h"
#include "store/mail_outbox.h"
#include "store/units.h"

namespace rongping {
namespace {

constexpr int64_t kHourMillis = 3'600'000;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// The enterprise a registration describes, validated against the reference
// lists as they are now; every problem in `errors`.
Enterprise Validate(const EnterpriseFields& fields, const domain::ReferenceIndex& index, std::vector<Error>* errors) {
  Enterprise e;
  *errors = ApplyEnterpriseFields(fields, Enterprise{}, true, ReferenceFrom(index), &e);
  const auto email = fields.find("contact_email");
  if (email == fields.end() || !IsMailAddress(Trim(email->second))) {
    std::erase_if(*errors, [](const Error& x) { return x.field == "contact_email"; });
    errors->push_back(Error::Invalid("invalid_field", "请填写有效的联系人电子邮箱，用于接收登录密码和审核结果",
                                     "contact_email"));
  }
  return e;
}

EnterpriseFields FieldsOf(const store::RegistrationRecord& r) {
  EnterpriseFields fields;
  const auto json = nlohmann::json::parse(r.fields_json, nullptr, false);
  if (json.is_object()) {
    for (const auto& [k, v] : json.items()) {
      if (v.is_string()) fields[k] = v.get<std::string>();
    }
  }
  return fields;
}

std::string PlatformLine(const RegistrationSettings& settings) {
  return settings.public_url.empty() ? "" : fmt::format("平台地址：{}\n", settings.public_url);
}

// The e-mail that hands an approved enterprise its account.
Result<int64_t> QueueApprovalMail(store::Tx& tx, const RegistrationSettings& settings, const std::string& to,
                                  const std::string& name, const IssuedAccount& account) {
  return store::QueueMail(
      tx, {to}, "【两化融合评估】企业注册已通过",
      fmt::format("{}：\n\n贵企业在两化融合评估诊断和对标引导平台的注册已通过。\n用户名：{}\n初始密码：{}\n{}"
                  "首次登录后须修改密码。请妥善保管，勿转告他人。\n\n（本邮件由平台自动发送，请勿直接回复。）\n",
                  name, account.user.username, account.one_time_password, PlatformLine(settings)));
}

// Creates the enterprise account of an approved registration, with an
// issued password (hashed as `hash`); kConflict when `username` is taken.
Result<IssuedAccount> CreateEnterpriseAccount(store::Tx& tx, const std::string& actor, const std::string& username,
                                              const Enterprise& e, const std::string& password,
                                              const std::string& hash, const std::string& request_id) {
  auto user = CheckNewUser(tx, username, Role::kEnterprise, e.uscc, {}, e.name, "");
  if (!user) return Fail(user.error());
  user->password_hash = hash;
  user->must_change_password = true;
  auto id = store::InsertUser(tx, *user);
  if (!id) {
    if (id.error().kind == ErrorKind::kConflict) {
      return Fail(Error::Conflict("duplicate_username", fmt::format("用户名“{}”已被使用，请另定用户名后批准", username)));
    }
    return Fail(id.error());
  }
  user->id = *id;
  if (auto r = store::RecordAudit(tx, {0, "", actor, "user.create", "user", username, std::nullopt,
                                       fmt::format(R"({{"username":"{}","role":"enterprise","scope":"{}"}})", username,
                                                   e.uscc),
                                       request_id});
      !r) {
    return Fail(r.error());
  }
  return IssuedAccount{std::move(*user), password};
}

Result<void> MayDecide(const Principal& who) {
  if (!IsRegionAdmin(who.role)) return Fail(Error::Forbidden("只有主管部门管理员可以审核企业注册"));
  return {};
}

// A pending registration of the caller's region; 404 or 409 otherwise.
Result<store::RegistrationRecord> PendingInRegion(store::Tx& tx, const Principal& who,
                                                  const domain::ReferenceIndex& index, int64_t id) {
  auto found = store::FindRegistration(tx, id);
  if (!found) return Fail(found.error());
  if (!*found || !index.UnitInScope(who, (*found)->unit_code)) return Fail(Error::NotFound("注册申请不存在"));
  if ((*found)->state != "pending") return Fail(Error::Conflict("registration_decided", "该注册申请已处理"));
  return std::move(**found);
}

}  // namespace

namespace {

// Whether `remote_address` may register now: 429 past its hourly share,
// 503 past the pending cap.
Result<void> Admitted(store::Tx& tx, const Clock& clock, const RegistrationSettings& settings,
                      const std::string& remote_address) {
  auto recent = store::CountRegistrationsFrom(tx, remote_address, Clock::Rfc3339OfMillis(clock.NowMillis() - kHourMillis));
  if (!recent) return Fail(recent.error());
  if (*recent >= settings.per_address_per_hour) return Fail(Error::RateLimited("注册申请过于频繁，请一小时后再试", 3600));
  auto pending = store::CountPendingRegistrations(tx);
  if (!pending) return Fail(pending.error());
  if (*pending >= settings.max_pending) return Fail(Error::Unavailable("待审核的注册申请过多，请稍后再试", 3600));
  return {};
}

}  // namespace

Result<void> SubmitRegistration(store::Db& db, const AuthService& auth, const Clock& clock,
                                const RegistrationSettings& settings, const EnterpriseFields& fields,
                                const std::string& username, const std::string& remote_address,
                                std::vector<Error>* field_errors) {
  // Checked before any password is hashed: a refused request costs little.
  auto checked = store::InTx(db, store::TxMode::kRead, [&](store::Tx& tx) -> Result<Enterprise> {
    auto index = store::SharedReferenceIndex(tx);
    if (!index) return Fail(index.error());
    std::vector<Error> errors;
    Enterprise e = Validate(fields, **index, &errors);
    if (!IsValidUsername(username)) errors.push_back(Error::Invalid("invalid_username", std::string(kUsernameRule), "username"));
    if (!errors.empty()) {
      Error first = errors.front();
      if (field_errors) *field_errors = std::move(errors);
      return Fail(first);
    }
    if (auto r = Admitted(tx, clock, settings, remote_address); !r) return Fail(r.error());
    return e;
  });
  if (!checked) return Fail(checked.error());
  const Enterprise& e = *checked;
  // The password of an account made at once is hashed for every admitted
  // registration, so that how long the answer takes tells nothing either.
  const std::string password = IssuePassword();
  auto hash = auth.HashPassword(password);
  if (!hash) return Fail(hash.error());
  return store::InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<void> {
    if (auto r = Admitted(tx, clock, settings, remote_address); !r) return Fail(r.error());
    nlohmann::ordered_json submitted = nlohmann::ordered_json::object();
    for (const auto& [k, v] : fields) submitted[k] = v;
    store::RegistrationRecord r;
    r.uscc = e.uscc;
    r.unit_code = e.unit_code;
    r.fields_json = submitted.dump();
    r.username = username;
    r.contact_email = Trim(fields.at("contact_email"));
    r.remote_address = remote_address;
    r.created_at = Clock::Rfc3339OfMillis(clock.NowMillis());
    auto id = store::InsertRegistration(tx, r);
    if (!id) return Fail(id.error());
    r.id = *id;
    if (auto a = store::RecordAudit(tx, {0, "", "anonymous:" + remote_address, "registration.submit", "registration",
                                         std::to_string(r.id), std::nullopt,
                                         fmt::format(R"({{"uscc":"{}","unit":"{}","username":"{}"}})", r.uscc,
                                                     r.unit_code, r.username),
                                         ""});
        !a) {
      return Fail(a.error());
    }
    // At once: the unit registered this code with this contact address,
    // which is where the password goes.
    auto existing = store::FindEnterpriseUnscoped(tx, e.uscc);
    if (!existing) return Fail(existing.error());
    if (!settings.mail_enabled || !*existing || (*existing)->unit_code != e.unit_code ||
        Lower(Trim((*existing)->contact_email.value_or(""))) != Lower(r.contact_email)) {
      return {};
    }
    auto has_account = store::EnterpriseHasAccount(tx, e.uscc);
    if (!has_account) return Fail(has_account.error());
    auto taken = store::FindUserByName(tx, username);
    if (!taken) return Fail(taken.error());
    if (*has_account || *taken) return {};
    auto account = CreateEnterpriseAccount(tx, "auto", username, **existing, password, *hash, "");
    if (!account) return Fail(account.error());
    if (auto m = QueueApprovalMail(tx, settings, *(*existing)->contact_email, (*existing)->name, *account); !m) {
      return Fail(m.error());
    }
    r.state = "approved";
    r.decided_by = "auto";
    r.decided_at = r.created_at;
    r.user_id = account->user.id;
    auto decided = store::DecideRegistration(tx, r);
    if (!decided) return Fail(decided.error());
    return {};
  });
}

Result<std::vector<RegistrationView>> ListRegistrations(store::Db& db, const Principal& who, const std::string& state) {
  if (auto r = MayDecide(who); !r) return Fail(r.error());
  if (state != "pending" && state != "approved" && state != "rejected") {
    return Fail(Error::Invalid("invalid_parameter", "state 应为 pending、approved 或 rejected", "state"));
  }
  return store::InTx(db, store::TxMode::kRead, [&](store::Tx& tx) -> Result<std::vector<RegistrationView>> {
    auto index = store::SharedReferenceIndex(tx);
    if (!index) return Fail(index.error());
    auto records = store::ListRegistrations(tx, who.role == Role::kMinistry ? "" : who.scope_code, state, 500);
    if (!records) return Fail(records.error());
    std::vector<RegistrationView> out;
    for (auto& r : *records) {
      RegistrationView v;
      std::vector<Error> ignored;  // shown as submitted; approval validates again
      v.submitted = Validate(FieldsOf(r), **index, &ignored);
      auto existing = store::FindEnterpriseUnscoped(tx, r.uscc);
      if (!existing) return Fail(existing.error());
      if (*existing && (*index)->UnitInScope(who, (*existing)->unit_code)) v.on_record = **existing;
      v.held_elsewhere = *existing && !v.on_record;
      auto has_account = store::EnterpriseHasAccount(tx, r.uscc);
      if (!has_account) return Fail(has_account.error());
      v.has_account = *has_account;
      auto taken = store::FindUserByName(tx, r.username);
      if (!taken) return Fail(taken.error());
      v.username_taken = taken->has_value();
      v.record = std::move(r);
      out.push_back(std::move(v));
    }
    return out;
  });
}

Result<ApprovedRegistration> ApproveRegistration(store::Db& db, const AuthService& auth, const Clock& clock,
                                                 const RegistrationSettings& settings, const Principal& who,
                                                 int64_t id, const std::string& username,
                                                 const std::string& request_id) {
  if (auto r = MayDecide(who); !r) return Fail(r.error());
  const std::string password = IssuePassword();
  auto hash = auth.HashPassword(password);
  if (!hash) return Fail(hash.error());
  return store::InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<ApprovedRegistration> {
    auto index = store::SharedReferenceIndex(tx);
    if (!index) return Fail(index.error());
    auto r = PendingInRegion(tx, who, **index, id);
    if (!r) return Fail(r.error());
    std::vector<Error> errors;
    Enterprise e = Validate(FieldsOf(*r), **index, &errors);
    if (!errors.empty()) {
      return Fail(Error::Invalid("registration_invalid",
                                 fmt::format("注册信息不符合要求（{}），请驳回并说明原因", errors.front().message)));
    }
    auto existing = store::FindEnterpriseUnscoped(tx, e.uscc);
    if (!existing) return Fail(existing.error());
    if (*existing) {
      if (!(*index)->UnitInScope(who, (*existing)->unit_code)) {
        return Fail(Error::Conflict("uscc_unavailable", std::string(kUsccUnavailableMessage)));
      }
      e = **existing;  // the record on file stays as it is
    } else {
      auto inserted = store::InsertEnterprise(tx, e);
      if (!inserted) return Fail(inserted.error());
      e = *inserted;
      if (auto a = store::RecordAudit(tx, {0, "", who.username, "enterprise.create", "enterprise", e.uscc,
                                           std::nullopt, EnterpriseAuditJson(e), request_id});
          !a) {
        return Fail(a.error());
      }
    }
    auto account = CreateEnterpriseAccount(tx, who.username, username.empty() ? r->username : username, e, password,
                                           *hash, request_id);
    if (!account) return Fail(account.error());
    ApprovedRegistration approved{std::move(*account), settings.mail_enabled};
    if (approved.mailed) {
      if (auto m = QueueApprovalMail(tx, settings, r->contact_email, e.name, approved.account); !m) {
        return Fail(m.error());
      }
    }
    r->state = "approved";
    r->decided_by = who.username;
    r->decided_at = Clock::Rfc3339OfMillis(clock.NowMillis());
    r->user_id = approved.account.user.id;
    auto decided = store::DecideRegistration(tx, *r);
    if (!decided) return Fail(decided.error());
    if (!*decided) return Fail(Error::Conflict("registration_decided", "该注册申请已处理"));
    if (auto a = store::RecordAudit(tx, {0, "", who.username, "registration.approve", "registration",
                                         std::to_string(id), std::nullopt,
                                         fmt::format(R"({{"uscc":"{}","username":"{}"}})", e.uscc,
                                                     approved.account.user.username),
                                         request_id});
        !a) {
      return Fail(a.error());
    }
    return approved;
  });
}

Result<store::RegistrationRecord> RejectRegistration(store::Db& db, const Clock& clock,
                                                     const RegistrationSettings& settings, const Principal& who,
                                                     int64_t id, const std::string& reason,
                                                     const std::string& request_id) {
  if (auto r = MayDecide(who); !r) return Fail(r.error());
  const std::string text = Trim(reason);
  if (text.empty() || CountCodePoints(text) > 200 || HasControlCharacter(text) || !IsValidUtf8(text)) {
    return Fail(Error::Invalid("invalid_field", "请填写驳回原因（最多200个字符）", "reason"));
  }
  return store::InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<store::RegistrationRecord> {
    auto index = store::SharedReferenceIndex(tx);
    if (!index) return Fail(index.error());
    auto r = PendingInRegion(tx, who, **index, id);
    if (!r) return Fail(r.error());
    r->state = "rejected";
    r->decided_by = who.username;
    r->decided_at = Clock::Rfc3339OfMillis(clock.NowMillis());
    r->reason = text;
    auto decided = store::DecideRegistration(tx, *r);
    if (!decided) return Fail(decided.error());
    if (!*decided) return Fail(Error::Conflict("registration_decided", "该注册申请已处理"));
    if (settings.mail_enabled) {
      const auto fields = FieldsOf(*r);
      const auto name = fields.find("name");
      auto m = store::QueueMail(
          tx, {r->contact_email}, "【两化融合评估】企业注册未通过",
          fmt::format("{}：\n\n贵企业在两化融合评估诊断和对标引导平台的注册未通过审核。\n原因：{}\n\n"
                      "如有疑问，请联系属地工业和信息化主管部门。\n{}\n（本邮件由平台自动发送，请勿直接回复。）\n",
                      name == fields.end() ? r->uscc : name->second, text, PlatformLine(settings)));
      if (!m) return Fail(m.error());
    }
    if (auto a = store::RecordAudit(tx, {0, "", who.username, "registration.reject", "registration",
                                         std::to_string(id), std::nullopt,
                                         nlohmann::json{{"reason", text}}.dump(), request_id});
        !a) {
      return Fail(a.error());
    }
    return std::move(*r);
  });
}

}  // namespace rongping
