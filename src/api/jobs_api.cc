// GET /api/v1/jobs/{id}: a background job's state; GET …/result: its
// result (e.g. a PDF report) once done. Only the user who queued a job sees
// it; to anyone else it does not exist.
#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "domain/job.h"

namespace rongping::api {
namespace {

// The caller's own job, with its result bytes when `with_result`.
Result<domain::Job> OwnJob(Context& c, http::Request& req, bool with_result) {
  auto who = Authenticate(c, req);
  if (!who) return Fail(who.error());
  const std::string& text = req.path_params["id"];
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size()) return Fail(Error::NotFound("任务不存在"));
  return c.jobs.Find(id, who->user_id, with_result);
}

Json JobJson(const domain::Job& job) {
  Json j{{"id", job.id}, {"kind", job.kind}, {"status", job.status}, {"created_at", job.created_at}};
  if (!job.finished_at.empty()) j["finished_at"] = job.finished_at;
  if (job.status == "failed") j["error"] = job.error;
  if (job.status == "done") j["result_url"] = fmt::format("/api/v1/jobs/{}/result", job.id);
  return j;
}

}  // namespace

void RegisterJobRoutes(http::Router& router, Context& c) {
  router.Add("GET", "/api/v1/jobs/{id}", LoggedIn(), [&c](http::Request& req) {
    auto job = OwnJob(c, req, false);
    if (!job) return ErrorToResponse(job.error());
    return JsonResponse(JobJson(*job));
  });
  router.Add("GET", "/api/v1/jobs/{id}/result", LoggedIn(), [&c](http::Request& req) {
    auto job = OwnJob(c, req, true);
    if (!job) return ErrorToResponse(job.error());
    if (job->status != "done") {
      return ErrorToResponse(Error::Conflict(
          "job_not_done", job->status == "failed" ? "任务未完成：" + job->error : "任务尚未完成，请稍后再试"));
    }
    http::Response r;
    r.content_type = job->result_type;
    r.body = std::move(job->result);
    const std::string& name = job->result_name;
    const bool ascii = std::all_of(name.begin(), name.end(), [](char ch) { return ch > 0x20 && ch < 0x7F; });
    const auto dot = name.rfind('.');
    r.SetHeader("Content-Disposition",
                AttachmentDisposition(ascii ? name : "download" + (dot == std::string::npos ? "" : name.substr(dot)), name));
    return r;
  });
}

}  // namespace rongping::api
