// POST/GET/DELETE /api/v1/session and PUT /api/v1/session/password.
#include <fmt/format.h>

#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "core/time.h"

namespace rongping::api {
namespace {

Json UserJson(const Principal& p) {
  Json industries = Json::array();
  for (const auto& i : p.industries) industries.push_back(i);
  return {{"id", p.user_id},
          {"username", p.username},
          {"display_name", p.display_name},
          {"role", RoleName(p.role)},
          {"role_label", RoleLabel(p.role)},
          {"scope", p.scope_code},
          {"industries", industries},
          {"must_change_password", p.must_change_password}};
}

std::string SessionCookie(const Context& c, const std::string& value, int64_t max_age) {
  return fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}", kSessionCookie,
                     value, max_age, c.options.secure_cookies ? "; Secure" : "");
}

http::Response Login(Context& c, http::Request& req) {
  auto body = ParseJsonObject(req);
  if (!body) return ErrorToResponse(body.error());
  if (auto r = CheckKnownFields(*body, {"username", "password"}); !r) {
    return ErrorToResponse(r.error());
  }
  auto username = StringField(*body, "username");
  if (!username) return ErrorToResponse(username.error());
  auto password = StringField(*body, "password");
  if (!password) return ErrorToResponse(password.error());
  if (username->size() > 64 || password->size() > 1024) {
    return ErrorToResponse(Error::Unauthenticated("用户名或密码错误"));
  }
  auto login = c.auth.Login(*username, *password, req.remote_address, nullptr);
  if (!login) return ErrorToResponse(login.error());
  Json out{{"token", login->token},
           {"csrf_token", login->csrf_token},
           {"expires_at", FormatRfc3339(login->expires_at)},
           {"user", UserJson(login->principal)}};
  auto r = JsonResponse(out);
  r.SetHeader("Set-Cookie",
              SessionCookie(c, login->token, c.options.auth.session_ttl_seconds));
  return r;
}

http::Response Current(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  return JsonResponse({{"user", UserJson(*who)}, {"csrf_token", who->csrf_token}});
}

std::string RequestToken(const http::Request& req) {
  std::string_view auth = req.Header("Authorization");
  if (auth.rfind("Bearer ", 0) == 0) return std::string(auth.substr(7));
  return req.Cookie(kSessionCookie);
}

http::Response Logout(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  if (auto r = c.auth.Logout(RequestToken(req)); !r) return ErrorToResponse(r.error());
  auto r = JsonResponse({{"status", "logged_out"}});
  r.SetHeader("Set-Cookie", SessionCookie(c, "", 0));
  return r;
}

http::Response ChangePassword(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto body = ParseJsonObject(req);
  if (!body) return ErrorToResponse(body.error());
  if (auto r = CheckKnownFields(*body, {"current_password", "new_password"}); !r) {
    return ErrorToResponse(r.error());
  }
  auto current = StringField(*body, "current_password");
  if (!current) return ErrorToResponse(current.error());
  auto next = StringField(*body, "new_password");
  if (!next) return ErrorToResponse(next.error());
  if (auto r = c.auth.ChangePassword(*who, RequestToken(req), *current, *next); !r) {
    return ErrorToResponse(r.error());
  }
  return JsonResponse({{"status", "password_changed"}});
}

}  // namespace

void RegisterSessionRoutes(http::Router& router, Context& c) {
  router.Add("POST", "/api/v1/session", Anyone(), [&c](http::Request& r) { return Login(c, r); });
  router.Add("GET", "/api/v1/session", LoggedIn(), [&c](http::Request& r) { return Current(c, r); });
  router.Add("DELETE", "/api/v1/session", LoggedIn(), [&c](http::Request& r) { return Logout(c, r); });
  router.Add("PUT", "/api/v1/session/password", LoggedIn(),
             [&c](http::Request& r) { return ChangePassword(c, r); });
}

}  // namespace rongping::api
