// libFuzzer target for the way the server reads a request: Boost.Beast's
// HTTP/1.1 parser under the server's header and body limits, then the
// request target (http/target.h) and the router over the application's own
// route table (fuzz/routes.inc, from `rongping routes`, made by scripts/fuzz).
//
// Any bytes must be parsed or refused, never crash; a target that is
// accepted decodes to a path starting with '/' without NUL anywhere, and a
// route found binds every parameter to a non-empty segment without '/'.
#include <utility>  // before Asio, see the project notes

#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>

#include "http/router.h"
#include "http/target.h"

namespace {

namespace bhttp = boost::beast::http;
using rongping::http::Access;
using rongping::http::Router;

const Router& AppRouter() {
  static const Router* router = [] {
    auto* r = new Router();
    static const std::pair<const char*, const char*> kRoutes[] = {
#include "routes.inc"
    };
    for (const auto& [method, pattern] : kRoutes) {
      r->Add(method, pattern, Access::LoggedIn(), [](rongping::http::Request&) { return rongping::http::Response{}; });
    }
    return r;
  }();
  return *router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(16 * 1024);  // as ServerOptions::header_limit_bytes
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  size_t used = parser.put(boost::asio::buffer(data, size), ec);
  if (!ec && used < size && parser.is_done()) return 0;  // a pipelined second request
  if (!parser.is_header_done()) return 0;
  const auto& message = parser.get();
  std::string target(message.target().data(), message.target().size());
  std::string path;
  std::map<std::string, std::string> query;
  if (!rongping::http::ParseTarget(target, &path, &query)) return 0;
  if (path.empty() || path.front() != '/' || path.find('\0') != std::string::npos) std::abort();
  for (const auto& [k, v] : query) {
    if (k.find('\0') != std::string::npos || v.find('\0') != std::string::npos) std::abort();
  }
  std::map<std::string, std::string> params;
  std::string method(message.method_string().data(), message.method_string().size());
  auto match = AppRouter().Find(method, path, &params);
  if (match.outcome == Router::Match::Outcome::kFound) {
    for (const auto& [name, value] : params) {
      if (value.empty() || value.find('/') != std::string::npos) std::abort();
    }
  }
  return 0;
}
