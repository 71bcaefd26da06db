// Maps a request's method and path to a handler.
//
// Patterns are absolute paths whose segments are either literal text or a
// whole-segment parameter in braces:
//
//   router.Add("GET", "/api/v1/enterprises/{uscc}", GetEnterprise);
//   router.Add("GET", "/api/v1/rounds/{round}/progress", GetProgress);
//
// Matching is segment by segment on the percent-decoded path. A parameter
// matches any non-empty segment; "/a/" and "/a" are different paths. When
// several patterns match, the one with a literal at the first position where
// they differ wins ("/rounds/current" beats "/rounds/{round}").
//
// Every route declares who may call it (Access). The declaration is what
// Routes() lists, so that tests walk the whole table role by role; the
// handler itself enforces it.
//
// A Router is built once before the server starts and is read-only afterwards;
// Find() may then be called from any number of threads.
#ifndef RONGPING_HTTP_ROUTER_H_
#define RONGPING_HTTP_ROUTER_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace rongping::http {

// Handles one request. Runs on a worker thread, never on an I/O thread, so it
// may block (e.g. on the store); only a fallback declared never to block
// runs on the I/O thread (Router::SetFallback). An exception escaping a handler becomes a 500
// response; handlers should still return error responses for expected
// failures.
using Handler = std::function<Response(Request&)>;

// Who may call a route.
struct Access {
  enum class Kind {
    kAnonymous,  // anyone, without logging in
    kLoggedIn,   // any logged-in user; the handler limits each to its scope
    kRoles,      // only the named roles; the others get 403 (or 404 where
                 // even existence is outside their scope)
  };
  Kind kind = Kind::kLoggedIn;
  std::vector<std::string> roles;  // for kRoles: role names, e.g. "province"

  static Access Anonymous() { return {Kind::kAnonymous, {}}; }
  static Access LoggedIn() { return {Kind::kLoggedIn, {}}; }
  static Access Roles(std::vector<std::string> roles) { return {Kind::kRoles, std::move(roles)}; }
};

// A registered route as Routes() lists it.
struct RouteInfo {
  std::string method;
  std::string pattern;
  Access access;
};

class Router {
 public:
  // Route labels for requests no registered pattern describes. They appear in
  // metrics and access logs in place of a pattern.
  static constexpr std::string_view kFallbackRoute = "(fallback)";
  static constexpr std::string_view kUnmatchedRoute = "(unmatched)";

  struct Match {
    enum class Outcome {
      kFound,             // `handler` is set
      kNotFound,          // no pattern matches the path: answer 404
      kMethodNotAllowed,  // the path matches under other methods: answer 405
    };
    Outcome outcome = Outcome::kNotFound;
    // The handler to run when outcome is kFound; points into the Router.
    const Handler* handler = nullptr;
    // The bounded label for metrics and logs: the matched pattern,
    // kFallbackRoute or kUnmatchedRoute. Never the raw path. Points into the
    // Router or static storage.
    std::string_view route = kUnmatchedRoute;
    // For kMethodNotAllowed: the value of the Allow header, e.g. "GET, HEAD".
    std::string allow;
    // The handler never blocks and answers from memory: the server runs it
    // on the I/O thread instead of handing it to a worker.
    bool never_blocks = false;
  };

  Router() = default;
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Registers `handler` for `method` (upper case, e.g. "GET") and `pattern`.
  // A GET route also answers HEAD unless a HEAD route is registered for the
  // same path; the server drops the body of HEAD responses.
  // Throws std::invalid_argument when the pattern is malformed (not starting
  // with '/', a brace that is not a whole segment, an empty parameter name) or
  // when the same method is already registered for an equivalent pattern.
  // Throws std::invalid_argument too when a kRoles access names no role.
  void Add(std::string method, std::string pattern, Access access, Handler handler);

  // Every registered route with its access, in registration order.
  std::vector<RouteInfo> Routes() const;

  // Sets the handler for GET and HEAD requests whose path matches no pattern
  // under any method, e.g. a static file server. Its route label is
  // kFallbackRoute. Without a fallback such requests get 404. With
  // `never_blocks` (a handler that answers from memory, quickly), the server
  // runs it on the I/O thread (Match::never_blocks).
  void SetFallback(Handler handler, bool never_blocks = false);

  // Finds the route for a request. Among the patterns that match `path`, the
  // most specific one registered for `method` wins (HEAD falls back to GET).
  // When found, `*params` (if not null) is replaced by the parameter values,
  // e.g. {"uscc": "91350100M000100Y43"}; otherwise it is cleared.
  Match Find(std::string_view method, std::string_view path,
             std::map<std::string, std::string>* params) const;

 private:
  struct Segment {
    std::string text;  // literal text, or the parameter name
    bool is_parameter = false;
  };
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<Segment> segments;
    Access access;
    Handler handler;
  };

  std::vector<Route> routes_;
  Handler fallback_;
  bool fallback_never_blocks_ = false;
};

// The 404 response for a path no route matches: code "not_found".
Response NotFoundResponse();

// The 405 response for a path that exists under other methods: code
// "method_not_allowed", with the Allow header set to `allow`.
Response MethodNotAllowedResponse(std::string_view allow);

}  // namespace rongping::http

#endif  // RONGPING_HTTP_ROUTER_H_
