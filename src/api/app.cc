#include "api/access.h"
#include "api/app.h"

#include "api/json_util.h"

namespace rongping::api {
namespace {

constexpr std::string_view kStartPage = R"HTML(<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>融评 rongping</title></head>
<body><h1>融评 · 两化融合评估诊断和对标引导平台</h1>
<p>服务已运行。接口位于 <code>/api/v1</code>，健康检查 <code>/healthz</code>，指标 <code>/metrics</code>。</p>
<p>The service is running. The API is under <code>/api/v1</code>.</p></body></html>
)HTML";

// Serves the built web app from its in-memory table (see
// http/static_files.h): a file by exact path; "/" and client-side routes
// (no file extension) get index.html; a missing file with an extension is
// 404. Without a built app, a plain start page.
http::Response StaticFile(const Context& c, const http::Request& req) {
  if (req.path.starts_with("/api/")) return http::NotFoundResponse();
  const http::StaticFile* file = c.web_app.Find(req.path);
  if (!file) {
    std::string_view last = std::string_view(req.path).substr(req.path.rfind('/') + 1);
    if (last.find('.') != std::string_view::npos) return http::NotFoundResponse();
    file = c.web_app.Index();
  }
  http::Response r;
  if (!file) {
    r.content_type = "text/html; charset=utf-8";
    r.body = std::string(kStartPage);
    return r;
  }
  return http::FileResponse(*file, req.Header("Accept-Encoding"), req.Header("If-None-Match"));
}

}  // namespace

void RegisterRoutes(http::Router& router, Context& c) {
  router.Add("GET", "/healthz", Anyone(), [&c](http::Request&) {
    if (auto ping = c.db.Ping(); !ping) {
      return JsonResponse({{"status", "unavailable"}, {"message", ping.error().message}}, 503);
    }
    return JsonResponse({{"status", "ok"}});
  });
  router.Add("GET", "/api/v1/openapi.json", Anyone(), [](http::Request&) {
    http::Response r;
    r.body = std::string(kOpenApiJson);
    return r;
  });
  RegisterSessionRoutes(router, c);
  RegisterEnterpriseRoutes(router, c);
  RegisterAdminRoutes(router, c);
  RegisterCampaignRoutes(router, c);
  RegisterGrantRoutes(router, c);
  RegisterContactRoutes(router, c);
  RegisterDataMapRoutes(router, c);
  RegisterDiagnosisRoutes(router, c);
  RegisterCircularRoutes(router, c);
  RegisterSelectionRoutes(router, c);
  RegisterSupportRoutes(router, c);
  RegisterReportRoutes(router, c);
  RegisterPdfJobs(c);
  RegisterOutstandingRoutes(router, c);
  RegisterReminderRoutes(router, c);
  RegisterAccountRoutes(router, c);
  RegisterRegistrationRoutes(router, c);
  RegisterJobRoutes(router, c);
  RegisterModelRoutes(router, c);
  RegisterBenchmarkRoutes(router, c);
  // The web app answers from memory: on the I/O thread, no hand-off.
  router.SetFallback([&c](http::Request& r) { return StaticFile(c, r); }, /*never_blocks=*/true);
}

}  // namespace rongping::api
