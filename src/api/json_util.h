// Helpers shared by the API handlers: JSON bodies in and out, errors in the
// contract's form, authentication of a request. Include only from src/api.
#ifndef RONGPING_API_JSON_UTIL_H_
#define RONGPING_API_JSON_UTIL_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/context.h"
#include "core/result.h"
#include "http/message.h"

namespace rongping {
struct ImportReport;
}  // namespace rongping

namespace rongping::importer {
struct ReadLimits;
}  // namespace rongping::importer

namespace rongping::api {

using Json = nlohmann::ordered_json;

// The value, or null when there is none.
template <typename T>
Json OptionalJson(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

// 200 (or `status`) with a JSON body.
http::Response JsonResponse(const Json& body, int status = 200);

// A finished JSON response kept under a key that names objects by address
// (reference lists, a benchmark pack): it holds them, so that no other
// object can take their addresses while it is kept.
struct KeptJson {
  std::vector<std::shared_ptr<const void>> held;
  std::string body;

  // 200 with the kept body.
  http::Response Response() const;
};

// A self-contained HTML page (inline CSS only: nothing to load, nothing to
// run, as the Content-Security-Policy says), shown inline as `filename`.
http::Response HtmlPageResponse(std::string html, const std::string& filename);

// A Content-Disposition for a download named `name` (UTF-8, e.g. Chinese;
// a character no file name may hold, / \ : * ? " < > | or a control
// character, becomes "_"), with `ascii_name` for clients that cannot read
// RFC 5987's filename*.
std::string AttachmentDisposition(std::string_view ascii_name, std::string_view name);

// The contract's error body for `error`; `details` (one per field problem)
// are added as "details":[{"field","message"}] when there are several.
// Retry-After is set from error.retry_after_seconds when positive.
http::Response ErrorToResponse(const Error& error, const std::vector<Error>& details = {});

// The 中文 title of the stored stage `level_id` of model `model_id` (its
// id when the model no longer has it), or null when there is none: what a
// list shows instead of the stage's code.
Json LevelTitleJson(const std::string& model_id, const std::optional<std::string>& level_id);

// Parses a request body that must be a JSON object (core/json_parse.h).
// 422 "too_deep" when arrays and objects nest deeper than kMaxJsonDepth
// (checked before parsing); 400 "invalid_json" with the byte offset for
// malformed JSON or invalid UTF-8, a NUL byte or a key given twice; 400 when
// not an object.
Result<Json> ParseJsonObject(const http::Request& request);

// Rejects members of `object` not in `allowed` (422 "unknown_field").
Result<void> CheckKnownFields(const Json& object, const std::vector<std::string_view>& allowed);

// Reads a string member; kInvalid naming the field when absent (and
// required) or not a string.
Result<std::string> StringField(const Json& object, std::string_view name, bool required = true);

// The principal of the request (Bearer token, or session cookie plus the
// X-CSRF-Token header on unsafe methods); 401 otherwise. An account whose
// password an official issued gets 403 password_change_required for
// everything but reading or ending its session and changing the password.
Result<Principal> Authenticate(Context& context, const http::Request& request);
// The same, the session read in the caller's read transaction `tx`.
Result<Principal> Authenticate(Context& context, const http::Request& request, store::Tx& tx);
// The principal of a GET (or HEAD) request's session as a read transaction
// kept it at the accounts version `tx` has read already
// (AuthService::KeptPrincipal): nullopt when none is kept, and for any
// request Authenticate would refuse or hold to a password change.
std::optional<Principal> KeptPrincipal(Context& context, const http::Request& request,
                                       store::Tx& tx);

// Parses a positive integer query parameter with a default and bounds.
Result<int64_t> IntQuery(const http::Request& request, std::string_view name, int64_t fallback,
                         int64_t min, int64_t max);

// The positive number path parameter `name` names (up to 18 ASCII digits);
// 404 with `not_found` for anything else, as for a number that names
// nothing.
Result<int64_t> PathId(const http::Request& request, const std::string& name,
                       std::string not_found);

// The page of a list a request asks for: `page` from 1, `per_page` 1-500
// (`default_per_page` when absent); kInvalid naming the parameter otherwise.
struct Paging {
  int64_t page = 1;
  int64_t per_page = 50;
  int64_t offset() const { return (page - 1) * per_page; }
};
Result<Paging> PagingQuery(const http::Request& request, int64_t default_per_page = 50);

// Name of the session cookie.
inline constexpr std::string_view kSessionCookie = "rp_session";

// Queues the page `html` to be printed to PDF by a background job of
// `owner`'s, saved as `file_name`: 202 with the job and where to follow it,
// or the queue's refusal (429, 503). The handler of these jobs is
// registered by RegisterPdfJobs.
http::Response QueuePdf(Context& context, int64_t owner, const std::string& html,
                        const std::string& file_name);
void RegisterPdfJobs(Context& context);

// What one upload of a spreadsheet may hold: at most 50,000 data rows, and
// an .xlsx whose parts decompress to at most 64 MiB.
extern const importer::ReadLimits kUploadLimits;

// An import's report as every import answers it: counts, and each row's
// problems (row, column, message).
Json ReportJson(const ImportReport& report);

}  // namespace rongping::api

#endif  // RONGPING_API_JSON_UTIL_H_
