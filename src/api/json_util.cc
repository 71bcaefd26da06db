#include "api/json_util.h"

#include <fmt/format.h>

#include "core/json_parse.h"
#include "core/text.h"
#include "importer/enterprise_import.h"
#include "importer/table.h"
#include "report/pdf.h"
#include "scoring/model_loading.h"

namespace rongping::api {

http::Response HtmlPageResponse(std::string html, const std::string& filename) {
  http::Response r;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(html);
  r.SetHeader("Content-Security-Policy",
              "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
              "frame-ancestors 'none'");
  r.SetHeader("Content-Disposition", fmt::format("inline; filename=\"{}\"", filename));
  return r;
}

http::Response JsonResponse(const Json& body, int status) {
  http::Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

http::Response KeptJson::Response() const {
  http::Response r;
  r.body = body;
  return r;
}

http::Response ErrorToResponse(const Error& error, const std::vector<Error>& details) {
  Json e;
  e["code"] = error.code;
  e["message"] = error.message;
  if (!error.field.empty()) e["field"] = error.field;
  if (details.size() > 1) {
    Json list = Json::array();
    for (const auto& d : details) list.push_back({{"field", d.field}, {"message", d.message}});
    e["details"] = std::move(list);
  }
  http::Response r = JsonResponse(Json{{"error", std::move(e)}}, HttpStatus(error.kind));
  if (error.kind == ErrorKind::kUnauthenticated) r.SetHeader("WWW-Authenticate", "Bearer");
  if (error.retry_after_seconds > 0) r.SetHeader("Retry-After", std::to_string(error.retry_after_seconds));
  return r;
}

Result<Json> ParseJsonObject(const http::Request& request) {
  auto body = ParseJsonText<Json>(request.body);
  if (!body) {
    body.error().message = "请求体" + body.error().message;
    return body;
  }
  if (!body->is_object()) {
    return Fail(Error::Malformed("invalid_json", "请求体应为 JSON 对象"));
  }
  return body;
}

Result<void> CheckKnownFields(const Json& object, const std::vector<std::string_view>& allowed) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string shown = IsValidUtf8(key) && !HasControlCharacter(key) && key.size() <= 64
                              ? key
                              : std::string("(无法显示)");
      return Fail(Error::Invalid("unknown_field", fmt::format("未知字段“{}”", shown), shown));
    }
  }
  return {};
}

Result<std::string> StringField(const Json& object, std::string_view name, bool required) {
  auto it = object.find(std::string(name));
  if (it == object.end() || it->is_null()) {
    if (required) {
      return Fail(Error::Invalid("missing_field", fmt::format("缺少字段 {}", name),
                                 std::string(name)));
    }
    return std::string();
  }
  if (!it->is_string()) {
    return Fail(Error::Invalid("wrong_type", fmt::format("字段 {} 应为字符串", name),
                               std::string(name)));
  }
  return it->get<std::string>();
}

namespace {

// What an account with an issued password may do before changing it: read
// and end its session, and change the password.
bool AllowedBeforePasswordChange(const http::Request& request) {
  return (request.path == "/api/v1/session" && (request.method == "GET" || request.method == "DELETE")) ||
         (request.path == "/api/v1/session/password" && request.method == "PUT");
}

// The request's bearer token, else its session cookie (`*via_cookie`);
// empty when it has neither.
std::string SessionToken(const http::Request& request, bool* via_cookie) {
  std::string_view auth = request.Header("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  *via_cookie = false;
  if (auth.size() > kBearer.size() && auth.substr(0, kBearer.size()) == kBearer) {
    return std::string(auth.substr(kBearer.size()));
  }
  *via_cookie = true;
  return request.Cookie(kSessionCookie);
}

bool IsSafeMethod(const http::Request& request) {
  return request.method == "GET" || request.method == "HEAD" || request.method == "OPTIONS";
}

// The principal of the request's bearer token or session cookie, its
// session found by `find(token)`.
template <typename Find>
Result<Principal> SessionPrincipal(const http::Request& request, const Find& find) {
  bool via_cookie = false;
  const std::string token = SessionToken(request, &via_cookie);
  if (token.empty()) return Fail(Error::Unauthenticated());
  Result<Principal> principal = find(token);
  if (!principal || !via_cookie) return principal;
  principal->via_cookie = true;
  if (!IsSafeMethod(request) && request.Header("X-CSRF-Token") != principal->csrf_token) {
    return Fail(Error::Forbidden("缺少或错误的 CSRF 令牌（X-CSRF-Token）"));
  }
  return principal;
}

Result<Principal> HeldToPasswordChange(Result<Principal> principal, const http::Request& request) {
  if (principal && principal->must_change_password && !AllowedBeforePasswordChange(request)) {
    return Fail(Error{ErrorKind::kForbidden, "password_change_required", "请先修改密码：该密码由管理员发放，须在首次登录时修改",
                      "", 0});
  }
  return principal;
}

}  // namespace

Result<Principal> Authenticate(Context& context, const http::Request& request) {
  return HeldToPasswordChange(
      SessionPrincipal(request, [&](const std::string& token) { return context.auth.Authenticate(token); }), request);
}

Result<Principal> Authenticate(Context& context, const http::Request& request, store::Tx& tx) {
  return HeldToPasswordChange(
      SessionPrincipal(request, [&](const std::string& token) { return context.auth.Authenticate(tx, token); }),
      request);
}

std::optional<Principal> KeptPrincipal(Context& context, const http::Request& request,
                                       store::Tx& tx) {
  if (!IsSafeMethod(request)) return std::nullopt;
  bool via_cookie = false;
  auto principal = context.auth.KeptPrincipal(tx, SessionToken(request, &via_cookie));
  if (!principal || principal->must_change_password) return std::nullopt;
  principal->via_cookie = via_cookie;
  return principal;
}

Json LevelTitleJson(const std::string& model_id, const std::optional<std::string>& level_id) {
  if (!level_id) return nullptr;
  auto m = scoring::SharedModel(model_id);
  if (m) {
    for (const auto& level : (*m)->levels) {
      if (level.id == *level_id) return level.title;
    }
  }
  return *level_id;
}

Result<int64_t> PathId(const http::Request& request, const std::string& name,
                       std::string not_found) {
  auto it = request.path_params.find(name);
  const std::string text = it == request.path_params.end() ? "" : it->second;
  auto id = ParseInteger(text);
  if (text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string::npos || !id || *id <= 0) {
    return Fail(Error::NotFound(std::move(not_found)));
  }
  return *id;
}

Result<Paging> PagingQuery(const http::Request& request, int64_t default_per_page) {
  auto page = IntQuery(request, "page", 1, 1, 1'000'000);
  if (!page) return Fail(page.error());
  auto per_page = IntQuery(request, "per_page", default_per_page, 1, 500);
  if (!per_page) return Fail(per_page.error());
  return Paging{*page, *per_page};
}

Result<int64_t> IntQuery(const http::Request& request, std::string_view name, int64_t fallback,
                         int64_t min, int64_t max) {
  std::string_view raw = request.Query(name);
  if (raw.empty()) return fallback;
  auto v = ParseInteger(raw);
  if (!v || *v < min || *v > max) {
    return Fail(Error::Invalid("invalid_parameter",
                               fmt::format("参数 {} 应为 {} 至 {} 之间的整数", name, min, max),
                               std::string(name)));
  }
  return *v;
}

std::string AttachmentDisposition(std::string_view ascii_name, std::string_view name) {
  std::string encoded;
  for (unsigned char ch : name) {
    if (ch < 0x20 || ch == 0x7F || std::string_view("/\\:*?\"<>|").find(static_cast<char>(ch)) != std::string_view::npos) {
      ch = '_';
    }
    const bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                       ch == '-' || ch == '.' || ch == '_';
    encoded += plain ? std::string(1, static_cast<char>(ch)) : fmt::format("%{:02X}", ch);
  }
  return fmt::format("attachment; filename=\"{}\"; filename*=UTF-8''{}", ascii_name, encoded);
}

// What one upload may hold (the body itself is bounded by the server's
// --body-limit-mib): at most 50,000 data rows, and an .xlsx whose parts
// decompress to at most 64 MiB, so that reading one costs a bounded amount
// of memory. Larger registers are imported in parts or with the command line.
extern const importer::ReadLimits kUploadLimits = [] {
  importer::ReadLimits limits;
  limits.max_rows = 50'000;
  limits.max_uncompressed_bytes = 64u << 20;
  return limits;
}();

Json ReportJson(const ImportReport& report) {
  Json errors = Json::array();
  for (const auto& e : report.errors) {
    errors.push_back({{"row", e.row}, {"column", e.column}, {"message", e.message}});
  }
  return {{"rows", report.rows},
          {"invalid_rows", report.invalid_rows},
          {"inserted", report.inserted},
          {"updated", report.updated},
          {"unchanged", report.unchanged},
          {"written", report.written},
          {"errors", errors},
          {"error_count", report.error_count},
          {"errors_truncated", report.errors_truncated}};
}

namespace {
constexpr std::string_view kPdfJob = "html_to_pdf";
}  // namespace

http::Response QueuePdf(Context& c, int64_t owner, const std::string& html,
                        const std::string& file_name) {
  Json input{{"html", html}, {"name", file_name}};
  auto id = c.jobs.Enqueue(kPdfJob, owner, input.dump());
  if (!id) return ErrorToResponse(id.error());
  http::Response resp =
      JsonResponse({{"job", {{"id", *id}, {"kind", kPdfJob}, {"status", "queued"}}},
                    {"status_url", fmt::format("/api/v1/jobs/{}", *id)}},
                   202);
  resp.SetHeader("Location", fmt::format("/api/v1/jobs/{}", *id));
  return resp;
}

void RegisterPdfJobs(Context& c) {
  c.jobs.Handle(std::string(kPdfJob),
                [&c](const domain::Job& job, std::stop_token stop) -> Result<jobs::JobOutput> {
                  auto input = Json::parse(job.input, nullptr, false);
                  if (!input.is_object() || !input["html"].is_string())
                    return Fail(Error::Internal("任务内容无效"));
                  auto pdf =
                      report::RenderPdf(input["html"].get<std::string>(), c.options.pdf, stop);
                  if (!pdf) return Fail(pdf.error());
                  return jobs::JobOutput{"application/pdf", input.value("name", "report.pdf"),
                                         std::move(*pdf)};
                });
}

}  // namespace rongping::api
