#include "auth/auth_service.h"

#include <sodium.h>

#include <algorithm>

#include <fmt/format.h>

#include "core/text.h"
#include "core/time.h"
#include "core/uscc.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "store/enterprises.h"
#include "store/memo.h"
#include "store/units.h"

namespace rongping {
namespace {

std::string RandomToken(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), buf.data(), buf.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// Whether `token` may be a session's: anything else is refused unread.
bool MayBeSessionToken(const std::string& token) { return !token.empty() && token.size() <= 256; }

// A live session's principal, kept (store/memo.h) while no session or
// account changes.
struct LiveSession {
  Principal principal;
  int64_t expires_at;
};

}  // namespace

Principal PrincipalOf(const store::UserRecord& u) {
  Principal p;
  p.user_id = u.id;
  p.username = u.username;
  p.display_name = u.display_name;
  p.role = u.role;
  p.scope_code = u.scope_code;
  p.industries = u.industries;
  p.must_change_password = u.must_change_password;
  return p;
}

AuthService::AuthService(store::Db& db, AuthOptions options)
    : db_(db), options_(std::move(options)) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

int64_t AuthService::Now() const { return (options_.clock ? *options_.clock : SystemClock::Get()).NowSeconds(); }

Result<std::string> AuthService::HashPassword(const std::string& password) const {
  size_t n = CountCodePoints(password);
  bool has_letter = std::any_of(password.begin(), password.end(),
                                [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
  bool has_digit = std::any_of(password.begin(), password.end(),
                               [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  if (!IsValidUtf8(password) || n < 8 || password.size() > 128 || !has_letter || !has_digit) {
    return Fail(Error::Invalid("weak_password", "密码应为8至128个字符，且同时包含字母和数字",
                               "password"));
  }
  bool minimum = options_.password_hash_cost == "minimum";
  unsigned long long ops = minimum ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  size_t mem = minimum ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Fail(Error::Internal("密码哈希失败（内存不足）"));
  }
  return std::string(out);
}

bool AuthService::VerifyPassword(const std::string& hash, const std::string& password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string AuthService::HashToken(const std::string& token) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

namespace {

// The delay after `failures` failed attempts under a key whose first `free`
// failures cost nothing: base, doubling with each further failure, at most
// max; 0 below the free allowance.
int64_t ThrottleDelay(int64_t failures, int64_t free, int64_t base, int64_t max) {
  if (failures < free) return 0;
  int shift = static_cast<int>(std::min<int64_t>(failures - free, 20));
  return std::min(max, base << shift);
}

}  // namespace

const std::string& AuthService::DummyHash() const {
  std::call_once(dummy_once_, [this] {
    auto hash = HashPassword("not-a-password-0");
    dummy_hash_ = hash ? *hash : std::string();
  });
  return dummy_hash_;
}

Result<LoginResult> AuthService::Login(const std::string& username, const std::string& password,
                                       const std::string& remote_address,
                                       int64_t* retry_after_seconds) {
  const int64_t now = Now();
  struct Key {
    std::string name;
    int64_t free;  // failures allowed before delays start
  };
  // Guessing one account from one address, from one address at any account,
  // and at one account from anywhere (not counted against addresses the
  // owner has logged in from, so that failures elsewhere never keep the
  // owner out).
  Key pair{"pair:" + username + "|" + remote_address, options_.pair_failure_limit};
  Key address{"addr:" + remote_address, options_.address_failure_limit};
  Key account{"user:" + username, options_.account_failure_limit};

  bool known = false;  // the owner has logged in from this address lately
  auto user = InTx(db_, store::TxMode::kRead, [&](store::Tx& tx) -> Result<std::optional<store::UserRecord>> {
    auto found = store::FindUserByName(tx, username);
    if (!found || !*found) return found;
    auto k = store::IsKnownLoginAddress(tx, (**found).id, remote_address,
                                        now - options_.known_address_days * 86400);
    if (!k) return Fail(k.error());
    known = *k;
    return found;
  });
  if (!user) return Fail(user.error());
  std::vector<const Key*> keys = {&pair, &address};
  if (!known) keys.push_back(&account);

  // 1. Count this attempt as a failure before checking the password, in one
  //    write transaction, so that concurrent attempts are counted one by
  //    one; refuse while a delay runs.
  auto reserved = InTx(db_, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<int64_t> {
    std::vector<store::ThrottleRecord> records;
    int64_t blocked_until = 0;
    for (const Key* key : keys) {
      auto t = store::GetThrottle(tx, key->name);
      if (!t) return Fail(t.error());
      if (now - t->last_failure_at > options_.failure_window_seconds) *t = {};
      blocked_until = std::max(blocked_until, t->locked_until);
      records.push_back(*t);
    }
    if (blocked_until > now) return blocked_until - now;
    for (size_t k = 0; k < keys.size(); ++k) {
      store::ThrottleRecord& t = records[k];
      ++t.failures;
      t.last_failure_at = now;
      int64_t delay = ThrottleDelay(t.failures, keys[k]->free, options_.lock_base_seconds,
                                    options_.lock_max_seconds);
      t.locked_until = delay > 0 ? now + delay : 0;
      if (auto r = store::PutThrottle(tx, keys[k]->name, t); !r) return Fail(r.error());
    }
    return int64_t{0};
  });
  if (!reserved) return Fail(reserved.error());
  if (*reserved > 0) {
    if (retry_after_seconds) *retry_after_seconds = *reserved;
    return Fail(Error::RateLimited(fmt::format("登录失败次数过多，请在{}秒后重试", *reserved), *reserved));
  }

  // 2. Verify (slow, outside any transaction). Unknown and disabled accounts
  //    cost the same as a wrong password, so that timing reveals neither.
  const bool usable = *user && !(*user)->disabled;
  bool ok = VerifyPassword(usable ? (*user)->password_hash : DummyHash(), password) && usable;
  if (!ok) return Fail(Error::Unauthenticated("用户名或密码错误"));

  // 3. Open a session. The owner's own guesses are forgotten; the attempt
  //    is taken back from the other counts, which keep what others tried.
  return InTx(db_, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<LoginResult> {
    if (auto r = store::ClearThrottle(tx, pair.name); !r) return Fail(r.error());
    for (const Key* key : keys) {
      if (key == &pair) continue;
      auto t = store::GetThrottle(tx, key->name);
      if (!t) return Fail(t.error());
      if (t->failures == 0) continue;
      --t->failures;
      if (t->failures < key->free) t->locked_until = 0;
      if (auto r = store::PutThrottle(tx, key->name, *t); !r) return Fail(r.error());
    }
    if (auto r = store::RememberLoginAddress(tx, (*user)->id, remote_address, now); !r) {
      return Fail(r.error());
    }
    if (auto r = store::RecordLogin(tx, (*user)->id, FormatRfc3339Millis(now)); !r) return Fail(r.error());
    if (auto r = store::DeleteExpiredSessions(tx, now); !r) return Fail(r.error());
    if (auto r = store::DeleteStaleThrottles(tx, now - options_.failure_window_seconds, now); !r) {
      return Fail(r.error());
    }
    LoginResult result;
    result.token = RandomToken(32);
    result.csrf_token = RandomToken(24);
    result.expires_at = now + options_.session_ttl_seconds;
    store::SessionRecord s{HashToken(result.token), (*user)->id, result.csrf_token, now,
                           result.expires_at};
    if (auto r = store::InsertSession(tx, s); !r) return Fail(r.error());
    result.principal = PrincipalOf(**user);
    result.principal.csrf_token = result.csrf_token;
    return result;
  });
}

Result<Principal> AuthService::Authenticate(const std::string& token) const {
  if (!MayBeSessionToken(token)) return Fail(Error::Unauthenticated());
  return InTx(db_, store::TxMode::kReadOne, [&](store::Tx& tx) { return Authenticate(tx, token); });
}

Result<Principal> AuthService::Authenticate(store::Tx& tx, const std::string& token) const {
  if (!MayBeSessionToken(token)) return Fail(Error::Unauthenticated());
  const int64_t now = Now();
  const std::string token_hash = HashToken(token);
  auto found = store::Memoized<LiveSession>(
      tx, store::MemoKind::kAccounts, token_hash, [&](store::Tx& t) -> Result<std::optional<LiveSession>> {
        auto live = store::FindLiveSession(t, token_hash, now);
        if (!live) return Fail(live.error());
        if (!*live) return std::optional<LiveSession>();
        LiveSession session{PrincipalOf((*live)->second), (*live)->first.expires_at};
        session.principal.csrf_token = (*live)->first.csrf_token;
        return std::optional<LiveSession>(std::move(session));
      });
  if (!found) return Fail(found.error());
  if (!*found || (*found)->expires_at <= now) return Fail(Error::Unauthenticated("登录已过期，请重新登录"));
  return std::move((*found)->principal);
}

std::optional<Principal> AuthService::KeptPrincipal(store::Tx& tx, const std::string& token) const {
  if (!MayBeSessionToken(token)) return std::nullopt;
  auto kept = store::FindKept<LiveSession>(tx, store::MemoKind::kAccounts, HashToken(token));
  if (!kept || kept->expires_at <= Now()) return std::nullopt;
  return kept->principal;
}

Result<void> AuthService::Logout(const std::string& token) {
  return InTx(db_, store::TxMode::kWrite,
              [&](store::Tx& tx) { return store::DeleteSession(tx, HashToken(token)); });
}

Result<void> AuthService::ChangePassword(const Principal& who, const std::string& token,
                                         const std::string& current_password,
                                         const std::string& new_password) {
  auto user = InTx(db_, store::TxMode::kRead,
                   [&](store::Tx& tx) { return store::FindUserById(tx, who.user_id); });
  if (!user) return Fail(user.error());
  if (!*user || !VerifyPassword((*user)->password_hash, current_password)) {
    return Fail(Error::Invalid("wrong_password", "当前密码不正确", "current_password"));
  }
  auto hash = HashPassword(new_password);
  if (!hash) {
    hash.error().field = "new_password";
    return Fail(hash.error());
  }
  return InTx(db_, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<void> {
    if (auto r = store::SetPasswordHash(tx, who.user_id, *hash); !r) return r;
    if (auto r = store::DeleteOtherSessions(tx, who.user_id, HashToken(token)); !r) return r;
    return store::RecordAudit(tx, {0, "", who.username, "user.password_change", "user",
                                   who.username, std::nullopt, std::nullopt, ""});
  });
}

bool IsValidUsername(std::string_view username) {
  return username.size() >= 3 && username.size() <= 64 && std::all_of(username.begin(), username.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
         });
}

Result<store::UserRecord> CheckNewUser(store::Tx& tx, const std::string& username, Role role,
                                       const std::string& scope_code, const std::vector<std::string>& industries,
                                       const std::string& display_name, const std::string& email) {
  if (!email.empty() && !IsMailAddress(email)) {
    return Fail(Error::Invalid("invalid_email", fmt::format("电子邮箱“{}”无效", email), "email"));
  }
  if (!IsValidUsername(username)) {
    return Fail(Error::Invalid("invalid_username", std::string(kUsernameRule), "username"));
  }
  store::UserRecord u;
  u.username = username;
  u.role = role;
  u.display_name = display_name.empty() ? username : display_name;
  u.industries = industries;
  u.email = email;
  auto index = store::LoadReferenceIndex(tx);
  if (!index) return Fail(index.error());
  switch (role) {
    case Role::kMinistry:
    case Role::kAgency:
      if (!scope_code.empty()) {
        return Fail(Error::Invalid("invalid_scope",
                                   fmt::format("角色 {} 不需要指定范围", RoleName(role)), "scope"));
      }
      break;
    case Role::kProvince:
    case Role::kUnit:
    case Role::kAssociation:
      if (!index->units.count(scope_code)) {
        return Fail(Error::Invalid(
            "invalid_scope", fmt::format("范围“{}”不是已登记的单位代码", scope_code), "scope"));
      }
      if (role == Role::kAssociation) {
        if (industries.empty()) {
          return Fail(Error::Invalid("invalid_scope", "行业协会须指定所覆盖的行业大类代码",
                                     "industries"));
        }
        for (const auto& code : industries) {
          if (!index->IsIndustry(code)) {
            return Fail(Error::Invalid("invalid_scope",
                                       fmt::format("行业代码“{}”无效", code), "industries"));
          }
        }
      }
      u.scope_code = scope_code;
      break;
    case Role::kEnterprise: {
      auto code = ValidateUscc(scope_code);
      if (!code) {
        Error error = code.error();
        error.field = "scope";
        return Fail(error);
      }
      auto e = store::FindEnterpriseUnscoped(tx, *code);
      if (!e) return Fail(e.error());
      if (!*e) {
        return Fail(Error::Invalid("invalid_scope",
                                   fmt::format("企业 {} 尚未登记", *code), "scope"));
      }
      u.scope_code = *code;
      break;
    }
  }
  if (role != Role::kAssociation && !industries.empty()) {
    return Fail(Error::Invalid("invalid_scope", "只有行业协会需要指定行业", "industries"));
  }
  return u;
}

Result<int64_t> AuthService::CreateUser(const std::string& username, const std::string& password,
                                        Role role, const std::string& scope_code,
                                        const std::vector<std::string>& industries,
                                        const std::string& display_name, const std::string& email) {
  auto hash = HashPassword(password);
  if (!hash) return Fail(hash.error());
  return InTx(db_, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<int64_t> {
    auto u = CheckNewUser(tx, username, role, scope_code, industries, display_name, email);
    if (!u) return Fail(u.error());
    u->password_hash = *hash;
    auto id = store::InsertUser(tx, *u);
    if (!id) return Fail(id.error());
    std::string after = fmt::format(R"({{"username":"{}","role":"{}","scope":"{}"}})", username,
                                    RoleName(role), u->scope_code);
    if (auto r = store::RecordAudit(tx, {0, "", "cli", "user.create", "user", username,
                                         std::nullopt, after, ""});
        !r) {
      return Fail(r.error());
    }
    return id;
  });
}

}  // namespace rongping
