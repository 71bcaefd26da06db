#include "http/router.h"

#include <set>
#include <stdexcept>
#include <utility>

namespace rongping::http {
namespace {

// Splits "/a/b" into {"a", "b"}; "/" gives {""} and "/a/" gives {"a", ""}.
// `path` must start with '/'.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  std::string_view rest = path.substr(1);
  while (true) {
    size_t slash = rest.find('/');
    segments.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return segments;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Access access, Handler handler) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  }
  if (method.empty()) throw std::invalid_argument("route method is empty: " + pattern);
  if (!handler) throw std::invalid_argument("route handler is empty: " + pattern);
  if (access.kind == Access::Kind::kRoles && access.roles.empty()) {
    throw std::invalid_argument("route allows no role: " + pattern);
  }

  Route route;
  for (std::string_view text : SplitPath(pattern)) {
    Segment segment;
    if (!text.empty() && text.front() == '{') {
      if (text.size() < 3 || text.back() != '}' ||
          text.substr(1, text.size() - 2).find_first_of("{}") != std::string_view::npos) {
        throw std::invalid_argument("malformed route parameter in: " + pattern);
      }
      segment.text = std::string(text.substr(1, text.size() - 2));
      segment.is_parameter = true;
    } else {
      if (text.find_first_of("{}") != std::string_view::npos) {
        throw std::invalid_argument("a route parameter must be a whole segment: " + pattern);
      }
      segment.text = std::string(text);
    }
    route.segments.push_back(std::move(segment));
  }

  for (const Route& existing : routes_) {
    if (existing.method != method || existing.segments.size() != route.segments.size()) continue;
    bool same_shape = true;
    for (size_t i = 0; i < route.segments.size() && same_shape; ++i) {
      const Segment& a = existing.segments[i];
      const Segment& b = route.segments[i];
      same_shape = a.is_parameter == b.is_parameter && (a.is_parameter || a.text == b.text);
    }
    if (same_shape) {
      throw std::invalid_argument("duplicate route: " + method + " " + pattern);
    }
  }

  route.method = std::move(method);
  route.pattern = std::move(pattern);
  route.access = std::move(access);
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
}

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const Route& r : routes_) out.push_back({r.method, r.pattern, r.access});
  return out;
}

void Router::SetFallback(Handler handler, bool never_blocks) {
  fallback_ = std::move(handler);
  fallback_never_blocks_ = never_blocks;
}

Router::Match Router::Find(std::string_view method, std::string_view path,
                           std::map<std::string, std::string>* params) const {
  if (params != nullptr) params->clear();
  Match match;
  if (path.empty() || path.front() != '/') return match;

  const std::vector<std::string_view> segments = SplitPath(path);
  auto matches_path = [&segments](const Route& route) {
    if (route.segments.size() != segments.size()) return false;
    for (size_t i = 0; i < segments.size(); ++i) {
      const Segment& s = route.segments[i];
      if (s.is_parameter ? segments[i].empty() : s.text != segments[i]) return false;
    }
    return true;
  };
  // True when `a` is more specific than `b`: a literal where the other has a
  // parameter, at the first position where they differ.
  auto more_specific = [](const Route& a, const Route& b) {
    for (size_t i = 0; i < a.segments.size(); ++i) {
      if (a.segments[i].is_parameter != b.segments[i].is_parameter) {
        return !a.segments[i].is_parameter;
      }
    }
    return false;
  };

  const Route* best_exact = nullptr;  // registered for `method` itself
  const Route* best_get = nullptr;    // registered for GET, used for HEAD
  std::set<std::string> allowed;
  for (const Route& route : routes_) {
    if (!matches_path(route)) continue;
    allowed.insert(route.method);
    if (route.method == "GET") allowed.insert("HEAD");
    if (route.method == method) {
      if (best_exact == nullptr || more_specific(route, *best_exact)) best_exact = &route;
    } else if (method == "HEAD" && route.method == "GET") {
      if (best_get == nullptr || more_specific(route, *best_get)) best_get = &route;
    }
  }

  const Route* chosen = best_exact != nullptr ? best_exact : best_get;
  if (chosen != nullptr) {
    match.outcome = Match::Outcome::kFound;
    match.handler = &chosen->handler;
    match.route = chosen->pattern;
    if (params != nullptr) {
      for (size_t i = 0; i < segments.size(); ++i) {
        if (chosen->segments[i].is_parameter) {
          (*params)[chosen->segments[i].text] = std::string(segments[i]);
        }
      }
    }
    return match;
  }
  if (!allowed.empty()) {
    match.outcome = Match::Outcome::kMethodNotAllowed;
    for (const std::string& m : allowed) {
      if (!match.allow.empty()) match.allow += ", ";
      match.allow += m;
    }
    return match;
  }
  if (fallback_ && (method == "GET" || method == "HEAD")) {
    match.outcome = Match::Outcome::kFound;
    match.handler = &fallback_;
    match.route = kFallbackRoute;
    match.never_blocks = fallback_never_blocks_;
  }
  return match;
}

Response NotFoundResponse() { return ErrorResponse(404, "not_found", "未找到该接口"); }

Response MethodNotAllowedResponse(std::string_view allow) {
  Response response = ErrorResponse(405, "method_not_allowed", "不支持该请求方法");
  response.SetHeader("Allow", std::string(allow));
  return response;
}

}  // namespace rongping::http
