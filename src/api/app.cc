#include "api/app.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/json_util.h"

namespace rongping::api {
namespace {

constexpr std::string_view kStartPage = R"HTML(<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>融评 rongping</title></head>
<body><h1>融评 · 两化融合评估诊断和对标引导平台</h1>
<p>服务已运行。接口位于 <code>/api/v1</code>，健康检查 <code>/healthz</code>，指标 <code>/metrics</code>。</p>
<p>The service is running. The API is under <code>/api/v1</code>.</p></body></html>
)HTML";

std::string_view ContentTypeFor(const std::filesystem::path& p) {
  auto ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".woff2") return "font/woff2";
  return "application/octet-stream";
}

// Serves the built web app from web_root; unknown paths get index.html so
// client-side routes work. Paths with ".." never leave web_root.
http::Response StaticFile(const Context& c, const http::Request& req) {
  http::Response r;
  if (req.path.rfind("/api/", 0) == 0) return http::NotFoundResponse();
  namespace fs = std::filesystem;
  if (!c.options.web_root.empty() && fs::is_directory(c.options.web_root) &&
      req.path.find("..") == std::string::npos) {
    fs::path root(c.options.web_root);
    fs::path file = root / req.path.substr(1);
    std::error_code ec;
    if (req.path == "/" || !fs::is_regular_file(file, ec)) file = root / "index.html";
    std::ifstream in(file, std::ios::binary);
    if (in) {
      std::ostringstream ss;
      ss << in.rdbuf();
      r.body = ss.str();
      r.content_type = std::string(ContentTypeFor(file));
      if (req.path.rfind("/assets/", 0) == 0) {
        r.SetHeader("Cache-Control", "public, max-age=31536000, immutable");
      }
      return r;
    }
  }
  r.content_type = "text/html; charset=utf-8";
  r.body = std::string(kStartPage);
  return r;
}

}  // namespace

void RegisterRoutes(http::Router& router, Context& c) {
  router.Add("GET", "/healthz", [&c](http::Request&) {
    if (auto ping = c.db.Ping(); !ping) {
      return JsonResponse({{"status", "unavailable"}, {"message", ping.error().message}}, 503);
    }
    return JsonResponse({{"status", "ok"}});
  });
  router.Add("GET", "/api/v1/openapi.json", [](http::Request&) {
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
  RegisterJobRoutes(router, c);
  RegisterModelRoutes(router, c);
  router.SetFallback([&c](http::Request& r) { return StaticFile(c, r); });
}

}  // namespace rongping::api
