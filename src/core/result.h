// Result<T>: the value of an operation that can fail in an expected way.
//
// Domain and store code return Result<T> instead of throwing. An Error carries
// a kind (which decides the HTTP status and the CLI exit code at the edge), a
// stable machine code, a human message (简体中文 for anything a user sees) and,
// where it applies, the offending field.
#ifndef RONGPING_CORE_RESULT_H_
#define RONGPING_CORE_RESULT_H_

#include <cstdint>
#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace rongping {

enum class ErrorKind {
  kMalformed,        // the request cannot be parsed (bad JSON, bad encoding); 400
  kInvalid,          // the input parses but is wrong; 422
  kNotFound,         // absent, or outside the caller's scope; 404
  kConflict,         // stale version or duplicate; 409
  kUnauthenticated,  // no or expired credentials; 401
  kForbidden,        // authenticated but the role may not do this; 403
  kTooLarge,         // input over a configured limit; 413
  kRateLimited,      // throttled; 429
  kUnavailable,      // the store or another dependency does not answer; 503
  kInternal,         // a bug or an unexpected store failure; 500
};

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string code;     // machine code, e.g. "invalid_uscc"
  std::string message;  // human message
  std::string field;    // offending field, empty when none
  // For kRateLimited and kUnavailable: seconds after which trying again
  // may succeed (the Retry-After header); 0 when unknown.
  int64_t retry_after_seconds = 0;

  static Error Invalid(std::string code, std::string message, std::string field = {}) {
    return {ErrorKind::kInvalid, std::move(code), std::move(message), std::move(field)};
  }
  static Error Malformed(std::string code, std::string message) {
    return {ErrorKind::kMalformed, std::move(code), std::move(message), {}};
  }
  static Error NotFound(std::string message = "未找到") {
    return {ErrorKind::kNotFound, "not_found", std::move(message), {}};
  }
  static Error Conflict(std::string code, std::string message) {
    return {ErrorKind::kConflict, std::move(code), std::move(message), {}};
  }
  static Error Unauthenticated(std::string message = "请先登录") {
    return {ErrorKind::kUnauthenticated, "unauthenticated", std::move(message), {}};
  }
  static Error Forbidden(std::string message = "无权执行此操作") {
    return {ErrorKind::kForbidden, "forbidden", std::move(message), {}};
  }
  static Error TooLarge(std::string message) {
    return {ErrorKind::kTooLarge, "too_large", std::move(message), {}};
  }
  static Error RateLimited(std::string message, int64_t retry_after_seconds = 0) {
    return {ErrorKind::kRateLimited, "rate_limited", std::move(message), {}, retry_after_seconds};
  }
  static Error Unavailable(std::string message, int64_t retry_after_seconds = 0) {
    return {ErrorKind::kUnavailable, "unavailable", std::move(message), {}, retry_after_seconds};
  }
  static Error Internal(std::string message) {
    return {ErrorKind::kInternal, "internal", std::move(message), {}};
  }
};

template <typename T>
using Result = tl::expected<T, Error>;

// Shorthand for returning an error from a function that returns Result<T>.
inline tl::unexpected<Error> Fail(Error e) { return tl::unexpected<Error>(std::move(e)); }

// The HTTP status an error kind maps to.
int HttpStatus(ErrorKind kind);

}  // namespace rongping

#endif  // RONGPING_CORE_RESULT_H_
