// /api/v1/reports/yearly: the yearly work report (工作报告) of a region as a
// print-ready page, a Word document, or a PDF printed by a background job.
#include <fmt/format.h>

#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "campaign/yearly_report.h"
#include "domain/date.h"
#include "report/document.h"

namespace rongping::api {
namespace {

// The report the request asks for, as the caller may see it.
Result<report::Document> YearlyReport(Context& c, const http::Request& req, const Principal& who) {
  auto year = IntQuery(req, "year", 0, 0, 9999);
  if (!year) return Fail(year.error());
  if (*year == 0) return Fail(Error::Invalid("invalid_parameter", "请选择年度", "year"));
  campaign::YearlyReportRequest request{static_cast<int>(*year), std::string(req.Query("unit")),
                                        domain::Date::TodayInChina(c.clock).ToString(),
                                        c.options.min_group_size};
  return campaign::BuildYearlyReport(c.db, c.results, &who, request);
}

http::Response GetHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  std::string_view format = req.Query("format");
  if (!format.empty() && format != "html" && format != "docx") {
    return ErrorToResponse(
        Error::Invalid("invalid_parameter", "format 应为 html 或 docx", "format"));
  }
  auto document = YearlyReport(c, req, *who);
  if (!document) return ErrorToResponse(document.error());
  if (format != "docx")
    return HtmlPageResponse(report::DocumentToHtml(*document), "yearly-report.html");
  auto docx = report::DocumentToDocx(*document);
  if (!docx) return ErrorToResponse(docx.error());
  http::Response r;
  r.content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
  r.body = std::move(*docx);
  r.SetHeader("Content-Disposition",
              AttachmentDisposition("yearly-report.docx", document->title + ".docx"));
  return r;
}

// The page is made now, with what the caller may see; only its printing
// waits in the queue.
http::Response PdfHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto document = YearlyReport(c, req, *who);
  if (!document) return ErrorToResponse(document.error());
  return QueuePdf(c, who->user_id, report::DocumentToHtml(*document), document->title + ".pdf");
}

}  // namespace

void RegisterReportRoutes(http::Router& router, Context& c) {
  router.Add("GET", "/api/v1/reports/yearly", RegionAdmins(),
             [&c](http::Request& r) { return GetHandler(c, r); });
  router.Add("POST", "/api/v1/reports/yearly/pdf", RegionAdmins(),
             [&c](http::Request& r) { return PdfHandler(c, r); });
}

}  // namespace rongping::api
