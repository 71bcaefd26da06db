#include "auth/account_admin.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>

#include "core/text.h"
#include "store/audit.h"
#include "store/enterprises.h"
#include "store/units.h"

namespace rongping {
namespace {

bool AdministersSomeone(const Principal& who) {
  return who.role == Role::kMinistry || who.role == Role::kProvince || who.role == Role::kUnit;
}

// Whether `who` administers `user` (the rule in account_admin.h; the same
// as store::ListAdministeredUsers's SQL).
Result<bool> Administers(store::Tx& tx, const Principal& who, const store::UserRecord& user) {
  auto index = store::SharedReferenceIndex(tx);
  if (!index) return Fail(index.error());
  const domain::ReferenceIndex& units = **index;
  auto enterprise_in_region = [&]() -> Result<bool> {
    auto e = store::FindEnterpriseUnscoped(tx, user.scope_code);
    if (!e) return Fail(e.error());
    return *e && units.InSubtree((*e)->unit_code, who.scope_code);
  };
  switch (who.role) {
    case Role::kMinistry:
      return user.role != Role::kMinistry;
    case Role::kProvince:
      switch (user.role) {
        case Role::kUnit:
          return user.scope_code != who.scope_code && units.InSubtree(user.scope_code, who.scope_code);
        case Role::kAssociation:  // its industries narrow even a province-wide one
          return units.InSubtree(user.scope_code, who.scope_code);
        case Role::kEnterprise:
          return enterprise_in_region();
        case Role::kAgency:
          return user.home_unit == who.scope_code;
        default:
          return false;
      }
    case Role::kUnit:
      if (user.role != Role::kEnterprise) return false;
      return enterprise_in_region();
    default:
      return false;
  }
}

std::string AccountJson(const store::UserRecord& u) {
  return fmt::format(R"({{"username":"{}","role":"{}","scope":"{}","industries":"{}","disabled":{}}})", u.username,
                     RoleName(u.role), u.scope_code, JoinCodes(u.industries), u.disabled ? "true" : "false");
}

// The account `id` if the caller administers it; 404 otherwise (whether or
// not it exists).
Result<store::UserRecord> AdministeredUser(store::Tx& tx, const Principal& who, int64_t id) {
  auto user = store::FindUserById(tx, id);
  if (!user) return Fail(user.error());
  if (!*user) return Fail(Error::NotFound("账号不存在"));
  auto mine = Administers(tx, who, **user);
  if (!mine) return Fail(mine.error());
  if (!*mine) return Fail(Error::NotFound("账号不存在"));
  return std::move(**user);
}

}  // namespace

std::string IssuePassword() {
  static constexpr std::string_view kLetters = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz";
  static constexpr std::string_view kDigits = "23456789";
  for (;;) {
    std::string out;
    for (int i = 0; i < 12; ++i) {
      const uint32_t n = randombytes_uniform(static_cast<uint32_t>(kLetters.size() + kDigits.size()));
      out += n < kLetters.size() ? kLetters[n] : kDigits[n - kLetters.size()];
    }
    const bool letter = std::any_of(out.begin(), out.end(), [](char c) { return std::isalpha(c); });
    const bool digit = std::any_of(out.begin(), out.end(), [](char c) { return std::isdigit(c); });
    if (letter && digit) return out;
  }
}

Result<store::UserPage> AccountAdmin::List(const Principal& who, const store::UserQuery& query) const {
  if (!AdministersSomeone(who)) return Fail(Error::Forbidden("只有主管部门管理员可以管理账号"));
  if (!query.role.empty() && !ParseRole(query.role)) {
    return Fail(Error::Invalid("invalid_parameter", "role 应为 ministry、province、unit、association、agency 或 enterprise",
                               "role"));
  }
  if (CountCodePoints(query.q) > 100 || HasControlCharacter(query.q)) {
    return Fail(Error::Invalid("invalid_parameter", "q 最多100个字符，不含控制字符", "q"));
  }
  return store::InTx(db_, store::TxMode::kRead,
                     [&](store::Tx& tx) { return store::ListAdministeredUsers(tx, who, query); });
}

Result<IssuedAccount> AccountAdmin::Create(const Principal& who, const NewAccount& account,
                                           const std::string& request_id) const {
  if (!AdministersSomeone(who)) return Fail(Error::Forbidden("只有主管部门管理员可以管理账号"));
  const auto role = ParseRole(account.role);
  if (!role) {
    return Fail(Error::Invalid("invalid_field", "role 应为 province、unit、association、agency 或 enterprise", "role"));
  }
  if (HasControlCharacter(account.display_name) || CountCodePoints(account.display_name) > 100) {
    return Fail(Error::Invalid("invalid_field", "显示名称最多100个字符，不含控制字符", "display_name"));
  }
  IssuedAccount issued{{}, IssuePassword()};
  auto hash = auth_.HashPassword(issued.one_time_password);
  if (!hash) return Fail(hash.error());
  return store::InTx(db_, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<IssuedAccount> {
    auto user = CheckNewUser(tx, account.username, *role, account.scope, account.industries, account.display_name,
                             account.email);
    if (!user) return Fail(user.error());
    if (*role == Role::kAgency && who.role == Role::kProvince) user->home_unit = who.scope_code;
    auto mine = Administers(tx, who, *user);
    if (!mine) return Fail(mine.error());
    if (!*mine) {
      return Fail(Error::Forbidden(fmt::format("您不能创建{}账号“{}”：其范围超出您的管辖范围", RoleLabel(*role),
                                               account.scope)));
    }
    user->password_hash = *hash;
    user->must_change_password = true;
    auto id = store::InsertUser(tx, *user);
    if (!id) return Fail(id.error());
    user->id = *id;
    if (auto r = store::RecordAudit(tx, {0, "", who.username, "user.create", "user", user->username, std::nullopt,
                                         AccountJson(*user), request_id});
        !r) {
      return Fail(r.error());
    }
    auto stored = store::FindUserById(tx, *id);
    if (!stored || !*stored) return Fail(stored ? Error::Internal("新账号未能读回") : stored.error());
    issued.user = std::move(**stored);
    return issued;
  });
}

Result<store::UserRecord> AccountAdmin::SetDisabled(const Principal& who, int64_t id, bool disabled,
                                                    const std::string& request_id) const {
  if (!AdministersSomeone(who)) return Fail(Error::Forbidden("只有主管部门管理员可以管理账号"));
  return store::InTx(db_, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<store::UserRecord> {
    auto user = AdministeredUser(tx, who, id);
    if (!user) return Fail(user.error());
    const std::string before = AccountJson(*user);
    if (auto r = store::SetUserDisabled(tx, id, disabled); !r) return Fail(r.error());
    if (disabled) {
      if (auto r = store::DeleteUserSessions(tx, id); !r) return Fail(r.error());
    }
    user->disabled = disabled;
    if (auto r = store::RecordAudit(tx, {0, "", who.username, disabled ? "user.disable" : "user.enable", "user",
                                         user->username, before, AccountJson(*user), request_id});
        !r) {
      return Fail(r.error());
    }
    return std::move(*user);
  });
}

Result<IssuedAccount> AccountAdmin::ResetPassword(const Principal& who, int64_t id,
                                                  const std::string& request_id) const {
  if (!AdministersSomeone(who)) return Fail(Error::Forbidden("只有主管部门管理员可以管理账号"));
  IssuedAccount issued{{}, IssuePassword()};
  auto hash = auth_.HashPassword(issued.one_time_password);
  if (!hash) return Fail(hash.error());
  return store::InTx(db_, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<IssuedAccount> {
    auto user = AdministeredUser(tx, who, id);
    if (!user) return Fail(user.error());
    if (auto r = store::SetPasswordHash(tx, id, *hash, true); !r) return Fail(r.error());
    if (auto r = store::DeleteUserSessions(tx, id); !r) return Fail(r.error());
    if (auto r = store::RecordAudit(tx, {0, "", who.username, "user.password_reset", "user", user->username,
                                         std::nullopt, std::nullopt, request_id});
        !r) {
      return Fail(r.error());
    }
    user->must_change_password = true;
    issued.user = std::move(*user);
    return issued;
  });
}

}  // namespace rongping
